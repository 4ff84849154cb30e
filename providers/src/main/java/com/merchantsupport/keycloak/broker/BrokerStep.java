package com.merchantsupport.keycloak.broker;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/** What the provider sign-in steps share: no account needed beforehand, no page of their own, stateless. */
interface BrokerStep extends Authenticator {

    /** The only POST a step receives is the redirect of a {@link Refusal}; anything else starts the step again. */
    @Override
    default void action(AuthenticationFlowContext context) {
        if (!Refusal.resume(context)) {
            authenticate(context);
        }
    }

    @Override
    default boolean requiresUser() {
        return false;
    }

    @Override
    default boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    default void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    default void close() {
    }
}
