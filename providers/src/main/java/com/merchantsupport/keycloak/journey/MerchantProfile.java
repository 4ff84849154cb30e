package com.merchantsupport.keycloak.journey;

import java.util.Optional;

import org.keycloak.models.UserModel;

/**
 * The realm's user profile as the pack's code relies on it: one {@code name} attribute (no first or last
 * name; what it may hold is {@link PersonNames}' rule), the limits of name and email, and what a merchant is
 * called. The realm JSON declares the same (scripts/realm_json.py); {@code MerchantProfileTest} fails when the two
 * disagree.
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
     * The name a mail greets the merchant by ("Hello Ada,"), or empty when the mail must greet without it ("Hello,"):
     * the {@link #displayName} unless a mail client could turn it into a link ({@link PersonNames#looksLikeLink}), so
     * that nobody can send a link in the pack's mails by registering a name like "evil.com".
     */
    public static Optional<String> greetingName(UserModel user) {
        return greetingName(displayName(user));
    }

    public static Optional<String> greetingName(String displayName) {
        return Optional.ofNullable(displayName).filter(name -> !PersonNames.looksLikeLink(name));
    }

    /**
     * The name of an account made from someone else's profile (an identity provider's), in the same order as
     * {@link #displayName}, each candidate cleaned ({@link PersonNames#clean}) so that the account passes the user
     * profile's validation; null when none has anything left.
     */
    public static String fromProfile(String name, String firstName, String lastName, String email) {
        for (String candidate : new String[] {name, join(firstName, lastName), email}) {
            String cleaned = PersonNames.clean(candidate);
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
}
