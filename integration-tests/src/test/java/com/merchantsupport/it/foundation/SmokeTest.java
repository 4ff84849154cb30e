package com.merchantsupport.it.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import com.merchantsupport.it.support.Texts;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.info.ProviderRepresentation;
import org.keycloak.representations.info.SpiInfoRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.realm.ManagedRealm;

/** The pack is installed the way a deployer installs it, and the server answers with it. */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class SmokeTest {

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectAdminClient
    Keycloak admin;

    @Test
    void helpCenterFindsTheRealmThroughOidcDiscovery() throws Exception {
        FormBrowser.Reply response = get(Pages.realmUrl() + "/.well-known/openid-configuration");

        assertEquals(200, response.status());
        JsonNode discovery = new ObjectMapper().readTree(response.body());
        assertEquals(Pages.realmUrl(), discovery.get("issuer").asText());
        assertTrue(discovery.get("code_challenge_methods_supported").toString().contains("S256"));
    }

    @Test
    void signInPageIsServedByThePacksTheme() {
        FormBrowser.Reply response = get(Pages.signIn().toString());

        assertEquals(200, response.status(), response.body());
        // Strings from the pack's message bundle, not Keycloak's.
        assertTrue(response.text().contains(Texts.en("noAccount")), response.text());
        assertTrue(response.text().contains(Texts.en("doForgotPassword")), response.text());
    }

    @Test
    void signInPageSpeaksFrenchWhenTheHelpCenterAsksForIt() {
        FormBrowser.Reply response = get(Pages.signIn("ui_locales=fr").toString());

        assertEquals(200, response.status());
        assertTrue(response.text().contains(Texts.text("fr", "noAccount")), response.text());
    }

    @Test
    void realmIsImportedAsTheDeployerWroteIt() {
        RealmRepresentation rep = realm.admin().toRepresentation();

        assertEquals("merchant-support", rep.getLoginTheme());
        assertEquals("merchant-support", rep.getEmailTheme());
        assertTrue(rep.isRegistrationEmailAsUsername());
        assertTrue(rep.isLoginWithEmailAllowed());
        assertTrue(!rep.isDuplicateEmailsAllowed());
        assertTrue(rep.isBruteForceProtected());
        assertTrue(rep.isEventsEnabled());
        assertEquals(MerchantRealm.MAIL_SENDER, rep.getSmtpServer().get("fromDisplayName"));
        // The placeholder was filled from the server's environment, not left as text.
        assertEquals("localhost", rep.getSmtpServer().get("host"));

        var client = realm.admin().clients().findByClientId(MerchantRealm.HELP_CENTER_CLIENT).get(0);
        assertTrue(!client.isPublicClient());
        assertTrue(client.isStandardFlowEnabled());
        assertEquals("S256", client.getAttributes().get("pkce.code.challenge.method"));
        assertEquals(MerchantRealm.helpCenterSecret(),
                realm.admin().clients().get(client.getId()).getSecret().getValue());
    }

    @Test
    void serverInfoListsThePacksProviders() {
        Map<String, SpiInfoRepresentation> spis = admin.serverInfo().getInfo().getProviders();

        for (Map.Entry<String, Set<String>> expected : PackProviders.BY_SPI.entrySet()) {
            assertProviders(spis, expected.getKey(), expected.getValue());
        }
        assertTrue(admin.serverInfo().getInfo().getThemes().get("login").stream()
                .anyMatch(t -> t.getName().equals("merchant-support")), "login theme merchant-support");
        assertTrue(admin.serverInfo().getInfo().getThemes().get("email").stream()
                .anyMatch(t -> t.getName().equals("merchant-support")), "email theme merchant-support");
    }

    private static void assertProviders(Map<String, SpiInfoRepresentation> spis, String spi, Set<String> ids) {
        SpiInfoRepresentation info = spis.get(spi);
        Map<String, ProviderRepresentation> providers = info == null ? Map.of() : info.getProviders();
        for (String id : ids) {
            assertTrue(providers.containsKey(id), spi + " provider " + id + " is not deployed; has " + providers.keySet());
        }
    }

    /** The server's own answer, no redirect followed. */
    private static FormBrowser.Reply get(String url) {
        try (FormBrowser browser = new FormBrowser().noRedirects()) {
            return browser.open(url).reply();
        }
    }
}
