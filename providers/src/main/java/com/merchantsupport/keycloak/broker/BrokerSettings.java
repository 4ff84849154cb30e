package com.merchantsupport.keycloak.broker;

import com.merchantsupport.keycloak.journey.FlowSettings;
import org.keycloak.models.AuthenticatorConfigModel;

/** The admin's settings of the {@code merchant-verified-email-link} step. */
record BrokerSettings(HostedDomains hostedDomains, boolean requireEmailVerifiedClaim) {

    static final String ALLOWED_HOSTED_DOMAINS = "allowedHostedDomains";
    static final String REQUIRE_EMAIL_VERIFIED_CLAIM = "requireEmailVerifiedClaim";

    static BrokerSettings of(AuthenticatorConfigModel config) {
        FlowSettings settings = FlowSettings.of(config);
        return new BrokerSettings(
                HostedDomains.parse(settings.get(ALLOWED_HOSTED_DOMAINS, "")),
                !"false".equalsIgnoreCase(settings.get(REQUIRE_EMAIL_VERIFIED_CLAIM, "true")));
    }
}
