package com.merchantsupport.it.captcha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.testframework.annotations.InjectEvents;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.events.Events;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.realm.RealmBuilder;
import org.keycloak.testframework.realm.RealmConfig;

/** reCAPTCHA, hCaptcha and Turnstile against a local siteverify stub: accepted, refused, vendor too slow. */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class RemoteCaptchaRegistrationTest {

    static final String REALM = "captcha-it-remote";
    private static final Map<String, String> FIELD = Map.of(
            "recaptcha", "g-recaptcha-response",
            "hcaptcha", "h-captcha-response",
            "turnstile", "cf-turnstile-response");
    private static final Map<String, String> WIDGET_CLASS = Map.of(
            "recaptcha", "g-recaptcha",
            "hcaptcha", "h-captcha",
            "turnstile", "cf-turnstile");

    @InjectRealm(config = RemoteRealm.class)
    ManagedRealm realm;

    @InjectEvents
    Events events;

    private SiteverifyStub stub;

    static class RemoteRealm implements RealmConfig {
        @Override
        public RealmBuilder configure(RealmBuilder realm) {
            return CaptchaTestRealm.build(realm, REALM, Map.of("captcha.provider", "turnstile"));
        }
    }

    @BeforeEach
    void startStub() throws Exception {
        stub = new SiteverifyStub();
    }

    @AfterEach
    void stopStub() {
        stub.close();
        CaptchaTestRealm.setCaptchaConfig(realm, Map.of("captcha.provider", "turnstile"));
    }

    private void configure(String provider, String... more) {
        Map<String, String> config = new HashMap<>(Map.of(
                "captcha.provider", provider,
                "captcha.site.key", "stub-site-key",
                "captcha.secret.key", SiteverifyStub.SECRET,
                "captcha.verify.url", stub.url(),
                "captcha.connect.timeout.ms", "1000",
                "captcha.read.timeout.ms", "800"));
        for (int i = 0; i + 1 < more.length; i += 2) {
            config.put(more[i], more[i + 1]);
        }
        CaptchaTestRealm.setCaptchaConfig(realm, config);
    }

    private static FormBrowser open() {
        return new FormBrowser().open(CaptchaTestRealm.registrationUrl(REALM));
    }

    private static boolean registered(FormBrowser browser) {
        return browser.status() == 302 && browser.location() != null
                && browser.location().startsWith(MerchantRealm.HELP_CENTER_REDIRECT_URI);
    }

    private EventRepresentation refused(FormBrowser browser, String email, String provider, String message) {
        assertEquals(200, browser.status(), browser.text());
        assertTrue(browser.text().contains(message), "expected '" + message + "' on the page:\n" + browser.text());
        assertTrue(Accounts.withEmail(realm, email).isEmpty(), "no account for " + email);
        EventRepresentation error = CaptchaEvents.next(events, "REGISTER_ERROR");
        assertEquals(provider, error.getDetails().get("captcha_provider"));
        return error;
    }

    @ParameterizedTest
    @ValueSource(strings = {"recaptcha", "hcaptcha", "turnstile"})
    void vendorSaysYes(String provider) {
        configure(provider);
        FormBrowser browser = open();
        Element widget = browser.page().selectFirst("#merchant-captcha ." + WIDGET_CLASS.get(provider));
        assertNotNull(widget, "vendor widget on the page:\n" + browser.page().html());
        assertEquals("stub-site-key", widget.attr("data-sitekey"));
        assertEquals("merchantCaptchaSolved", widget.attr("data-callback"));
        assertTrue(browser.page().selectFirst("#merchant-captcha").attr("data-script-src").startsWith("https://"));

        String email = Accounts.newEmail(provider + "-yes");
        browser.submit("#kc-register-form", CaptchaTestRealm.fields(email, FIELD.get(provider), "good"));

        assertTrue(registered(browser), browser.status() + " " + browser.text());
        assertEquals(1, Accounts.withEmail(realm, email).size());
        Map<String, String> sent = stub.requests.get(0);
        assertEquals(SiteverifyStub.SECRET, sent.get("secret"));
        assertEquals("good", sent.get("response"));
        assertNotNull(sent.get("remoteip"), "remoteip sent");
        assertEquals(provider, CaptchaEvents.next(events, "REGISTER").getDetails().get("captcha_provider"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"recaptcha", "hcaptcha", "turnstile"})
    void vendorSaysNo(String provider) {
        configure(provider);
        String email = Accounts.newEmail(provider + "-no");
        FormBrowser browser = open().submit("#kc-register-form", CaptchaTestRealm.fields(email, FIELD.get(provider), "bad"));

        EventRepresentation error = refused(browser, email, provider, "could not confirm that you are not a robot");
        assertEquals("invalid_response", error.getDetails().get("captcha_reason"));
        assertEquals("invalid-input-response", error.getDetails().get("captcha_detail"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"recaptcha", "hcaptcha", "turnstile"})
    void vendorTooSlowAsksToTryAgain(String provider) {
        configure(provider);
        String email = Accounts.newEmail(provider + "-slow");
        long start = System.nanoTime();
        FormBrowser browser = open().submit("#kc-register-form", CaptchaTestRealm.fields(email, FIELD.get(provider), "slow"));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        EventRepresentation error = refused(browser, email, provider, "Please try again in a moment");
        assertEquals("timeout", error.getDetails().get("captcha_reason"));
        assertTrue(tookMs < 3_500, "the page came back after " + tookMs + " ms, not after the vendor's 4 s");
    }

    @Test
    void wrongSecretSaysNotConfigured() {
        configure("turnstile", "captcha.secret.key", "not-the-secret");
        String email = Accounts.newEmail("turnstile-secret");
        FormBrowser browser = open().submit("#kc-register-form", CaptchaTestRealm.fields(email, "cf-turnstile-response", "good"));

        EventRepresentation error = refused(browser, email, "turnstile", "contact Merchant Support");
        assertEquals("secret_rejected", error.getDetails().get("captcha_reason"));
    }

    @Test
    void vendorDownIsAnOutageNotAnError() {
        configure("hcaptcha", "captcha.verify.url", "http://127.0.0.1:1/siteverify");
        String email = Accounts.newEmail("hcaptcha-down");
        FormBrowser browser = open().submit("#kc-register-form", CaptchaTestRealm.fields(email, "h-captcha-response", "good"));

        EventRepresentation error = refused(browser, email, "hcaptcha", "Please try again in a moment");
        assertEquals("unavailable", error.getDetails().get("captcha_reason"));
    }

    @Test
    void recaptchaV3ChecksScoreAndAction() {
        configure("recaptcha", "recaptcha.version", "v3", "recaptcha.min.score", "0.5", "recaptcha.action", "register");
        FormBrowser page = open();
        Element box = page.page().selectFirst("#merchant-captcha");
        assertEquals("true", box.attr("data-invisible"), "v3 has no widget to tick");
        assertEquals("register", box.attr("data-action"));
        assertNull(page.page().selectFirst("#merchant-captcha .g-recaptcha"));
        assertTrue(box.attr("data-script-src").contains("render=stub-site-key"), box.attr("data-script-src"));

        String low = Accounts.newEmail("v3-low");
        assertEquals("score_too_low", refused(page.submit("#kc-register-form",
                CaptchaTestRealm.fields(low, "g-recaptcha-response", "v3-low")), low, "recaptcha", "could not confirm")
                .getDetails().get("captcha_reason"));

        String login = Accounts.newEmail("v3-login");
        assertEquals("action_mismatch", refused(open().submit("#kc-register-form",
                CaptchaTestRealm.fields(login, "g-recaptcha-response", "v3-login")), login, "recaptcha", "could not confirm")
                .getDetails().get("captcha_reason"));

        String good = Accounts.newEmail("v3-good");
        FormBrowser accepted = open().submit("#kc-register-form", CaptchaTestRealm.fields(good, "g-recaptcha-response", "good"));
        assertTrue(registered(accepted), accepted.status() + " " + accepted.text());
    }

    @Test
    void missingKeysShowContactSupportInsteadOfABrokenWidget() {
        CaptchaTestRealm.setCaptchaConfig(realm, Map.of("captcha.provider", "turnstile"));
        FormBrowser browser = open();
        assertTrue(browser.text().contains("Sign-up is unavailable right now"), browser.text());
        assertNull(browser.page().selectFirst(".cf-turnstile"), "no widget");
        assertNull(browser.page().selectFirst("script[src$=/js/merchant-captcha.js]"), "no widget script");

        String email = Accounts.newEmail("turnstile-unconfigured");
        browser.submit("#kc-register-form", CaptchaTestRealm.fields(email, "cf-turnstile-response", "good"));
        assertEquals("not_configured", refused(browser, email, "turnstile", "contact Merchant Support")
                .getDetails().get("captcha_reason"));
        assertTrue(stub.requests.isEmpty(), "the vendor was not called");
    }
}
