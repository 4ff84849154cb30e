package com.merchantsupport.it.support;

import java.util.HashMap;
import java.util.Map;

import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticatorConfigRepresentation;
import org.keycloak.testframework.realm.ManagedRealm;

/**
 * Changes a step's settings the way a realm admin does in the console, and puts them back: tests share the imported
 * realm. The "check your mailbox" step by default; {@link #resetStep} for "Forgot my password".
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
        return change(realm, "merchant registration", "merchant-check-your-mailbox", settings);
    }

    /** The settings of {@code merchant-reset-choose-user} in the realm's flow "merchant reset credentials". */
    public static MailboxStepConfig resetStep(ManagedRealm realm, Map<String, String> settings) {
        return change(realm.admin(), "merchant reset credentials", "merchant-reset-choose-user", settings);
    }

    private static MailboxStepConfig change(RealmResource realm, String flow, String step, Map<String, String> settings) {
        AuthenticationExecutionInfoRepresentation execution = realm.flows().getExecutions(flow).stream()
                .filter(e -> step.equals(e.getProviderId()))
                .findFirst().orElseThrow(() -> new AssertionError("no step " + step + " in flow " + flow));
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
