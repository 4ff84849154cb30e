package com.merchantsupport.keycloak.registration;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.merchantsupport.keycloak.journey.MerchantProfile;
import com.merchantsupport.keycloak.journey.PersonNames;
import org.keycloak.models.utils.FormMessage;

/**
 * What the registration form accepts, before the realm's user profile has its say. Pure, so that each
 * rule is unit-tested; the messages are keys of the login theme's bundles.
 */
public final class NameAndEmailRules {

    /** The form's field is the user profile's attribute. */
    public static final String FIELD_NAME = MerchantProfile.NAME;
    public static final String FIELD_EMAIL = "email";

    public static final String MISSING_NAME = "merchantNameMissing";
    public static final String NAME_TOO_LONG = "merchantNameTooLong";
    public static final String MISSING_EMAIL = "merchantEmailMissing";
    public static final String EMAIL_TOO_LONG = "merchantEmailTooLong";
    public static final String EMAIL_INVALID = "merchantEmailInvalid";

    private NameAndEmailRules() {
    }

    /** The name as stored: what the merchant typed, without surrounding spaces. */
    public static String normalizeName(String name) {
        return name == null ? "" : name.strip();
    }

    /** Emails are matched without regard to case: one form, lower case. */
    public static String normalizeEmail(String email) {
        return email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
    }

    public static List<FormMessage> check(String normalizedName, String normalizedEmail) {
        List<FormMessage> errors = new ArrayList<>();
        if (normalizedName.isEmpty()) {
            errors.add(new FormMessage(FIELD_NAME, MISSING_NAME));
        } else if (normalizedName.codePointCount(0, normalizedName.length()) > MerchantProfile.NAME_MAX_LENGTH) {
            errors.add(new FormMessage(FIELD_NAME, NAME_TOO_LONG, MerchantProfile.NAME_MAX_LENGTH));
        } else {
            PersonNames.refusal(normalizedName).ifPresent(key -> errors.add(new FormMessage(FIELD_NAME, key)));
        }
        if (normalizedEmail.isEmpty()) {
            errors.add(new FormMessage(FIELD_EMAIL, MISSING_EMAIL));
        } else if (normalizedEmail.length() > MerchantProfile.EMAIL_MAX_LENGTH) {
            errors.add(new FormMessage(FIELD_EMAIL, EMAIL_TOO_LONG, MerchantProfile.EMAIL_MAX_LENGTH));
        } else if (hasControlCharacter(normalizedEmail) || !looksLikeEmail(normalizedEmail)) {
            errors.add(new FormMessage(FIELD_EMAIL, EMAIL_INVALID));
        }
        return errors;
    }

    /** The event detail naming the first refusal, for admins reading REGISTER_ERROR events. */
    public static String reason(List<FormMessage> errors) {
        return errors.isEmpty() ? null : errors.get(0).getMessage();
    }

    /** For the email (the name's characters are {@link PersonNames}' rule, shared with the user profile). */
    static boolean hasControlCharacter(String s) {
        return s.codePoints().anyMatch(cp -> Character.getType(cp) == Character.CONTROL
                || Character.getType(cp) == Character.FORMAT && cp != 0x200D && cp != 0x200C // joiners: emoji, Persian
                || cp == 0x2028 || cp == 0x2029);
    }

    /** A first sieve; Keycloak's email validator in the user profile has the last word. */
    static boolean looksLikeEmail(String s) {
        int at = s.lastIndexOf('@');
        return at > 0 && at < s.length() - 1 && s.indexOf('@') == at && s.chars().noneMatch(Character::isWhitespace)
                && s.substring(at + 1).contains(".") && !s.endsWith(".");
    }
}
