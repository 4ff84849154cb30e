package com.merchantsupport.it.captcha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.AltchaSolver;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.representations.idm.ComponentRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.testframework.annotations.InjectEvents;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.events.Events;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.realm.RealmBuilder;
import org.keycloak.testframework.realm.RealmConfig;

/** Registrations posted with ALTCHA solutions computed here, the way the widget's worker computes them. */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class AltchaRegistrationTest {

    static final String REALM = "captcha-it-altcha";
    static final String OTHER_REALM = "captcha-it-altcha-other";
    static final Map<String, String> CONFIG = Map.of("captcha.provider", "altcha",
            "altcha.max.number", "20000", "altcha.expiry.seconds", "600");

    private static final String KEY_PROVIDER = "org.keycloak.keys.KeyProvider";

    @InjectRealm(config = AltchaRealm.class)
    ManagedRealm realm;

    @InjectRealm(ref = "other", config = OtherRealm.class)
    ManagedRealm other;

    @InjectEvents
    Events events;

    private final ObjectMapper json = new ObjectMapper();

    static class AltchaRealm implements RealmConfig {
        @Override
        public RealmBuilder configure(RealmBuilder realm) {
            return CaptchaTestRealm.build(realm, REALM, CONFIG);
        }
    }

    static class OtherRealm implements RealmConfig {
        @Override
        public RealmBuilder configure(RealmBuilder realm) {
            return CaptchaTestRealm.build(realm, OTHER_REALM, CONFIG);
        }
    }

    private FormBrowser openRegistration() {
        return new FormBrowser().open(CaptchaTestRealm.registrationUrl(REALM));
    }

    private static FormBrowser register(FormBrowser browser, String email, String altcha) {
        return browser.submit("#kc-register-form", altcha == null
                ? CaptchaTestRealm.fields(email)
                : CaptchaTestRealm.fields(email, "altcha", altcha));
    }

    private static boolean registeredAndSentBack(FormBrowser browser) {
        return browser.status() == 302 && browser.location() != null
                && browser.location().startsWith(MerchantRealm.HELP_CENTER_REDIRECT_URI);
    }

    private void assertRefused(FormBrowser browser, String email, String reason, String message) {
        assertEquals(200, browser.status(), browser.text());
        assertTrue(browser.text().contains(message), "expected '" + message + "' on the page:\n" + browser.text());
        assertNotNull(browser.page().selectFirst("#kc-register-form"), "the form comes back");
        assertTrue(Accounts.withEmail(realm, email).isEmpty(), "no account for " + email);
        EventRepresentation error = CaptchaEvents.next(events, "REGISTER_ERROR");
        assertEquals("invalid_registration", error.getError());
        assertEquals(reason, error.getDetails().get("captcha_reason"), error.getDetails().toString());
        assertEquals("altcha", error.getDetails().get("captcha_provider"));
    }

    @Test
    void theJarServesTheWidgetFromNpmWithItsLicence() throws Exception {
        FormBrowser browser = openRegistration();
        String script = browser.page().selectFirst("#merchant-captcha").attr("data-script-src");
        String folder = (script.startsWith("/") ? Pages.base() + script : script).replaceFirst("altcha\\.js$", "");
        HttpClient http = HttpClient.newHttpClient();
        for (String file : new String[] {"altcha.js", "worker.js", "altcha.css"}) {
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create(folder + file)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, reply.statusCode(), folder + file);
        }
        HttpResponse<String> licence = http.send(HttpRequest.newBuilder(URI.create(folder + "LICENSE.txt")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, licence.statusCode());
        assertTrue(licence.body().startsWith("MIT License") && licence.body().contains("Daniel Regeci"), licence.body());
        HttpResponse<String> pkg = http.send(HttpRequest.newBuilder(URI.create(folder + "package.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode npm = json.readTree(pkg.body());
        assertEquals("altcha", npm.path("name").asText());
        assertEquals("MIT", npm.path("license").asText());
    }

    @Test
    void pageCarriesTheWidgetAndAGoodSolutionRegistersOnce() {
        FormBrowser browser = openRegistration();
        Element widget = browser.page().selectFirst("#kc-register-form altcha-widget");
        assertNotNull(widget, "widget inside the registration form:\n" + browser.page().html());
        JsonNode pageChallenge = AltchaSolver.pageChallenge(browser.page()).orElseThrow(() -> new AssertionError(
                "the page's own challenge in the widget's challenge attribute: " + widget.attr("challenge")));
        assertEquals(20000, pageChallenge.get("maxnumber").asLong(), "the step's difficulty");
        assertEquals(Pages.base() + "/realms/" + REALM + "/altcha/challenge", widget.attr("data-challenge-url"));
        assertEquals("onload", widget.attr("auto"));
        assertEquals("altcha", widget.attr("name"));
        assertEquals("en", widget.attr("language"));
        assertTrue(widget.attr("data-strings").contains("\"label\":\"I’m not a robot\""), widget.attr("data-strings"));
        Element box = browser.page().selectFirst("#merchant-captcha");
        assertTrue(box.attr("data-script-src").endsWith("/js/altcha/altcha.js"), box.attr("data-script-src"));
        assertTrue(box.attr("data-worker-src").endsWith("/js/altcha/worker.js"), box.attr("data-worker-src"));
        assertNotNull(browser.page().selectFirst("script[type=module][src$=/js/merchant-captcha.js]"), "glue script");
        assertTrue(browser.page().select("#merchant-captcha script:not([src])").isEmpty(), "no inline captcha script");
        assertTrue(browser.page().select("script:not([src])").stream()
                .noneMatch(s -> s.html().contains("altcha-widget") || s.html().contains("merchantCaptcha")),
                "no inline captcha script anywhere on the page");
        assertTrue(browser.page().select("#merchant-captcha [onclick], #merchant-captcha [onload], #merchant-captcha [onerror]")
                .isEmpty(), "no inline event handlers");
        assertTrue(browser.page().selectFirst("#merchant-captcha noscript").html().contains("needs JavaScript"));

        String solution = AltchaSolver.solve(pageChallenge);
        String email = Accounts.newEmail("altcha-ok");
        register(browser, email, solution);

        assertTrue(registeredAndSentBack(browser), browser.status() + " " + browser.text());
        assertEquals(1, Accounts.withEmail(realm, email).size());
        EventRepresentation registered = CaptchaEvents.next(events, "REGISTER");
        assertEquals("altcha", registered.getDetails().get("captcha_provider"));

        String again = Accounts.newEmail("altcha-replay");
        FormBrowser second = register(openRegistration(), again, solution);
        assertRefused(second, again, "replayed", "expired or was already used");
    }

    @Test
    void missingSolutionExplainsBlockedScripts() {
        String email = Accounts.newEmail("altcha-missing");
        assertRefused(register(openRegistration(), email, null), email, "missing", "ad blocker");
    }

    @Test
    void refusalIsInTheMerchantsLanguage() {
        String email = Accounts.newEmail("altcha-fr");
        FormBrowser browser = new FormBrowser().language("fr").open(CaptchaTestRealm.registrationUrl(REALM));
        assertTrue(browser.page().selectFirst("altcha-widget").attr("data-strings").contains("Je ne suis pas un robot"));
        register(browser, email, null);
        assertRefused(browser, email, "missing", "bloqueur de publicité");
    }

    @Test
    void garbageIsRefused() throws Exception {
        String notBase64 = Accounts.newEmail("altcha-garbage");
        assertRefused(register(openRegistration(), notBase64, "%%% not base64 %%%"), notBase64, "malformed",
                "could not confirm that you are not a robot");

        String tooBig = Accounts.newEmail("altcha-big");
        assertRefused(register(openRegistration(), tooBig, "A".repeat(5000)), tooBig, "too_large",
                "could not confirm that you are not a robot");
    }

    @Test
    void tamperedSolutionsAreRefused() throws Exception {
        String wrongNumber = Accounts.newEmail("altcha-number");
        ObjectNode payload = decode(AltchaSolver.solve(REALM));
        payload.put("number", payload.get("number").asLong() + 1);
        assertRefused(register(openRegistration(), wrongNumber, encode(payload)), wrongNumber, "wrong_number",
                "could not confirm");

        String forged = Accounts.newEmail("altcha-forged");
        payload = decode(AltchaSolver.solve(REALM));
        payload.put("signature", "0".repeat(64));
        assertRefused(register(openRegistration(), forged, encode(payload)), forged, "signature", "could not confirm");

        String sha1 = Accounts.newEmail("altcha-sha1");
        payload = decode(AltchaSolver.solve(REALM));
        payload.put("algorithm", "SHA-1");
        assertRefused(register(openRegistration(), sha1, encode(payload)), sha1, "algorithm", "could not confirm");
    }

    @Test
    void challengeFromAnotherRealmIsRefused() {
        String email = Accounts.newEmail("altcha-other-realm");
        assertRefused(register(openRegistration(), email, AltchaSolver.solve(OTHER_REALM)), email, "wrong_realm",
                "could not confirm");
    }

    @Test
    void expiredChallengeIsRefused() throws Exception {
        CaptchaTestRealm.setCaptchaConfig(realm, Map.of("captcha.provider", "altcha",
                "altcha.max.number", "20000", "altcha.expiry.seconds", "1"));
        try {
            String solution = AltchaSolver.solve(REALM);
            FormBrowser page = openRegistration();
            String pageSolution = AltchaSolver.solvePage(page);
            Thread.sleep(2_500);
            String email = Accounts.newEmail("altcha-expired");
            assertRefused(register(openRegistration(), email, solution), email, "expired", "expired or was already used");
            String fromPage = Accounts.newEmail("altcha-page-expired");
            assertRefused(register(page, fromPage, pageSolution), fromPage, "expired", "expired or was already used");
        } finally {
            CaptchaTestRealm.setCaptchaConfig(realm, CONFIG);
        }
    }

    @Test
    void keyRotationKeepsChallengesInFlightUntilTheOldKeyIsDisabled() {
        String signedByOldKey = AltchaSolver.solve(REALM);
        String alsoSignedByOldKey = AltchaSolver.solve(REALM);
        ComponentRepresentation oldKey = realm.admin().components()
                .query(realm.getId(), KEY_PROVIDER, "hmac-generated-hs512").get(0);
        ComponentRepresentation newKey = new ComponentRepresentation();
        newKey.setName("captcha-it-rotated-hs512");
        newKey.setProviderId("hmac-generated");
        newKey.setProviderType(KEY_PROVIDER);
        newKey.setParentId(realm.getId());
        MultivaluedHashMap<String, String> config = new MultivaluedHashMap<>();
        config.putSingle("priority", "200");
        config.putSingle("algorithm", "HS512");
        newKey.setConfig(config);
        String newKeyId;
        try (var response = realm.admin().components().add(newKey)) {
            assertEquals(201, response.getStatus());
            String location = response.getLocation().getPath();
            newKeyId = location.substring(location.lastIndexOf('/') + 1);
        }
        try {
            String first = Accounts.newEmail("altcha-rotated");
            assertTrue(registeredAndSentBack(register(openRegistration(), first, signedByOldKey)),
                    "a challenge signed before the rotation still works");
            String signedByNewKey = AltchaSolver.solve(REALM);

            oldKey.getConfig().putSingle("enabled", "false");
            realm.admin().components().component(oldKey.getId()).update(oldKey);
            String second = Accounts.newEmail("altcha-old-key-disabled");
            assertRefused(register(openRegistration(), second, alsoSignedByOldKey), second, "signature", "could not confirm");

            String third = Accounts.newEmail("altcha-new-key");
            assertTrue(registeredAndSentBack(register(openRegistration(), third, signedByNewKey)), "new key signs new challenges");
        } finally {
            oldKey.getConfig().putSingle("enabled", "true");
            realm.admin().components().component(oldKey.getId()).update(oldKey);
            realm.admin().components().component(newKeyId).remove();
        }
    }

    @Test
    void registrationErrorsOfOtherFieldsStillNeedAFreshSolution() throws Exception {
        // A solution is spent once verified, even if another field then fails: the re-rendered page carries a new one.
        FormBrowser browser = openRegistration();
        JsonNode first = AltchaSolver.pageChallenge(browser.page()).orElseThrow();
        browser.submit("#kc-register-form", Map.of("email", "not-an-email", "firstName", "Ada", "lastName", "L",
                "altcha", AltchaSolver.solve(first)));
        assertEquals(200, browser.status());
        assertNotNull(browser.page().selectFirst("#kc-register-form altcha-widget"), "widget again on the re-rendered page");
        JsonNode again = AltchaSolver.pageChallenge(browser.page()).orElseThrow();
        assertNotEquals(first.get("salt").asText(), again.get("salt").asText(), "a new challenge on the re-rendered page");
        String email = Accounts.newEmail("altcha-retry");
        register(browser, email, AltchaSolver.solve(again));
        assertTrue(registeredAndSentBack(browser), browser.status() + " " + browser.text());
    }

    @Test
    void theWidgetsRefetchFromTheEndpointRegistersToo() throws Exception {
        // After the page's own challenge expired or failed, the widget asks the URL in data-challenge-url.
        FormBrowser browser = openRegistration();
        HttpResponse<String> challenge = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(AltchaSolver.challengeUrl(browser.page()))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, challenge.statusCode());
        assertEquals("no-store", challenge.headers().firstValue("Cache-Control").orElse(""));
        String email = Accounts.newEmail("altcha-refetch");
        register(browser, email, AltchaSolver.solve(json.readTree(challenge.body())));
        assertTrue(registeredAndSentBack(browser), browser.status() + " " + browser.text());
    }

    private ObjectNode decode(String payload) throws Exception {
        return (ObjectNode) json.readTree(Base64.getDecoder().decode(payload));
    }

    private String encode(JsonNode payload) throws Exception {
        return Base64.getEncoder().encodeToString(json.writeValueAsBytes(payload));
    }
}
