package com.merchantsupport.keycloak.admin;

import java.util.Map;
import java.util.Objects;

import org.jboss.logging.Logger;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.Constants;
import org.keycloak.models.RealmModel;

/**
 * Keycloak makes a realm's built-in {@code account-console} client early in an import, before the file's client
 * scopes exist, so a realm imported from the pack's realm JSON gets an account console with no client scope: its
 * tokens carry no {@code account} roles and the account REST API refuses merchants (403) in "Personal info". Once the
 * realm exists (its post-create event, after the whole file is in), the console gets the realm's default client
 * scopes, as a realm made in the admin console has them. A console that has any client scope is left as it is.
 */
public final class AccountConsoleScopes {

    private static final Logger LOG = Logger.getLogger(AccountConsoleScopes.class);

    private AccountConsoleScopes() {
    }

    public static void repair(RealmModel realm) {
        ClientModel console = realm.getClientByClientId(Constants.ACCOUNT_CONSOLE_CLIENT_ID);
        if (console == null || !console.getClientScopes(true).isEmpty() || !console.getClientScopes(false).isEmpty()) {
            return;
        }
        add(realm, console, true);
        add(realm, console, false);
        Map<String, ClientScopeModel> given = console.getClientScopes(true);
        LOG.infof("Realm %s: its account-console client had no client scope after the import; given the realm's defaults %s",
                realm.getName(), given.keySet());
    }

    private static void add(RealmModel realm, ClientModel console, boolean defaultScope) {
        realm.getDefaultClientScopesStream(defaultScope)
                .filter(scope -> Objects.equals(scope.getProtocol(), console.getProtocol()))
                .forEach(scope -> console.addClientScope(scope, defaultScope));
    }
}
