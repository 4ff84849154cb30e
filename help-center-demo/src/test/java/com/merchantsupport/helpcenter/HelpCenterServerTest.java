package com.merchantsupport.helpcenter;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pages that must work without any Keycloak; the issuer points at a closed port. */
class HelpCenterServerTest {

    private static final String ISSUER = "http://127.0.0.1:1/realms/merchant-support";

    private HelpCenterServer server;
    private TestBrowser browser;

    @BeforeEach
    void start() {
        HelpCenterConfig config = HelpCenterConfig.fromEnv(Map.of(
                "HELP_CENTER_PORT", "0",
                "HELP_CENTER_URL", "http://help.test",
                "KEYCLOAK_ISSUER", ISSUER,
                "HELP_CENTER_CLIENT_SECRET", "secret"));
        server = HelpCenterServer.start(config);
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
        assertEquals("text/html;charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow().replace(" ", ""));
    }

    @Test
    void homeReachedFromOurKeycloakStartsASignInAtOnce() throws Exception {
        // What Keycloak sends to the Home URL after a welcome link finished in another browser.
        HttpResponse<String> fromKeycloak = browser.get("/?iss=" + URLEncoder.encode(ISSUER, StandardCharsets.UTF_8));
        assertEquals(302, fromKeycloak.statusCode());
        assertEquals("/login", fromKeycloak.headers().firstValue("Location").orElseThrow());

        HttpResponse<String> fromElsewhere = browser.get("/?iss=https%3A%2F%2Fevil.example");
        assertEquals(200, fromElsewhere.statusCode());
        assertTrue(fromElsewhere.body().contains("id=\"sign-in\""), fromElsewhere.body());
    }

    @Test
    void meJsonIsUnauthorizedWithoutASignedInSession() throws Exception {
        HttpResponse<String> response = browser.get("/me.json");
        assertEquals(401, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(401, browser.get("/me.json", "made-up-session-id").statusCode());
    }

    @Test
    void callbackWithoutASignInInProgressIsRejectedWith400() throws Exception {
        assertEquals(400, browser.get("/oidc/callback?state=s").statusCode());
        assertEquals(400, browser.get("/oidc/callback?state=s", "made-up-session-id").statusCode());
        // An empty parameter counts as absent: no code here, so no fresh sign-in either.
        HttpResponse<String> emptyCode = browser.get("/oidc/callback?code=&state=s");
        assertEquals(400, emptyCode.statusCode());
        assertTrue(emptyCode.body().contains("Sign-in expired"), emptyCode.body());
        assertTrue(emptyCode.body().contains("href=\"/\""), emptyCode.body());
    }

    @Test
    void codeForASignInStartedInAnotherBrowserStartsAFreshSignIn() throws Exception {
        HttpResponse<String> response = browser.get("/oidc/callback?code=abc&state=s");

        assertEquals(302, response.statusCode());
        assertEquals("/login", response.headers().firstValue("Location").orElse(null));
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
        assertEquals(0, server.sessionsCreated());
    }

    @Test
    void logoutWithoutSessionGoesHomeAndClearsTheCookie() throws Exception {
        HttpResponse<String> response = browser.get("/logout");
        assertEquals(302, response.statusCode());
        assertEquals("/", response.headers().firstValue("Location").orElseThrow());
        String cleared = TestBrowser.sessionCookieSetBy(response).orElseThrow();
        assertTrue(cleared.startsWith(TestBrowser.COOKIE + "=;"), cleared);
        List<String> attributes = TestBrowser.attributes(cleared);
        assertTrue(TestBrowser.clears(cleared), cleared);
        assertTrue(attributes.containsAll(List.of("path=/", "httponly", "samesite=lax")), cleared);
        assertFalse(attributes.contains("secure"), "plain http: " + cleared);
    }

    @Test
    void visitorsWhoDoNotSignInGetNoSession() throws Exception {
        for (String path : List.of("/", "/?ui_locales=fr", "/me.json", "/oidc/callback?code=c&state=s", "/oidc/callback",
                "/logout", "/health", "/style.css", "/nope")) {
            assertTrue(TestBrowser.sessionSetBy(browser.get(path)).isEmpty(), path);
        }
        assertEquals(0, server.sessionsCreated());
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
        assertTrue(missing.body().contains("href=\"/\""), missing.body());

        HttpResponse<String> post = browser.send("POST", "/health");
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElseThrow());
        assertTrue(post.body().contains("Method not allowed"), post.body());

        assertEquals(200, browser.send("HEAD", "/health").statusCode());
    }

    @Test
    void malformedAddressesGetAReadablePage() throws Exception {
        String response = browser.raw("/oidc/callback?state=%zz");
        assertTrue(response.startsWith("HTTP/1.1 400 "), response);
        assertFalse(response.contains("Exception"), response);
    }

    @Test
    void pagesAreNotCachedAndCarryASecurityPolicy() throws Exception {
        for (String path : List.of("/", "/nope", "/oidc/callback")) {
            HttpResponse<String> response = browser.get(path);
            assertEquals("no-store", response.headers().firstValue("Cache-Control").orElseThrow(), path);
            assertEquals("no-referrer", response.headers().firstValue("Referrer-Policy").orElseThrow(), path);
            assertTrue(response.headers().firstValue("Content-Security-Policy").orElseThrow().contains("default-src 'none'"), path);
        }
    }
}
