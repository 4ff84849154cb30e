package com.merchantsupport.keycloak.journey;

import org.keycloak.models.UserModel;

/**
 * The realm's user profile as the pack's code relies on it: one {@code name} attribute (no first or last
 * name), the limits of name and email, and what a merchant is called. The realm JSON declares the same
 * (scripts/realm_json.py); {@code MerchantProfileTest} fails when the two disagree.
 */
public final class MerchantProfile {

    /** The merchant's name as typed; it becomes the ID token's {@code name} claim, unchanged. */
    public static final String NAME = "name";
    /** The user profile's limit on the name. */
    public static final int NAME_MAX_LENGTH = 255;
    /** The user profile's limit on the email: RFC 5321's limit on a forward path. */
    public static final int EMAIL_MAX_LENGTH = 254;

    private MerchantProfile() {
    }

    /**
     * What the pack's mails and pages call the merchant: the name, else first and last name (accounts an admin
     * or another tool made), else the email.
     */
    public static String displayName(UserModel user) {
        return displayName(user.getFirstAttribute(NAME), user.getFirstName(), user.getLastName(), user.getEmail());
    }

    public static String displayName(String name, String firstName, String lastName, String email) {
        for (String candidate : new String[] {name, join(firstName, lastName), email}) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * The name of an account made from someone else's profile (an identity provider's), in the same order as
     * {@link #displayName}, each candidate cleaned so that the account passes the user profile's validation;
     * null when none has anything left.
     */
    public static String fromProfile(String name, String firstName, String lastName, String email) {
        for (String candidate : new String[] {name, join(firstName, lastName), email}) {
            String cleaned = clean(candidate);
            if (cleaned != null) {
                return cleaned;
            }
        }
        return null;
    }

    private static String join(String first, String last) {
        String a = first == null ? "" : first.trim();
        String b = last == null ? "" : last.trim();
        return (a + " " + b).trim();
    }

    /** Control characters and runs of spaces become one space; cut to {@link #NAME_MAX_LENGTH}, never inside a surrogate pair. */
    static String clean(String value) {
        if (value == null) {
            return null;
        }
        String s = value.replaceAll("\\p{Cntrl}", " ").replaceAll("\\s+", " ").trim();
        if (s.isEmpty()) {
            return null;
        }
        if (s.length() > NAME_MAX_LENGTH) {
            int end = NAME_MAX_LENGTH;
            if (Character.isHighSurrogate(s.charAt(end - 1))) {
                end--;
            }
            s = s.substring(0, end).trim();
        }
        return s;
    }
}
