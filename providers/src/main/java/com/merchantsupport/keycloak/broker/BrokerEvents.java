package com.merchantsupport.keycloak.broker;

/**
 * What the provider sign-in steps add to Keycloak's {@code IDENTITY_PROVIDER_*} events. Admins filter on these
 * in Realm settings → Events: renaming one breaks their searches.
 */
final class BrokerEvents {

    /** What the step decided: one of the values below. */
    static final String LINK_DETAIL = "merchant_link";
    static final String NEW_ACCOUNT = "new_account";
    /** A new account the provider did not vouch for: made, not signed in, waiting for its welcome link. */
    static final String NEW_ACCOUNT_AWAITING_MAILBOX = "new_account_awaiting_mailbox";
    static final String LINKED = "linked_verified_email";
    static final String VERIFICATION_REQUIRED = "verification_required";
    static final String REFUSED = "refused";

    /** Whether a new account's email counts as verified. */
    static final String EMAIL_VERIFIED_DETAIL = "merchant_email_verified";
    /** The refused account's Workspace domain ({@code none} for a personal account). */
    static final String HOSTED_DOMAIN_DETAIL = "merchant_hosted_domain";
    /** The {@code merchant_step} of the welcome email a new account the provider did not vouch for is sent. */
    static final String WELCOME_STEP = "welcome-email-provider";

    private BrokerEvents() {
    }
}
