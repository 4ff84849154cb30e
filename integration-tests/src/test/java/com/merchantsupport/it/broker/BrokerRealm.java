package com.merchantsupport.it.broker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Pages;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticatorConfigRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.FederatedIdentityRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.realm.ManagedRealm;

/**
 * What the broker tests add to the shared merchant-support realm, each removed after the test: the
 * stand-in provider (configured like the realm JSON's {@code google} provider, same flows and settings,
 * pointing at {@link UpstreamProvider}), the accounts a test made, and changed step settings.
 */
public final class BrokerRealm {

    public static final String ALIAS = "mock-google";
    static final String DISPLAY_NAME = "Google (test)";
    static final String GOOGLE = "google";
    /** The first login flow's step, whose configuration the post login step shares. */
    static final String STEP = "merchant-idp-link-verified-email";
    static final String POST_LOGIN_STEP = "merchant-idp-finish-sign-in";
    /** The one step both flows named before it was split; realms imported then still do. */
    static final String STEP_BEFORE_THE_SPLIT = "merchant-verified-email-link";

    private BrokerRealm() {
    }

    /** From the help center's sign-in page: the provider's button, the provider, back to Keycloak. */
    public static FormBrowser signInWithGoogle(FormBrowser browser) {
        browser.open(Pages.signIn());
        browser.open(browser.link("#social-" + ALIAS));
        // The stand-in shares the help center's origin (the framework's server on 8500), where the browser stops.
        String provider = browser.location();
        return provider != null && provider.startsWith(UpstreamProvider.BASE_URL + "/") ? browser.open(provider) : browser;
    }

    /** Adds the stand-in provider, copying the google provider's flows, sync mode and trust setting. */
    public static IdentityProviderRepresentation addStandIn(ManagedRealm realm) {
        IdentityProviderRepresentation google = realm.admin().identityProviders().get(GOOGLE).toRepresentation();
        removeQuietly(realm, ALIAS); // left over by an aborted run

        IdentityProviderRepresentation rep = new IdentityProviderRepresentation();
        rep.setAlias(ALIAS);
        rep.setDisplayName(DISPLAY_NAME);
        rep.setProviderId("oidc");
        rep.setEnabled(true);
        rep.setTrustEmail(google.isTrustEmail());
        rep.setFirstBrokerLoginFlowAlias(google.getFirstBrokerLoginFlowAlias());
        rep.setPostBrokerLoginFlowAlias(google.getPostBrokerLoginFlowAlias());
        Map<String, String> config = new HashMap<>();
        config.put("clientId", UpstreamProvider.CLIENT_ID);
        config.put("clientSecret", UpstreamProvider.CLIENT_SECRET);
        config.put("clientAuthMethod", "client_secret_post");
        config.put("authorizationUrl", UpstreamProvider.BASE_URL + "/auth");
        config.put("tokenUrl", UpstreamProvider.BASE_URL + "/token");
        config.put("issuer", UpstreamProvider.ISSUER);
        config.put("validateSignature", google.getConfig().get("validateSignature"));
        config.put("useJwksUrl", "true");
        config.put("jwksUrl", UpstreamProvider.JWKS_URL);
        config.put("defaultScope", google.getConfig().getOrDefault("defaultScope", "openid profile email"));
        config.put("syncMode", google.getConfig().get("syncMode"));
        config.put("disableUserInfo", "true");
        rep.setConfig(config);
        try (Response response = realm.admin().identityProviders().create(rep)) {
            if (response.getStatus() != 201) {
                throw new AssertionError("could not add " + ALIAS + ": " + response.getStatus() + " " + response.readEntity(String.class));
            }
        }
        realm.cleanup().add(r -> {
            try {
                r.identityProviders().get(ALIAS).remove();
            } catch (NotFoundException gone) {
                // already removed
            }
        });
        return rep;
    }

    private static void removeQuietly(ManagedRealm realm, String alias) {
        try {
            realm.admin().identityProviders().get(alias).remove();
        } catch (NotFoundException absent) {
            // nothing to remove
        }
    }

    /** Deletes every account with this email after the test (the realm is shared). */
    public static String forgetAfterTest(ManagedRealm realm, String email) {
        realm.cleanup().add(r -> r.users().searchByEmail(email, true).forEach(u -> {
            try {
                r.users().get(u.getId()).remove();
            } catch (NotFoundException gone) {
                // already removed
            }
        }));
        return email;
    }

    /** An account made long ago through the registration form, with a password, whose email may or may not be verified. */
    static String account(ManagedRealm realm, String email, String password, boolean emailVerified) {
        forgetAfterTest(realm, email);
        if (emailVerified) {
            return Accounts.existingMerchant(realm, email, password);
        }
        UserRepresentation user = new UserRepresentation();
        user.setUsername(email);
        user.setEmail(email);
        user.setEnabled(true);
        user.setEmailVerified(false);
        user.singleAttribute("name", "Unverified Merchant");
        CredentialRepresentation credential = new CredentialRepresentation();
        credential.setType(CredentialRepresentation.PASSWORD);
        credential.setValue(password);
        credential.setTemporary(false);
        user.setCredentials(List.of(credential));
        try (Response response = realm.admin().users().create(user)) {
            if (response.getStatus() != 201) {
                throw new AssertionError("could not create " + email + ": " + response.getStatus());
            }
            String location = response.getLocation().getPath();
            return location.substring(location.lastIndexOf('/') + 1);
        }
    }

    static List<FederatedIdentityRepresentation> links(ManagedRealm realm, String userId) {
        return realm.admin().users().get(userId).getFederatedIdentity();
    }

    /**
     * Changes the step's settings as an admin does in the console (one configuration, shared by the first
     * login and post login flows) and puts the original back after the test. Call once per test; later
     * changes in the same test go through {@link #updateStep}.
     */
    static void changeStep(ManagedRealm realm, Map<String, String> settings) {
        AuthenticatorConfigRepresentation config = stepConfig(realm);
        Map<String, String> original = new HashMap<>(config.getConfig());
        realm.cleanup().add(r -> {
            config.setConfig(original);
            r.flows().updateAuthenticatorConfig(config.getId(), config);
        });
        updateStep(realm, settings);
    }

    static void updateStep(ManagedRealm realm, Map<String, String> settings) {
        AuthenticatorConfigRepresentation config = stepConfig(realm);
        Map<String, String> changed = new HashMap<>(config.getConfig());
        changed.putAll(settings);
        config.setConfig(changed);
        realm.admin().flows().updateAuthenticatorConfig(config.getId(), config);
    }

    private static AuthenticatorConfigRepresentation stepConfig(ManagedRealm realm) {
        IdentityProviderRepresentation google = realm.admin().identityProviders().get(GOOGLE).toRepresentation();
        AuthenticationExecutionInfoRepresentation execution = realm.admin().flows()
                .getExecutions(google.getFirstBrokerLoginFlowAlias()).stream()
                .filter(e -> STEP.equals(e.getProviderId()))
                .findFirst().orElseThrow();
        return realm.admin().flows().getAuthenticatorConfig(execution.getAuthenticationConfig());
    }

    /** The realm's events of these types, newest first, optionally for one account. */
    static List<EventRepresentation> events(ManagedRealm realm, String userId, String... types) {
        return new ArrayList<>(realm.admin().getEvents(List.of(types), null, userId, null, null, null, 0, 200));
    }

    /** Events of these types whose provider identity (the provider's username, here the email) is this one. */
    static List<EventRepresentation> eventsFor(ManagedRealm realm, String providerIdentity, String... types) {
        return events(realm, null, types).stream()
                .filter(e -> e.getDetails() != null && providerIdentity.equalsIgnoreCase(e.getDetails().get("identity_provider_identity")))
                .toList();
    }
}
