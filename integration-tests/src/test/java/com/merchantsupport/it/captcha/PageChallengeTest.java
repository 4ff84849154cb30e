package com.merchantsupport.it.captcha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.AltchaSolver;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.MailboxStepConfig;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import com.merchantsupport.it.support.Texts;
import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;

/**
 * The registration page and the "Forgot my password" page carry their first ALTCHA challenge (the widget's
 * {@code challenge} attribute), so a merchant's browser signs up without asking the challenge endpoint: the same
 * challenge as the endpoint's (difficulty, climb, expiry), as single-use, and bound to nothing stored. Each test
 * sends from loopback addresses of its own (127.0.0.41 to 127.0.0.45, this class only).
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class PageChallengeTest {

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    private final ObjectMapper json = new ObjectMapper();

    /** A browser from {@code address} that notes the path of every request it sends. */
    private static FormBrowser browser(String address, List<String> paths) {
        return FormBrowser.from(address).onResponse(r -> paths.add(r.request().uri().getPath()));
    }

    private static JsonNode pageChallenge(FormBrowser browser) {
        return AltchaSolver.pageChallenge(browser.page())
                .orElseThrow(() -> new AssertionError("no challenge on the page " + browser.url() + ":\n"
                        + browser.page().selectFirst("altcha-widget")));
    }

    private static FormBrowser connect(FormBrowser browser, String email, String solution) {
        return browser.submit(Journey.REGISTER_FORM, Map.of("name", "Inline Merchant", "email", email, "altcha", solution));
    }

    private static void assertMailboxPage(FormBrowser browser, String email) {
        assertEquals(200, browser.status(), browser.reply().message());
        assertTrue(browser.text().contains(Texts.en("merchantMailboxSent", email)), browser.text());
    }

    private static Map<String, String> saltParams(JsonNode challenge) {
        String salt = challenge.get("salt").asText();
        Map<String, String> params = new java.util.HashMap<>();
        for (String pair : salt.substring(salt.indexOf('?') + 1).split("&")) {
            String[] kv = pair.split("=", 2);
            params.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return params;
    }

    private long endpointMaxNumber(String address) throws Exception {
        FormBrowser widget = FormBrowser.from(address).open(Pages.challenge());
        assertEquals(200, widget.status(), widget.reply().body());
        return json.readTree(widget.reply().body()).get("maxnumber").asLong();
    }

    @Test
    void theRegistrationPageCarriesAChallengeThatSignsUpWithoutTheEndpoint() {
        List<String> paths = new CopyOnWriteArrayList<>();
        FormBrowser browser = Journey.openRegistration(browser("127.0.0.41", paths));
        long now = System.currentTimeMillis() / 1000;

        assertTrue(browser.reply().header("Cache-Control").contains("no-store"), browser.reply().header("Cache-Control"));
        JsonNode challenge = pageChallenge(browser);
        assertEquals("SHA-256", challenge.get("algorithm").asText());
        assertTrue(challenge.get("challenge").asText().matches("[0-9a-f]{64}"), challenge.toString());
        assertTrue(challenge.get("signature").asText().matches("[0-9a-f]{64}"), challenge.toString());
        assertEquals(100_000, challenge.get("maxnumber").asLong(), "the realm's difficulty");
        assertEquals(MerchantRealm.NAME, saltParams(challenge).get("realm"));
        long expires = Long.parseLong(saltParams(challenge).get("expires"));
        assertTrue(expires >= now + 590 && expires <= now + 605, "the realm's expiry, 600 s: " + (expires - now));
        assertEquals(Pages.challenge(), AltchaSolver.challengeUrl(browser.page()), "the endpoint, for the next one");

        String email = Accounts.newEmail("inline");
        connect(browser, email, AltchaSolver.solve(challenge));

        assertMailboxPage(browser, email);
        assertEquals(1, Accounts.withEmail(realm, email).size());
        assertEquals(1, Mails.await(mail, email, 1).size(), "the welcome email");
        assertTrue(paths.stream().noneMatch(p -> p.contains("/altcha/")), "no request to the challenge endpoint: " + paths);
    }

    @Test
    void aPageChallengeIsSpentOnceBoundToNoPageAndEachLoadHasItsOwn() {
        List<String> paths = new CopyOnWriteArrayList<>();
        FormBrowser first = Journey.openRegistration(browser("127.0.0.42", paths));
        JsonNode challenge = pageChallenge(first);
        FormBrowser reloaded = Journey.openRegistration(browser("127.0.0.42", paths));
        assertNotEquals(challenge.get("salt").asText(), pageChallenge(reloaded).get("salt").asText(), "a fresh one per page");
        assertNotEquals(challenge.get("challenge").asText(), pageChallenge(reloaded).get("challenge").asText());

        // Nothing of it is kept with the page that carried it: its solution signs up in another browser ...
        String solution = AltchaSolver.solve(challenge);
        String email = Accounts.newEmail("inline-elsewhere");
        assertMailboxPage(connect(reloaded, email, solution), email);

        // ... once: the page it came from, sending it again, is told to wait for a new check.
        String replayed = Accounts.newEmail("inline-replay");
        connect(first, replayed, solution);
        assertEquals(200, first.status(), first.reply().message());
        assertTrue(first.text().contains(Texts.en("captchaExpired")), first.text());
        assertTrue(Accounts.withEmail(realm, replayed).isEmpty(), "no account for the replay");
        assertNotNull(first.page().selectFirst(Journey.REGISTER_FORM), "the form comes back ...");
        assertNotEquals(challenge.get("salt").asText(), pageChallenge(first).get("salt").asText(), "... with a new challenge");
        assertTrue(paths.stream().noneMatch(p -> p.contains("/altcha/")), "no request to the challenge endpoint: " + paths);
    }

    @Test
    void thePageChallengeClimbsAsTheEndpointsDoesAndLoadingPagesCountsNothing() throws Exception {
        String address = "127.0.0.43";
        try (var ignored = MailboxStepConfig.change(realm, Map.of("captchaClimbAfterSignUps", "3"))) {
            for (int load = 0; load < 5; load++) {
                FormBrowser page = Journey.openRegistration(FormBrowser.from(address));
                assertEquals(100_000, pageChallenge(page).get("maxnumber").asLong(), "load " + (load + 1) + " counts nothing");
            }
            for (int signUp = 1; signUp <= 3; signUp++) {
                String email = Accounts.newEmail("inline-busy" + signUp);
                assertMailboxPage(Journey.register(FormBrowser.from(address), "Busy Merchant", email), email);
            }
            FormBrowser busy = Journey.openRegistration(FormBrowser.from(address));
            assertEquals(200_000, pageChallenge(busy).get("maxnumber").asLong(), "three sign-ups: twice the work");
            assertEquals(200_000, endpointMaxNumber(address), "the endpoint's challenge, alike");
            assertEquals(100_000, pageChallenge(Journey.openRegistration(FormBrowser.from("127.0.0.44"))).get("maxnumber").asLong(),
                    "a calm neighbour's page stays easy");

            String email = Accounts.newEmail("inline-busy4");
            assertMailboxPage(connect(busy, email, AltchaSolver.solve(pageChallenge(busy))), email);
        }
    }

    @Test
    void theForgotPasswordPageCarriesOneToo() {
        String email = Accounts.newEmail("inline-reset");
        Accounts.existingMerchant(realm, email, "an-old-Password-123");
        List<String> paths = new CopyOnWriteArrayList<>();
        FormBrowser browser = Journey.openForgotPassword(browser("127.0.0.45", paths));
        JsonNode challenge = pageChallenge(browser);
        assertEquals(MerchantRealm.NAME, saltParams(challenge).get("realm"));

        browser.submit(Journey.RESET_FORM, Map.of("username", email, "altcha", AltchaSolver.solve(challenge)));

        assertEquals(200, browser.status(), browser.reply().message());
        assertNotNull(browser.page().selectFirst("#kc-form-login"), "Keycloak's 'you should receive an email shortly'\n" + browser.text());
        assertNotNull(Mails.actionTokenLink(Mails.newest(mail, email)), "Keycloak's reset email");
        assertTrue(paths.stream().noneMatch(p -> p.contains("/altcha/")), "no request to the challenge endpoint: " + paths);
    }
}
