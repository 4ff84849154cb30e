package com.merchantsupport.keycloak.broker;

/** Keys of the login theme's messages this step shows (themes/merchant-support/login/messages, "# broker"). */
final class BrokerMessages {

    /** {0}: the provider's name, {1}: the account's Workspace domain. */
    static final String DOMAIN_NOT_ALLOWED = "merchantBrokerDomainNotAllowed";
    /** {0}: the provider's name. A personal account (no Workspace domain) where only some domains may sign in. */
    static final String PERSONAL_ACCOUNT_NOT_ALLOWED = "merchantBrokerPersonalAccountNotAllowed";
    /** {0}: the provider's name. */
    static final String EMAIL_MISSING = "merchantBrokerEmailMissing";
    /** {0}: the provider's name, {1}: the address. A new account, the welcome email sent to prove the mailbox. */
    static final String EMAIL_NOT_PROVEN_SENT = "merchantBrokerEmailNotProvenSent";
    /** {0}: the provider's name, {1}: the address. The same, the email could not be sent (limit, mail server). */
    static final String EMAIL_NOT_PROVEN_NOT_SENT = "merchantBrokerEmailNotProvenNotSent";
    /** {0}: the provider's name, {1}: the address. A later sign-in, before the mailbox was proven. */
    static final String AWAITS_MAILBOX = "merchantBrokerAwaitsMailbox";

    private BrokerMessages() {
    }
}
