package com.merchantsupport.it.support;

import java.util.HashMap;
import java.util.Map;

import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticatorConfigRepresentation;
import org.keycloak.testframework.realm.ManagedRealm;

/**
 * Changes the "check your mailbox" step's settings the way a realm admin does in the console, and
 * puts them back: tests share the imported realm.
 */
public final class MailboxStepConfig implements AutoCloseable {

    private final RealmResource realm;
    private final AuthenticatorConfigRepresentation original;

    private MailboxStepConfig(RealmResource realm, AuthenticatorConfigRepresentation original) {
        this.realm = realm;
        this.original = original;
    }

    public static MailboxStepConfig change(ManagedRealm realm, Map<String, String> settings) {
        return change(realm.admin(), settings);
    }

    /** The same on a server the test started itself (a node on PostgreSQL). */
    public static MailboxStepConfig change(RealmResource realm, Map<String, String> settings) {
        AuthenticationExecutionInfoRepresentation execution = realm.flows().getExecutions("merchant registration").stream()
                .filter(e -> "merchant-check-your-mailbox".equals(e.getProviderId()))
                .findFirst().orElseThrow();
        AuthenticatorConfigRepresentation config = realm.flows().getAuthenticatorConfig(execution.getAuthenticationConfig());
        AuthenticatorConfigRepresentation original = copy(config);
        Map<String, String> changed = new HashMap<>(config.getConfig());
        changed.putAll(settings);
        config.setConfig(changed);
        realm.flows().updateAuthenticatorConfig(config.getId(), config);
        return new MailboxStepConfig(realm, original);
    }

    private static AuthenticatorConfigRepresentation copy(AuthenticatorConfigRepresentation config) {
        AuthenticatorConfigRepresentation copy = new AuthenticatorConfigRepresentation();
        copy.setId(config.getId());
        copy.setAlias(config.getAlias());
        copy.setConfig(new HashMap<>(config.getConfig()));
        return copy;
    }

    @Override
    public void close() {
        realm.flows().updateAuthenticatorConfig(original.getId(), original);
    }
}
