package com.merchantsupport.it.names;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.AltchaSolver;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import com.merchantsupport.it.support.Texts;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.representations.userprofile.config.UPAttribute;
import org.keycloak.representations.userprofile.config.UPConfig;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;

/**
 * One rule for the merchant's name (the pack's validator {@code merchant-person-name} on the user profile's
 * {@code name}): the registration form, the account console's REST API and the admin API refuse the same names
 * (control, bidi and invisible characters, a web address) and accept the same joiners inside a word; an account
 * named before the rule still signs in straight to the help center. Registers fewer than ten times.
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class NamesEverywhereTest {

    private static final String INVISIBLE = "merchantNameControlCharacters";
    private static final String WEB_ADDRESS = "merchantNameWebAddress";
    private static final String VALIDATOR = "merchant-person-name";
    private static final String PERSIAN = "می\u200Cخواهم";
    private static final String EMOJI = "\uD83D\uDC69\u200D\uD83D\uDCBB Ana";
    /** Each forbidden class once, with the message key that refuses it. */
    private static final Map<String, String> FORBIDDEN = Map.ofEntries(
            Map.entry("Ada\u0007Bell", INVISIBLE), Map.entry("Ada\u0000Lovelace", INVISIBLE), Map.entry("Ada\nLovelace", INVISIBLE),
            Map.entry("Ada\u202Egnp.exe", INVISIBLE), Map.entry("Ada\u202ALovelace", INVISIBLE), Map.entry("Ada\u2066Lovelace", INVISIBLE),
            Map.entry("Ada\u2069Lovelace", INVISIBLE), Map.entry("Ada\u200FLovelace", INVISIBLE), Map.entry("Ada\u061CLovelace", INVISIBLE),
            Map.entry("Ada\u200BLovelace", INVISIBLE), Map.entry("Ada\u2060Lovelace", INVISIBLE), Map.entry("Ada\uFEFFLovelace", INVISIBLE),
            Map.entry("Ada\u2028Lovelace", INVISIBLE), Map.entry("Ada\u2029Lovelace", INVISIBLE), Map.entry("Ada\u200D", INVISIBLE),
            Map.entry("Ada https://evil.test", WEB_ADDRESS));
    private static final ObjectMapper JSON = new ObjectMapper();

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    @Test
    void theRegistrationFormRefusesEachForbiddenClassAndAcceptsJoinersInsideAWord() throws InterruptedException {
        // Eight refusals and two accounts: below any per-address limit on registrations.
        List<String> refused = List.of("Ada\u0007Bell", "Ada\u202Egnp.exe", "Ada\u2066Lovelace", "Ada\u200BLovelace",
                "Ada\u2060Lovelace", "Ada\uFEFFLovelace", "Ada\u2028Lovelace", "Ada https://evil.test");
        List<String> emails = new ArrayList<>();
        for (String name : refused) {
            String email = Accounts.newEmail("names-form");
            emails.add(email);
            FormBrowser browser = new FormBrowser();
            Journey.openRegistration(browser);
            browser.submit(Journey.REGISTER_FORM, Map.of("name", name, "email", email, "altcha", AltchaSolver.solvePage(browser)));

            var error = browser.page().selectFirst("#input-error-name");
            assertTrue(error != null && error.text().contains(Texts.en(FORBIDDEN.get(name))), escaped(name) + " -> " + browser.text());
            assertEquals(0, Accounts.withEmail(realm, email).size(), "no account for " + escaped(name));
        }
        for (String name : List.of(PERSIAN, EMOJI)) {
            String email = Accounts.newEmail("names-joiner");
            FormBrowser browser = Journey.register(new FormBrowser(), name, email);
            assertTrue(browser.page().selectFirst("#merchant-mailbox") != null, name + " -> " + browser.text());
            assertEquals(List.of(name), Accounts.one(realm, email).getAttributes().get("name"));
            assertEquals(1, Mails.await(mail, email, 1).size());
        }
        Thread.sleep(1000);
        for (String email : emails) {
            assertEquals(0, Mails.count(mail, email), "no email to " + email);
        }
    }

    @Test
    void theAccountConsoleSaysWhyANameIsRefusedInTheMerchantsLanguage() {
        // The account console reads its messages from this endpoint: its theme's bundle and the realm's texts.
        for (String lang : List.of("en", "fr", "de", "es", "it")) {
            FormBrowser messages = new FormBrowser().open(Pages.base() + "/resources/" + MerchantRealm.NAME + "/account/" + lang);
            assertEquals(200, messages.status(), lang);
            assertTrue(messages.reply().body().contains(Texts.text(lang, "merchantNameWebAddress")), lang + ": " + messages.reply().body());
        }
    }

    @Test
    void theAdminApiRefusesEachForbiddenClassWith400AndTheMessageKey() {
        FORBIDDEN.forEach((name, key) -> {
            String email = Accounts.newEmail("names-admin");
            try (Response response = realm.admin().users().create(user(email, name))) {
                String body = response.readEntity(String.class);
                assertEquals(400, response.getStatus(), escaped(name) + ": " + body);
                assertTrue(body.contains(key), escaped(name) + ": " + body);
            }
            assertEquals(0, Accounts.withEmail(realm, email).size());
        });

        String email = Accounts.newEmail("names-admin-update");
        String id = Accounts.existingMerchant(realm, email, Journey.PASSWORD);
        UserRepresentation changed = realm.admin().users().get(id).toRepresentation();
        changed.singleAttribute("name", "Ada\u202Egnp.exe");
        BadRequestException refused = assertThrows(BadRequestException.class, () -> realm.admin().users().get(id).update(changed));
        assertTrue(refused.getResponse().readEntity(String.class).contains(INVISIBLE));
        assertEquals(List.of("Existing Merchant"), Accounts.one(realm, email).getAttributes().get("name"));

        for (String name : List.of(PERSIAN, EMOJI)) {
            String joined = Accounts.newEmail("names-admin-joiner");
            try (Response response = realm.admin().users().create(user(joined, name))) {
                assertEquals(201, response.getStatus(), () -> name + ": " + response.readEntity(String.class));
            }
            assertEquals(List.of(name), Accounts.one(realm, joined).getAttributes().get("name"));
        }
    }

    @Test
    void theAccountConsolesApiRefusesEachForbiddenClassAndAcceptsJoiners() throws Exception {
        String email = Accounts.newEmail("names-account");
        Accounts.existingMerchant(realm, email, Journey.PASSWORD);
        theAccountConsoleHasTheRealmsDefaultScopes();
        String token = accountConsoleToken(email, Journey.PASSWORD);

        for (Map.Entry<String, String> forbidden : FORBIDDEN.entrySet()) {
            HttpResponse<String> response = updateName(token, forbidden.getKey());
            assertEquals(400, response.statusCode(), escaped(forbidden.getKey()) + ": " + response.body());
            assertEquals(forbidden.getValue(), JSON.readTree(response.body()).path("errorMessage").asText(), response.body());
        }
        assertEquals(List.of("Existing Merchant"), Accounts.one(realm, email).getAttributes().get("name"), "nothing changed");

        for (String name : List.of(PERSIAN, EMOJI)) {
            HttpResponse<String> response = updateName(token, name);
            assertEquals(204, response.statusCode(), name + ": " + response.body());
            assertEquals(List.of(name), Accounts.one(realm, email).getAttributes().get("name"));
        }
    }

    /**
     * Keycloak's "Verify profile" required action (on in the realm JSON) sends an account whose attributes fail the user
     * profile's validation to an "update your account" page at sign-in. An account named before the rule is not: the
     * validator keeps a value the account already holds.
     */
    @Test
    void anAccountNamedBeforeTheRuleSignsInStraightToTheHelpCenter() {
        String email = Accounts.newEmail("names-before");
        String oldName = "Ada\u202Egnp.exe https://evil.test";
        String id;
        UPConfig withRule = realm.admin().users().userProfile().getConfiguration();
        assertTrue(realm.admin().flows().getRequiredAction("VERIFY_PROFILE").isEnabled(), "Keycloak's Verify profile is on");
        try {
            UPConfig before = realm.admin().users().userProfile().getConfiguration();
            UPAttribute name = before.getAttribute("name");
            assertTrue(name.getValidations().containsKey(VALIDATOR), "the realm's user profile has " + VALIDATOR);
            name.getValidations().remove(VALIDATOR);
            realm.admin().users().userProfile().update(before);
            try (Response response = realm.admin().users().create(user(email, oldName))) {
                assertEquals(201, response.getStatus(), () -> response.readEntity(String.class));
                String path = response.getLocation().getPath();
                id = path.substring(path.lastIndexOf('/') + 1);
            }
        } finally {
            realm.admin().users().userProfile().update(withRule);
        }
        assertTrue(realm.admin().users().userProfile().getConfiguration().getAttribute("name").getValidations().containsKey(VALIDATOR));

        FormBrowser browser = new FormBrowser().open(Pages.signIn());
        browser.submit("#kc-form-login", Map.of("username", email, "password", Journey.PASSWORD));

        JsonNode claims = Journey.idTokenClaims(Journey.tokens(Journey.code(browser)));
        assertEquals(oldName, claims.path("name").asText(), "the name is kept as it was");
        UserRepresentation user = realm.admin().users().get(id).toRepresentation();
        assertTrue(user.getRequiredActions() == null || user.getRequiredActions().isEmpty(), "no required action: " + user.getRequiredActions());

        // The admin changing something else keeps the old name; changing the name follows the rule.
        user.setEmailVerified(false);
        realm.admin().users().get(id).update(user);
        user.singleAttribute("name", "Ada\u202E");
        assertThrows(BadRequestException.class, () -> realm.admin().users().get(id).update(user));
        assertEquals(List.of(oldName), realm.admin().users().get(id).toRepresentation().getAttributes().get("name"));
    }

    private static UserRepresentation user(String email, String name) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(email);
        user.setEmail(email);
        user.setEnabled(true);
        user.setEmailVerified(true);
        user.singleAttribute("name", name);
        CredentialRepresentation credential = new CredentialRepresentation();
        credential.setType(CredentialRepresentation.PASSWORD);
        credential.setValue(Journey.PASSWORD);
        credential.setTemporary(false);
        user.setCredentials(List.of(credential));
        return user;
    }

    /**
     * Keycloak makes the realm's built-in {@code account-console} client while importing the realm JSON, before the
     * JSON's client scopes exist; the pack gives it the realm's default client scopes once the import is done
     * ({@code AccountConsoleScopes}), so its tokens carry the {@code account} roles the account REST API asks for.
     */
    private void theAccountConsoleHasTheRealmsDefaultScopes() {
        String console = realm.admin().clients().findByClientId("account-console").get(0).getId();
        java.util.List<String> scopes = realm.admin().clients().get(console).getDefaultClientScopes().stream()
                .map(s -> s.getName()).toList();
        assertTrue(scopes.contains("roles") && scopes.contains("profile") && scopes.contains("email"),
                "account-console's default client scopes after the import: " + scopes);
    }

    /** Signs in at Keycloak's own account console client (code flow with PKCE), as the account console does: its access token. */
    private static String accountConsoleToken(String email, String password) throws IOException {
        String redirect = Pages.realmUrl() + "/account/";
        FormBrowser browser = new FormBrowser();
        browser.open(Pages.realmUrl() + "/protocol/openid-connect/auth?client_id=account-console&redirect_uri=" + Pages.enc(redirect)
                + "&response_type=code&scope=openid&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256");
        browser.noRedirects().submit("#kc-form-login", Map.of("username", email, "password", password));
        String location = browser.location();
        assertTrue(location != null && location.startsWith(redirect), "back at the account console: " + location + "\n" + browser.text());
        browser.post(Pages.realmUrl() + "/protocol/openid-connect/token", FormBrowser.FORM, FormBrowser.form("grant_type", "authorization_code",
                "code", Journey.code(location), "redirect_uri", redirect, "code_verifier", Journey.CODE_VERIFIER, "client_id", "account-console"));
        assertEquals(200, browser.status(), browser.reply().body());
        return JSON.readTree(browser.reply().body()).path("access_token").asText();
    }

    /** What the account console's "Personal info" does: reads the account, changes the name, posts it back. */
    private static HttpResponse<String> updateName(String token, String name) throws IOException, InterruptedException {
        String account = Pages.realmUrl() + "/account/";
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            HttpResponse<String> current = http.send(HttpRequest.newBuilder(URI.create(account)).header("Authorization", "Bearer " + token)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, current.statusCode(), current.body());
            ObjectNode rep = (ObjectNode) JSON.readTree(current.body());
            ObjectNode attributes = rep.has("attributes") ? (ObjectNode) rep.get("attributes") : rep.putObject("attributes");
            attributes.putArray("name").add(name);
            return http.send(HttpRequest.newBuilder(URI.create(account)).header("Authorization", "Bearer " + token)
                    .header("Accept", "application/json").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(rep), StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    private static String escaped(String s) {
        StringBuilder out = new StringBuilder();
        s.chars().forEach(c -> out.append(c < 0x20 || c > 0x7E ? String.format("\\u%04X", c) : String.valueOf((char) c)));
        return out.toString();
    }
}
