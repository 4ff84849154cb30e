package com.merchantsupport.keycloak.welcome;

import com.merchantsupport.keycloak.journey.StatelessProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/** Serves {@code /realms/{realm}/merchant-welcome/open} and {@code .../resend}. */
public class WelcomeLinkResourceFactory implements RealmResourceProviderFactory, StatelessProviderFactory<RealmResourceProvider> {

    @Override
    public String getId() {
        return WelcomeLink.PATH;
    }

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new WelcomeLinkResource(session);
    }
}
