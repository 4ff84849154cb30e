package com.merchantsupport.keycloak.welcome;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/** Serves {@code /realms/{realm}/merchant-welcome/open} and {@code .../resend}. */
public class WelcomeLinkResourceFactory implements RealmResourceProviderFactory {

    @Override
    public String getId() {
        return WelcomeLinkResource.PATH;
    }

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new WelcomeLinkResource(session);
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
