package com.merchantsupport.helpcenter;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole code flow against {@link FakeOidcProvider}, with the test playing the browser. */
class SignInFlowTest {

    private static final String CLIENT_ID = "merchant-support-center";
    private static final String SECRET = "s3cret:with/odd chars";
    private static final String PUBLIC_URL = "http://help.test";
    private static final String CALLBACK = PUBLIC_URL + "/oidc/callback";

    private final MutableClock clock = new MutableClock();
    private FakeOidcProvider keycloak;
    private HelpCenterServer server;
    private TestBrowser browser;

    private void start(FakeOidcProvider provider, String secret) {
        start(provider, Map.of("HELP_CENTER_CLIENT_SECRET", secret), HelpCenterServer.DEFAULT_IDLE_TIMEOUT);
    }

    private void start(FakeOidcProvider provider, Map<String, String> settings, Duration idleTimeout) {
        keycloak = provider;
        Map<String, String> env = new HashMap<>(Map.of(
                "HELP_CENTER_PORT", "0",
                "HELP_CENTER_URL", PUBLIC_URL,
                "KEYCLOAK_ISSUER", provider.issuer(),
                "HELP_CENTER_CLIENT_ID", CLIENT_ID,
                "HELP_CENTER_CLIENT_SECRET", SECRET));
        env.putAll(settings);
        server = HelpCenterServer.start(HelpCenterConfig.fromEnv(env), clock, idleTimeout);
        browser = new TestBrowser(server.port());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
        if (keycloak != null) {
            keycloak.close();
        }
    }

    @Test
    void signsInShowsTheUserAndSignsOutThroughKeycloak() throws Exception {
        start(FakeOidcProvider.start(CLIENT_ID, SECRET), SECRET);

        HttpResponse<String> login = browser.get("/login?ui_locales=fr");
        assertEquals(302, login.statusCode());
        URI authorize = URI.create(login.headers().firstValue("Location").orElseThrow());
        Map<String, String> request = TestBrowser.query(authorize);
        assertTrue(authorize.toString().startsWith(keycloak.issuer() + "/protocol/openid-connect/auth?"), authorize.toString());
        assertEquals("code", request.get("response_type"));
        assertEquals("openid email profile", request.get("scope"));
        assertEquals(CLIENT_ID, request.get("client_id"));
        assertEquals(CALLBACK, request.get("redirect_uri"));
        assertEquals("S256", request.get("code_challenge_method"));
        assertEquals("fr", request.get("ui_locales"));
        assertNull(request.get("prompt"));
        String cookie = TestBrowser.sessionSetBy(login).orElseThrow();
        assertTrue(cookie.matches("[A-Za-z0-9._-]{20,}"), "long and cookie-safe: " + cookie);
        List<String> attributes = TestBrowser.attributes(TestBrowser.sessionCookieSetBy(login).orElseThrow());
        assertTrue(attributes.containsAll(List.of("path=/", "httponly", "samesite=lax")), attributes.toString());
        assertFalse(attributes.contains("secure"), "plain http: " + attributes);

        keycloak.expectCode("code 1+2", request.get("code_challenge"), request.get("nonce"), CALLBACK);
        // Decoded ("+" is a space, %2B a plus), and the first of a repeated parameter wins.
        HttpResponse<String> callback = browser.get("/oidc/callback?code=code+1%2B2&state=" + encode(request.get("state"))
                + "&state=another&iss=" + encode(keycloak.issuer()), cookie);
        assertEquals(302, callback.statusCode(), callback.body());
        assertEquals("/", callback.headers().firstValue("Location").orElseThrow());
        String signedIn = TestBrowser.sessionSetBy(callback).orElseThrow();
        assertNotEquals(cookie, signedIn, "the session id changes at sign-in");
        assertEquals(401, browser.get("/me.json", cookie).statusCode(), "the pre-sign-in id is dead");

        HttpResponse<String> me = browser.get("/me.json", signedIn);
        assertEquals(200, me.statusCode());
        assertEquals("application/json", me.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(me.body().contains("\"email\":\"ada@example.com\""), me.body());
        assertTrue(me.body().contains("\"sub\":\"merchant-42\""), me.body());
        String home = browser.get("/", signedIn).body();
        assertTrue(home.contains("<h1 id=\"welcome\">Welcome, Ada &lt;Lovelace&gt;!</h1>"), home);
        assertTrue(home.contains("<p id=\"email\">Signed in as ada@example.com</p>"), home);
        assertTrue(home.contains("id=\"sign-out\" href=\"/logout\">Sign out</a>"), home);

        HttpResponse<String> replay = browser.get("/oidc/callback?code=code+1%2B2&state=" + encode(request.get("state")), signedIn);
        // Not redeemed twice: with no sign-in pending it only sends the browser to start a fresh one.
        assertEquals(302, replay.statusCode());
        assertEquals("/login", replay.headers().firstValue("Location").orElse(null));
        assertEquals(200, browser.get("/me.json", signedIn).statusCode(), "still signed in");

        HttpResponse<String> logout = browser.get("/logout", signedIn);
        assertEquals(302, logout.statusCode());
        URI endSession = URI.create(logout.headers().firstValue("Location").orElseThrow());
        Map<String, String> logoutParams = TestBrowser.query(endSession);
        assertTrue(endSession.toString().startsWith(keycloak.issuer() + "/protocol/openid-connect/logout?"));
        assertEquals(PUBLIC_URL + "/", logoutParams.get("post_logout_redirect_uri"));
        assertEquals(3, logoutParams.get("id_token_hint").split("\\.").length);
        assertTrue(TestBrowser.clears(TestBrowser.sessionCookieSetBy(logout).orElseThrow()));
        assertEquals(401, browser.get("/me.json", signedIn).statusCode(), "the session is gone, not only the cookie");
    }

    @Test
    void aSecondSignInGetsAnotherSessionId() throws Exception {
        start(FakeOidcProvider.start(CLIENT_ID, SECRET), SECRET);
        String first = signIn();
        String second = signIn();
        assertNotEquals(first, second);
    }

    @Test
    void registerAsksKeycloakForTheSignUpPage() throws Exception {
        start(FakeOidcProvider.start(CLIENT_ID, SECRET), SECRET);

        HttpResponse<String> register = browser.get("/register");

        assertEquals(302, register.statusCode());
        URI authorize = URI.create(register.headers().firstValue("Location").orElseThrow());
        assertEquals("create", TestBrowser.query(authorize).get("prompt"));
        assertTrue(TestBrowser.sessionSetBy(register).isPresent());
    }

    @Test
    void onlyLanguageTagsAreCarriedToKeycloak() throws Exception {
        start(FakeOidcProvider.start(CLIENT_ID, SECRET), SECRET);

        HttpResponse<String> login = browser.get("/login?ui_locales=" + encode(" fr  de-CH not_a_tag!! "));
        assertEquals("fr de-CH", TestBrowser.query(URI.create(login.headers().firstValue("Location").orElseThrow()))
                .get("ui_locales"));
        HttpResponse<String> none = browser.get("/login?ui_locales=" + encode("!!"));
        assertNull(TestBrowser.query(URI.create(none.headers().firstValue("Location").orElseThrow())).get("ui_locales"));
    }

    @Test
    void aMerchantWithoutANameIsGreetedByEmail() throws Exception {
        start(FakeOidcProvider.start(CLIENT_ID, SECRET), SECRET);
        keycloak.nameToIssue = null;

        String home = browser.get("/", signIn()).body();

        assertTrue(home.contains("Welcome, ada@example.com!"), home);
    }

    @Test
    void theSessionCookieIsFoundAmongOthersAndLookalikesAreIgnored() throws Exception {
        start(FakeOidcProvider.start(CLIENT_ID, SECRET), SECRET);
        String session = signIn();

        assertEquals(200, browser.getWithCookies("/me.json",
                "theme=dark; " + TestBrowser.COOKIE + "=" + session + "; lang=fr").statusCode());
        assertEquals(200, browser.getWithCookies("/me.json", "theme=dark", TestBrowser.COOKIE + "=" + session).statusCode());
        assertEquals(401, browser.getWithCookies("/me.json", "x" + TestBrowser.COOKIE + "=" + session).statusCode());
        assertEquals(401, browser.getWithCookies("/me.json", TestBrowser.COOKIE + "=").statusCode());
    }

    @Test
    void cookiesAreSecureBehindHttps() throws Exception {
        start(FakeOidcProvider.start(CLIENT_ID, SECRET), Map.of("HELP_CENTER_URL", "https://help.test"),
                HelpCenterServer.DEFAULT_IDLE_TIMEOUT);

        String session = TestBrowser.sessionCookieSetBy(browser.get("/login")).orElseThrow();
        assertTrue(TestBrowser.attributes(session).containsAll(List.of("secure", "httponly", "samesite=lax")), session);
        String cleared = TestBrowser.sessionCookieSetBy(browser.get("/logout")).orElseThrow();
        assertTrue(TestBrowser.clears(cleared), cleared);
        assertTrue(TestBrowser.attributes(cleared).contains("secure"), cleared);
    }

    @Test
    void sessionsEndAfterTheIdleTimeoutButActivityKeepsThemAlive() throws Exception {
        start(FakeOidcProvider.start(CLIENT_ID, SECRET), Map.of(), Duration.ofSeconds(1));
        String session = signIn();

        for (int i = 0; i < 3; i++) {
            Thread.sleep(500);
            assertEquals(200, browser.get("/me.json", session).statusCode(), "used " + (i + 1) * 500 + " ms after sign-in");
        }
        Thread.sleep(2_500);
        assertEquals(401, browser.get("/me.json", session).statusCode(), "idle for 2.5 s");
    }

    @Test
    void callbackWithAnotherStateIsRejectedWith400AndUsesTheSignInUp() throws Exception {
        start(FakeOidcProvider.start(CLIENT_ID, SECRET), SECRET);
        HttpResponse<String> login = browser.get("/login");
        Map<String, String> request = TestBrowser.query(URI.create(login.headers().firstValue("Location").orElseThrow()));
        String cookie = TestBrowser.sessionSetBy(login).orElseThrow();
        keycloak.expectCode("c", request.get("code_challenge"), request.get("nonce"), CALLBACK);

        HttpResponse<String> forged = browser.get("/oidc/callback?code=c&state=forged-state", cookie);

        assertEquals(400, forged.statusCode());
        assertTrue(forged.body().contains("state mismatch"), forged.body());
        assertTrue(forged.body().contains("href=\"/\""), forged.body());
        HttpResponse<String> genuine = browser.get("/oidc/callback?code=c&state=" + encode(request.get("state")), cookie);
        assertEquals("/login", genuine.headers().firstValue("Location").orElse(null), "the pending sign-in was used up");
        assertEquals(401, browser.get("/me.json", cookie).statusCode());
    }

    @Test
    void callbackAfterTheSignInExpiredIsRejectedWith400() throws Exception {
        start(FakeOidcProvider.start(CLIENT_ID, SECRET), SECRET);
        HttpResponse<String> login = browser.get("/login");
        Map<String, String> request = TestBrowser.query(URI.create(login.headers().firstValue("Location").orElseThrow()));
        keycloak.expectCode("c", request.get("code_challenge"), request.get("nonce"), CALLBACK);
        clock.advance(SignInRoutes.PENDING_LOGIN_LIFETIME.plusMinutes(1));

        HttpResponse<String> response = browser.get("/oidc/callback?code=c&state=" + encode(request.get("state")),
                TestBrowser.sessionSetBy(login).orElseThrow());

        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("took too long"), response.body());
    }

    @Test
    void callbackFromAnotherIssuerIsRejectedWith400() throws Exception {
        start(FakeOidcProvider.start(CLIENT_ID, SECRET), SECRET);
        HttpResponse<String> login = browser.get("/login");
        Map<String, String> request = TestBrowser.query(URI.create(login.headers().firstValue("Location").orElseThrow()));
        keycloak.expectCode("c", request.get("code_challenge"), request.get("nonce"), CALLBACK);

        HttpResponse<String> response = browser.get("/oidc/callback?code=c&state=" + encode(request.get("state"))
                + "&iss=https%3A%2F%2Fevil.example", TestBrowser.sessionSetBy(login).orElseThrow());

        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("unexpected identity provider"), response.body());
    }

    @Test
    void idTokenWithAnotherNonceIsRejected() throws Exception {
        start(FakeOidcProvider.start(CLIENT_ID, SECRET), SECRET);
        assertCallbackFails(request -> keycloak.expectCode("c", request.get("code_challenge"), "another-nonce",
                CALLBACK), "could not be verified");
    }

    @Test
    void idTokenForAnotherAudienceIsRejected() throws Exception {
        start(FakeOidcProvider.start(CLIENT_ID, SECRET), SECRET);
        keycloak.audienceToIssue = "someone-else";
        assertCallbackFails(request -> keycloak.expectCode("c", request.get("code_challenge"), request.get("nonce"),
                CALLBACK), "could not be verified");
    }

    @Test
    void idTokenSignedWithAKeyNotInTheJwksIsRejected() throws Exception {
        start(FakeOidcProvider.start(CLIENT_ID, SECRET, true), SECRET);
        assertCallbackFails(request -> keycloak.expectCode("c", request.get("code_challenge"), request.get("nonce"),
                CALLBACK), "could not be verified");
    }

    @Test
    void wrongClientSecretEndsOnAReadableError() throws Exception {
        start(FakeOidcProvider.start(CLIENT_ID, SECRET), "wrong");
        assertCallbackFails(request -> keycloak.expectCode("c", request.get("code_challenge"), request.get("nonce"),
                CALLBACK), "invalid_client");
    }

    @Test
    void discoveryIsRetriedAfterAFailure() throws Exception {
        FakeOidcProvider provider = FakeOidcProvider.start(CLIENT_ID, SECRET);
        provider.discoveryFailuresLeft = 1;
        start(provider, SECRET);

        assertEquals(502, browser.get("/login").statusCode());
        assertEquals(302, browser.get("/login").statusCode());
    }

    @Test
    void reachesKeycloakAtTheDiscoveryUrlWhileTokensNameTheIssuerBrowsersSee() throws Exception {
        // docker-compose: browsers know Keycloak as localhost, the help center's container as keycloak:8080.
        FakeOidcProvider provider = FakeOidcProvider.start(CLIENT_ID, SECRET, false, "http://keycloak.test/realms/merchant-support");
        start(provider, Map.of("KEYCLOAK_DISCOVERY_URL", provider.baseUrl()), HelpCenterServer.DEFAULT_IDLE_TIMEOUT);

        String home = browser.get("/", signIn()).body();

        assertTrue(home.contains("Welcome, Ada &lt;Lovelace&gt;!"), home);
    }

    /** Signs in through the whole flow; returns the signed-in session id. */
    private String signIn() throws Exception {
        HttpResponse<String> login = browser.get("/login");
        Map<String, String> request = TestBrowser.query(URI.create(login.headers().firstValue("Location").orElseThrow()));
        keycloak.expectCode("c", request.get("code_challenge"), request.get("nonce"), CALLBACK);
        HttpResponse<String> callback = browser.get("/oidc/callback?code=c&state=" + encode(request.get("state")),
                TestBrowser.sessionSetBy(login).orElseThrow());
        assertEquals(302, callback.statusCode(), callback.body());
        return TestBrowser.sessionSetBy(callback).orElseThrow();
    }

    private void assertCallbackFails(Consumer<Map<String, String>> prepareKeycloak, String expectedText) throws Exception {
        HttpResponse<String> login = browser.get("/login");
        Map<String, String> request = TestBrowser.query(URI.create(login.headers().firstValue("Location").orElseThrow()));
        String cookie = TestBrowser.sessionSetBy(login).orElseThrow();
        prepareKeycloak.accept(request);

        HttpResponse<String> callback = browser.get("/oidc/callback?code=c&state=" + encode(request.get("state")), cookie);

        assertEquals(502, callback.statusCode(), callback.body());
        assertTrue(callback.body().contains(expectedText), callback.body());
        assertFalse(callback.body().contains("Exception"), callback.body());
        assertEquals(401, browser.get("/me.json", cookie).statusCode());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
