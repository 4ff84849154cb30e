package com.merchantsupport.keycloak.broker;

import java.util.List;

import com.merchantsupport.keycloak.journey.FlowSettings;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * The admin's settings of the provider sign-in steps. The first login step and the post login step read the
 * same keys, and the realm JSON gives both executions one configuration: one allow-list for the first and
 * every later sign-in.
 */
record BrokerSettings(HostedDomains hostedDomains, boolean requireEmailVerifiedClaim) {

    static final String ALLOWED_HOSTED_DOMAINS = "allowedHostedDomains";
    static final String REQUIRE_EMAIL_VERIFIED_CLAIM = "requireEmailVerifiedClaim";

    static BrokerSettings of(AuthenticatorConfigModel config) {
        FlowSettings settings = FlowSettings.of(config);
        return new BrokerSettings(
                HostedDomains.parse(settings.get(ALLOWED_HOSTED_DOMAINS, "")),
                !"false".equalsIgnoreCase(settings.get(REQUIRE_EMAIL_VERIFIED_CLAIM, "true")));
    }

    /** What the console shows under ⚙ for each of the steps. */
    static List<ProviderConfigProperty> properties() {
        return ProviderConfigurationBuilder.create()
                .property().name(ALLOWED_HOSTED_DOMAINS).label("Allowed Google Workspace domains")
                .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
                .helpText("Empty: any account may sign in. Otherwise only accounts whose signed ID token carries one of "
                        + "these domains in its 'hd' claim (Google Workspace), for example example.com; '*' allows any "
                        + "Workspace account but no personal one. Others are sent back to the sign-in page with a message "
                        + "saying their account cannot be used here. Checked on every sign-in by the post login step, which "
                        + "should share this configuration. Providers that send no 'hd' claim are refused as soon as a "
                        + "domain is listed.")
                .add()
                .property().name(REQUIRE_EMAIL_VERIFIED_CLAIM).label("Require email_verified in the ID token")
                .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("true")
                .helpText("On (recommended): the merchant's existing account is linked without an email, and a new account is "
                        + "finished and signed in, only when the provider's ID token says email_verified: true; otherwise the "
                        + "merchant confirms by email or password first, and a new account waits for its welcome link (the "
                        + "merchant is not signed in, the provider's link is removed once the link is used). Off: a provider "
                        + "that never sends the claim is believed; an explicit email_verified: false never is.")
                .add()
                .build();
    }
}
