package com.merchantsupport.it.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.InjectHttpServer;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.oauth.OAuthIdentityProvider;
import org.keycloak.testframework.oauth.annotations.InjectOAuthIdentityProvider;
import org.keycloak.testframework.realm.ManagedRealm;

/**
 * A provider's names follow the pack's rule for names too, but are cleaned rather than refused: the sign-in never
 * fails on them. The provider is {@link UpstreamProvider}, configured like the realm JSON's google provider.
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class ProviderNamesCleanedTest {

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectHttpServer
    HttpServer httpServer;

    @InjectOAuthIdentityProvider
    OAuthIdentityProvider keys;

    private UpstreamProvider google;

    @BeforeEach
    void addTheStandInProvider() {
        google = new UpstreamProvider(httpServer, keys);
        BrokerRealm.addStandIn(realm);
    }

    @AfterEach
    void removeTheStandInEndpoints() {
        google.close();
    }

    @Test
    void forbiddenCharactersAndWebAddressesAreTakenOutOfTheProvidersName() {
        String email = BrokerRealm.forgetAfterTest(realm, Accounts.newEmail("google-dirty"));
        google.signsInAs(UpstreamProvider.identity(UpstreamProvider.newSubject(), email, true,
                "\u202EAda\u0007 https://evil.test  Love\u200Blace\u2066\u200D"));

        JsonNode claims = Journey.idTokenClaims(Journey.tokens(Journey.code(BrokerRealm.signInWithGoogle(new FormBrowser()))));

        assertEquals("Ada Lovelace", claims.path("name").asText());
        assertEquals(List.of("Ada Lovelace"), Accounts.one(realm, email).getAttributes().get("name"));
    }

    @Test
    void joinersInsideAWordAreKept() {
        String email = BrokerRealm.forgetAfterTest(realm, Accounts.newEmail("google-joiners"));
        String name = "\uD83D\uDC69\u200D\uD83D\uDCBB می\u200Cخواهم";
        google.signsInAs(UpstreamProvider.identity(UpstreamProvider.newSubject(), email, true, name));

        JsonNode claims = Journey.idTokenClaims(Journey.tokens(Journey.code(BrokerRealm.signInWithGoogle(new FormBrowser()))));

        assertEquals(name, claims.path("name").asText());
    }

    @Test
    void aNameWithNothingLeftGivesWayToTheGivenAndFamilyNames() {
        String email = BrokerRealm.forgetAfterTest(realm, Accounts.newEmail("google-url-name"));
        var identity = UpstreamProvider.identity(UpstreamProvider.newSubject(), email, true, "https://evil.test/\u202E");
        identity.put("given_name", "Grace\u2066");
        identity.put("family_name", "Hopper\u0000");
        google.signsInAs(identity);

        JsonNode claims = Journey.idTokenClaims(Journey.tokens(Journey.code(BrokerRealm.signInWithGoogle(new FormBrowser()))));

        assertEquals("Grace Hopper", claims.path("name").asText());
        assertEquals(List.of("Grace Hopper"), Accounts.one(realm, email).getAttributes().get("name"));
    }
}
