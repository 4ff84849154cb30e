package com.merchantsupport.keycloak.registration;

import com.merchantsupport.keycloak.limits.JourneyLimits;
import com.merchantsupport.keycloak.limits.LimitReason;

/** Authentication-session notes passed from the form to the "check your mailbox" step. */
final class RegistrationNotes {

    /** The account this registration created. */
    static final String NEW_ACCOUNT = "merchant.registration.new-account";
    /** The account that already had the typed email. */
    static final String EXISTING_ACCOUNT = "merchant.registration.existing-account";
    /** The address as typed (normalized), shown on the "check your mailbox" page. */
    static final String EMAIL = "merchant.registration.email";
    /** What the "check your mailbox" page said once its email went out: showing it again sends nothing. */
    /** The "already used" page was shown for this submit: a reload shows it again, counts and records nothing. */
    static final String ALREADY_USED_SHOWN = "merchant.registration.already-used-shown";
    static final String MAILBOX_SHOWN = "merchant.registration.mailbox-shown";

    /** The new account whose welcome email the form counted with its sign-up: the next step queues it without asking. */
    static final String WELCOME_COUNTED = "merchant.registration.welcome-counted";

    /** A limit refused the sign-up: "reason:seconds", for the next step's 429 page. */
    static final String LIMITED = "merchant.registration.limited";

    static String limited(JourneyLimits.Verdict verdict) {
        return verdict.refusedBy().name() + ":" + verdict.retryAfterSeconds();
    }

    static JourneyLimits.Verdict limited(String note) {
        int colon = note.indexOf(':');
        try {
            return new JourneyLimits.Verdict(null, LimitReason.valueOf(note.substring(0, colon)), Long.parseLong(note.substring(colon + 1)));
        } catch (RuntimeException damaged) {
            return new JourneyLimits.Verdict(null, LimitReason.ADDRESS_SIGN_UPS, 600);
        }
    }

    private RegistrationNotes() {
    }
}
