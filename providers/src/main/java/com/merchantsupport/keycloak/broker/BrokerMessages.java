package com.merchantsupport.keycloak.broker;

/** Keys of the login theme's messages this step shows (themes/merchant-support/login/messages, "# broker"). */
final class BrokerMessages {

    /** {0}: the provider's name, {1}: the account's Workspace domain. */
    static final String DOMAIN_NOT_ALLOWED = "merchantBrokerDomainNotAllowed";
    /** {0}: the provider's name. A personal account (no Workspace domain) where only some domains may sign in. */
    static final String PERSONAL_ACCOUNT_NOT_ALLOWED = "merchantBrokerPersonalAccountNotAllowed";
    /** {0}: the provider's name. */
    static final String EMAIL_MISSING = "merchantBrokerEmailMissing";

    private BrokerMessages() {
    }
}
