package com.merchantsupport.keycloak.broker;

import java.util.List;

import com.merchantsupport.keycloak.journey.StatelessProviderFactory;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.provider.ProviderConfigProperty;

/** The factories of the provider sign-in steps: each configured with {@link BrokerSettings}, none set up by the merchant. */
interface BrokerStepFactory extends AuthenticatorFactory, StatelessProviderFactory<Authenticator> {

    @Override
    default String getReferenceCategory() {
        return null;
    }

    @Override
    default boolean isConfigurable() {
        return true;
    }

    @Override
    default boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    default List<ProviderConfigProperty> getConfigProperties() {
        return BrokerSettings.properties();
    }
}
