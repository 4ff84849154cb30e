package com.merchantsupport.helpcenter;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole code flow against {@link FakeOidcProvider}, with the test playing the browser. */
class SignInFlowTest {

    private static final String CLIENT_ID = "merchant-support-center";
    private static final String SECRET = "s3cret:with/odd chars";
    private static final String PUBLIC_URL = "http://help.test";

    private FakeOidcProvider keycloak;
    private HelpCenterServer server;
    private TestBrowser browser;

    private void start(FakeOidcProvider provider, String secret) throws Exception {
        keycloak = provider;
        server = HelpCenterServer.start(HelpCenterConfig.fromEnv(Map.of(
                "HELP_CENTER_PORT", "0",
                "HELP_CENTER_URL", PUBLIC_URL,
                "KEYCLOAK_ISSUER", provider.issuer(),
                "HELP_CENTER_CLIENT_ID", CLIENT_ID,
                "HELP_CENTER_CLIENT_SECRET", secret)), new SessionStore());
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
        QueryParams request = QueryParams.parse(authorize.getRawQuery());
        assertTrue(authorize.toString().startsWith(keycloak.issuer() + "/protocol/openid-connect/auth?"), authorize.toString());
        assertEquals("code", request.get("response_type"));
        assertEquals("openid email profile", request.get("scope"));
        assertEquals(CLIENT_ID, request.get("client_id"));
        assertEquals(PUBLIC_URL + "/oidc/callback", request.get("redirect_uri"));
        assertEquals("S256", request.get("code_challenge_method"));
        assertEquals("fr", request.get("ui_locales"));
        assertEquals(null, request.get("prompt"));
        String cookie = TestBrowser.sessionSetBy(login).orElseThrow();
        assertTrue(login.headers().firstValue("Set-Cookie").orElseThrow().contains("HttpOnly; SameSite=Lax"));

        keycloak.expectCode("code-1", request.get("code_challenge"), request.get("nonce"), PUBLIC_URL + "/oidc/callback");
        HttpResponse<String> callback = browser.get("/oidc/callback?code=code-1&state=" + encode(request.get("state"))
                + "&iss=" + encode(keycloak.issuer()), cookie);
        assertEquals(302, callback.statusCode(), callback.body());
        assertEquals("/", callback.headers().firstValue("Location").orElseThrow());
        String signedIn = TestBrowser.sessionSetBy(callback).orElseThrow();
        assertNotEquals(cookie, signedIn, "the session id changes at sign-in");
        assertEquals(401, browser.get("/me.json", cookie).statusCode(), "the pre-sign-in id is dead");

        HttpResponse<String> me = browser.get("/me.json", signedIn);
        assertEquals(200, me.statusCode());
        assertTrue(me.body().contains("\"email\":\"ada@example.com\""), me.body());
        assertTrue(me.body().contains("\"sub\":\"merchant-42\""), me.body());
        String home = browser.get("/", signedIn).body();
        assertTrue(home.contains("Welcome, Ada &lt;Lovelace&gt;!"), home);

        HttpResponse<String> replay = browser.get("/oidc/callback?code=code-1&state=" + encode(request.get("state")), signedIn);
        // Not redeemed twice: with no sign-in pending it only sends the browser to start a fresh one.
        assertEquals(302, replay.statusCode());
        assertEquals("/login", replay.headers().firstValue("Location").orElse(null));

        HttpResponse<String> logout = browser.get("/logout", signedIn);
        assertEquals(302, logout.statusCode());
        URI endSession = URI.create(logout.headers().firstValue("Location").orElseThrow());
        QueryParams logoutParams = QueryParams.parse(endSession.getRawQuery());
        assertTrue(endSession.toString().startsWith(keycloak.issuer() + "/protocol/openid-connect/logout?"));
        assertEquals(PUBLIC_URL + "/", logoutParams.get("post_logout_redirect_uri"));
        assertEquals(3, logoutParams.get("id_token_hint").split("\\.").length);
        assertEquals(401, browser.get("/me.json", signedIn).statusCode());
    }

    @Test
    void registerAsksKeycloakForTheSignUpPage() throws Exception {
        start(FakeOidcProvider.start(CLIENT_ID, SECRET), SECRET);

        HttpResponse<String> register = browser.get("/register");

        assertEquals(302, register.statusCode());
        URI authorize = URI.create(register.headers().firstValue("Location").orElseThrow());
        assertEquals("create", QueryParams.parse(authorize.getRawQuery()).get("prompt"));
        assertTrue(TestBrowser.sessionSetBy(register).isPresent());
    }

    @Test
    void idTokenWithAnotherNonceIsRejected() throws Exception {
        start(FakeOidcProvider.start(CLIENT_ID, SECRET), SECRET);
        assertCallbackFails(request -> keycloak.expectCode("c", request.get("code_challenge"), "another-nonce",
                PUBLIC_URL + "/oidc/callback"), "could not be verified");
    }

    @Test
    void idTokenForAnotherAudienceIsRejected() throws Exception {
        start(FakeOidcProvider.start(CLIENT_ID, SECRET), SECRET);
        keycloak.audienceToIssue = "someone-else";
        assertCallbackFails(request -> keycloak.expectCode("c", request.get("code_challenge"), request.get("nonce"),
                PUBLIC_URL + "/oidc/callback"), "could not be verified");
    }

    @Test
    void idTokenSignedWithAKeyNotInTheJwksIsRejected() throws Exception {
        start(FakeOidcProvider.start(CLIENT_ID, SECRET, true), SECRET);
        assertCallbackFails(request -> keycloak.expectCode("c", request.get("code_challenge"), request.get("nonce"),
                PUBLIC_URL + "/oidc/callback"), "could not be verified");
    }

    @Test
    void wrongClientSecretEndsOnAReadableError() throws Exception {
        start(FakeOidcProvider.start(CLIENT_ID, SECRET), "wrong");
        assertCallbackFails(request -> keycloak.expectCode("c", request.get("code_challenge"), request.get("nonce"),
                PUBLIC_URL + "/oidc/callback"), "invalid_client");
    }

    @Test
    void discoveryIsRetriedAfterAFailure() throws Exception {
        FakeOidcProvider provider = FakeOidcProvider.start(CLIENT_ID, SECRET);
        provider.discoveryFailuresLeft = 1;
        start(provider, SECRET);

        assertEquals(502, browser.get("/login").statusCode());
        assertEquals(302, browser.get("/login").statusCode());
    }

    private void assertCallbackFails(java.util.function.Consumer<QueryParams> prepareKeycloak, String expectedText)
            throws Exception {
        HttpResponse<String> login = browser.get("/login");
        QueryParams request = QueryParams.parse(URI.create(login.headers().firstValue("Location").orElseThrow()).getRawQuery());
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
