package com.merchantsupport.helpcenter;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pages that must work without any Keycloak; the issuer points at a closed port. */
class HelpCenterServerTest {

    private final MutableClock clock = new MutableClock();
    private final SessionStore sessions = new SessionStore(clock, Duration.ofHours(1));
    private HelpCenterServer server;
    private TestBrowser browser;

    @BeforeEach
    void start() throws Exception {
        HelpCenterConfig config = HelpCenterConfig.fromEnv(Map.of(
                "HELP_CENTER_PORT", "0",
                "HELP_CENTER_URL", "http://help.test",
                "KEYCLOAK_ISSUER", "http://127.0.0.1:1/realms/merchant-support",
                "HELP_CENTER_CLIENT_SECRET", "secret"));
        server = HelpCenterServer.start(config, sessions);
        browser = new TestBrowser(server.port());
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void healthAnswersOk() throws Exception {
        HttpResponse<String> response = browser.get("/health");
        assertEquals(200, response.statusCode());
        assertEquals("ok", response.body());
    }

    @Test
    void signedOutHomeOffersSignInAndPassesTheLocaleOn() throws Exception {
        HttpResponse<String> response = browser.get("/?ui_locales=fr");

        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("<title>Merchant Support Center</title>"), response.body());
        assertTrue(response.body().contains("href=\"/login?ui_locales=fr\">Sign in</a>"), response.body());
        assertTrue(response.body().contains("href=\"/register?ui_locales=fr\""), response.body());
        assertEquals("text/html; charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void signedInHomeGreetsByNameThenEmail() throws Exception {
        Session named = sessions.create();
        named.signIn(new SignedInUser(Map.of("name", "Ada Lovelace", "email", "ada@example.com"), "t"));
        Session unnamed = sessions.create();
        unnamed.signIn(new SignedInUser(Map.of("email", "bob@example.com"), "t"));

        String home = browser.get("/", named.id()).body();
        assertTrue(home.contains("Welcome, Ada Lovelace!"), home);
        assertTrue(home.contains("ada@example.com"), home);
        assertTrue(home.contains("href=\"/logout\">Sign out</a>"), home);
        assertTrue(browser.get("/", unnamed.id()).body().contains("Welcome, bob@example.com!"));
    }

    @Test
    void meJsonIsUnauthorizedWithoutASignedInSession() throws Exception {
        HttpResponse<String> response = browser.get("/me.json");
        assertEquals(401, response.statusCode());
        assertEquals(401, browser.get("/me.json", sessions.create().id()).statusCode());
    }

    @Test
    void meJsonShowsTheClaims() throws Exception {
        Session session = sessions.create();
        session.signIn(new SignedInUser(Map.of("email", "ada@example.com", "sub", "42"), "t"));

        HttpResponse<String> response = browser.get("/me.json", session.id());

        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(response.body().contains("\"email\":\"ada@example.com\""), response.body());
    }

    @Test
    void callbackWithAnotherStateIsRejectedWith400() throws Exception {
        Session session = sessions.create();
        session.startLogin(new PendingLogin("expected-state", "n", "v", clock.instant()));

        HttpResponse<String> response = browser.get("/oidc/callback?code=abc&state=forged-state", session.id());

        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("state mismatch"), response.body());
        assertTrue(response.body().contains("href=\"/\""), response.body());
        assertNull(session.takePendingLogin(), "a failed callback uses the pending login up");
    }

    @Test
    void callbackWithoutASignInInProgressIsRejectedWith400() throws Exception {
        assertEquals(400, browser.get("/oidc/callback?state=s").statusCode());
        assertEquals(400, browser.get("/oidc/callback?state=s", sessions.create().id()).statusCode());
    }

    @Test
    void codeForASignInStartedInAnotherBrowserStartsAFreshSignIn() throws Exception {
        HttpResponse<String> response = browser.get("/oidc/callback?code=abc&state=s");

        assertEquals(302, response.statusCode());
        assertEquals("/login", response.headers().firstValue("Location").orElse(null));
    }

    @Test
    void callbackAfterTheSignInExpiredIsRejectedWith400() throws Exception {
        Session session = sessions.create();
        session.startLogin(new PendingLogin("s", "n", "v", clock.instant()));
        clock.advance(CallbackRoute.PENDING_LOGIN_LIFETIME.plusMinutes(1));

        HttpResponse<String> response = browser.get("/oidc/callback?code=abc&state=s", session.id());
        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("took too long"), response.body());
    }

    @Test
    void callbackFromAnotherIssuerIsRejectedWith400() throws Exception {
        Session session = sessions.create();
        session.startLogin(new PendingLogin("s", "n", "v", clock.instant()));

        HttpResponse<String> response = browser.get(
                "/oidc/callback?code=abc&state=s&iss=https%3A%2F%2Fevil.example", session.id());
        assertEquals(400, response.statusCode());
    }

    @Test
    void callbackErrorFromKeycloakIsShownEscaped() throws Exception {
        HttpResponse<String> response = browser.get(
                "/oidc/callback?error=access_denied&error_description=%3Cb%3Enope%3C%2Fb%3E&state=s");

        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("access_denied (&lt;b&gt;nope&lt;/b&gt;)"), response.body());
        assertFalse(response.body().contains("<b>nope"), response.body());
    }

    @Test
    void loginWhileKeycloakIsDownShowsA502PageWithoutStackTrace() throws Exception {
        HttpResponse<String> response = browser.get("/login");

        assertEquals(502, response.statusCode());
        assertTrue(response.body().contains("could not be reached"), response.body());
        assertFalse(response.body().contains("Exception"), response.body());
        assertFalse(response.body().contains("at com."), response.body());
        assertTrue(TestBrowser.sessionSetBy(response).isEmpty());
        assertEquals(0, sessions.size());
    }

    @Test
    void logoutWithoutSessionGoesHome() throws Exception {
        HttpResponse<String> response = browser.get("/logout");
        assertEquals(302, response.statusCode());
        assertEquals("/", response.headers().firstValue("Location").orElseThrow());
        assertTrue(response.headers().firstValue("Set-Cookie").orElseThrow().contains("Max-Age=0"));
    }

    @Test
    void servesTheStyleSheet() throws Exception {
        HttpResponse<String> response = browser.get("/style.css");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/css"));
        assertTrue(response.body().contains("body"));
    }

    @Test
    void unknownPagesAndOtherMethodsGetErrorPages() throws Exception {
        HttpResponse<String> missing = browser.get("/nope");
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().contains("Page not found"));

        HttpResponse<String> post = browser.send("POST", "/health");
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElseThrow());

        assertEquals(200, browser.send("HEAD", "/health").statusCode());
    }

    @Test
    void pagesAreNotCachedAndCarryASecurityPolicy() throws Exception {
        HttpResponse<String> response = browser.get("/");
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElseThrow());
        assertTrue(response.headers().firstValue("Content-Security-Policy").orElseThrow().contains("default-src 'none'"));
    }
}
