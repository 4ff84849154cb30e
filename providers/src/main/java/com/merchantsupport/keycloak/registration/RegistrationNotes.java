package com.merchantsupport.keycloak.registration;

/** Authentication-session notes passed from the form to the "check your mailbox" step. */
final class RegistrationNotes {

    /** The account this registration created. */
    static final String NEW_ACCOUNT = "merchant.registration.new-account";
    /** The account that already had the typed email. */
    static final String EXISTING_ACCOUNT = "merchant.registration.existing-account";
    /** The address as typed (normalized), shown on the "check your mailbox" page. */
    static final String EMAIL = "merchant.registration.email";
    /** What the "check your mailbox" page said once its email went out: showing it again sends nothing. */
    static final String MAILBOX_SHOWN = "merchant.registration.mailbox-shown";

    private RegistrationNotes() {
    }
}
