package com.merchantsupport.it.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResourceOwnerPasswordCredentialsGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.AuthenticationSuccessResponse;
import com.nimbusds.openid.connect.sdk.LogoutRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.AccessTokenHash;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.claims.LogoutTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import com.nimbusds.openid.connect.sdk.validators.LogoutTokenValidator;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.realm.ManagedRealm;

/**
 * The help center's side of the trust, through a real OIDC client library (Nimbus, as help centers use
 * one): discovery from the issuer URL, the code flow with PKCE S256 and client_secret_basic, an ID token
 * whose signature (realm JWKS), issuer, audience and nonce check out and that carries exactly the
 * merchant's identity; sign-out in both directions; and the flows the client refuses.
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class HelpCenterTokensTest {

    private static final String PASSWORD = "a-Good-password-2026";
    private static final ClientID CLIENT = new ClientID(MerchantRealm.HELP_CENTER_CLIENT);
    private static final URI CALLBACK = URI.create(MerchantRealm.HELP_CENTER_REDIRECT_URI);
    /** What the help center asks for (deployers enter these scopes on its side). */
    private static final Scope SCOPE = new Scope("openid", "email", "profile");

    /** The merchant's identity: all a help center needs. */
    private static final Set<String> MERCHANT_CLAIMS = Set.of("sub", "email", "email_verified", "name", "locale");
    /** OpenID Connect's own claims about the token and the sign-in. */
    private static final Set<String> PROTOCOL_CLAIMS = Set.of("iss", "aud", "exp", "iat", "auth_time", "jti", "typ",
            "azp", "sid", "at_hash", "nonce");

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    private OIDCProviderMetadata provider;
    private final List<String> merchants = new ArrayList<>();

    @BeforeEach
    void discoverTheRealmFromItsIssuerUrl() throws Exception {
        provider = OIDCProviderMetadata.resolve(new Issuer(Pages.realmUrl()));
    }

    @AfterEach
    void removeMerchants() {
        merchants.forEach(id -> realm.admin().users().get(id).remove());
    }

    @Test
    void idTokenCarriesExactlyTheMerchantsIdentityAndNothingElse() throws Exception {
        String email = Accounts.newEmail("tokens");
        String name = "Zoë O'Brien-Ngũgĩ, Ltd. (Paris)";
        String userId = merchant(email, name, "fr");

        SignedIn first = signIn(email);
        JWTClaimsSet id = first.idToken();

        assertEquals(union(MERCHANT_CLAIMS, PROTOCOL_CLAIMS), new TreeSet<>(id.getClaims().keySet()),
                "the ID token's claims: the merchant's identity and the protocol's, no roles, username, given/family names or attributes");
        assertEquals(userId, id.getSubject(), "sub is the account's id");
        assertEquals(email, id.getStringClaim("email"));
        assertEquals(Boolean.TRUE, id.getBooleanClaim("email_verified"));
        String stored = realm.admin().users().get(userId).toRepresentation().getAttributes().get("name").get(0);
        assertEquals(stored, id.getStringClaim("name"), "name exactly as stored");
        assertEquals(name, id.getStringClaim("name"));
        assertEquals("fr", id.getStringClaim("locale"));
        assertEquals(List.of(CLIENT.getValue()), id.getAudience());
        assertEquals(CLIENT.getValue(), id.getStringClaim("azp"));
        assertEquals("ID", id.getStringClaim("typ"));

        JWTClaimsSet access = JWTParser.parse(first.tokens().getAccessToken().getValue()).getJWTClaimsSet();
        assertNull(access.getClaim("realm_access"), "no realm roles in the access token");
        assertNull(access.getClaim("resource_access"), "no client roles in the access token");
        assertTrue(Set.of(access.getStringClaim("scope").split(" ")).containsAll(Set.of("openid", "email", "profile")),
                access.getStringClaim("scope"));

        SignedIn second = signIn(email);
        assertEquals(id.getSubject(), second.idToken().getSubject(), "sub is stable across sign-ins");
        assertNotEquals(id.getStringClaim("sid"), second.idToken().getStringClaim("sid"), "a new session each time");
    }

    @Test
    void signingOutAtTheHelpCenterEndsTheKeycloakSession() throws Exception {
        String email = Accounts.newEmail("sign-out");
        String userId = merchant(email, "Signing Out", "en");
        SignedIn signedIn = signIn(email);
        assertEquals(1, realm.admin().users().get(userId).getUserSessions().size());

        State state = new State();
        URI afterSignOut = URI.create(MerchantRealm.HELP_CENTER_REDIRECT_URI + "/signed-out");
        URI logout = new LogoutRequest(provider.getEndSessionEndpointURI(), signedIn.tokens().getIDToken(), afterSignOut, state).toURI();
        signedIn.browser().open(logout);

        String back = signedIn.browser().location();
        assertNotNull(back, "sent back to the help center: " + signedIn.browser().text());
        assertTrue(back.startsWith(afterSignOut + "?"), back);
        assertTrue(back.contains("state=" + state.getValue()), back);
        assertEquals(0, realm.admin().users().get(userId).getUserSessions().size(), "the Keycloak session is gone");
        ErrorObject refresh = tokenError(new RefreshTokenGrant(signedIn.tokens().getRefreshToken()), helpCenter());
        assertEquals("invalid_grant", refresh.getCode(), "the refresh token died with the session");
    }

    @Test
    void whenAnAdminSignsTheMerchantOutTheHelpCenterIsToldServerToServer() throws Exception {
        ClientRepresentation client = helpCenterClient();
        assertFalse(client.isFrontchannelLogout(),
                "Keycloak sends back-channel logout only to clients with front-channel logout off");
        String originalUrl = client.getAttributes().getOrDefault("backchannel.logout.url", "");

        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        HttpServer helpCenterServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        helpCenterServer.createContext("/oidc/backchannel-logout", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                received.add(exchange.getRequestMethod() + " " + new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        helpCenterServer.start();
        try {
            // What HELP_CENTER_BACKCHANNEL_LOGOUT_URL sets at import.
            setBackchannelLogoutUrl("http://127.0.0.1:" + helpCenterServer.getAddress().getPort() + "/oidc/backchannel-logout");
            String email = Accounts.newEmail("kicked-out");
            String userId = merchant(email, "Kicked Out", "en");
            SignedIn signedIn = signIn(email);

            realm.admin().users().get(userId).logout();

            String request = received.poll(30, TimeUnit.SECONDS);
            assertNotNull(request, "the help center's back-channel logout endpoint was called");
            assertTrue(request.startsWith("POST logout_token="), request);
            String logoutToken = URLDecoder.decode(request.substring("POST logout_token=".length()).split("&")[0], StandardCharsets.UTF_8);
            LogoutTokenClaimsSet claims = new LogoutTokenValidator(provider.getIssuer(), CLIENT, JWSAlgorithm.RS256,
                    provider.getJWKSetURI().toURL()).validate(JWTParser.parse(logoutToken));
            assertEquals(signedIn.idToken().getSubject(), claims.getSubject().getValue(), "names the merchant");
            assertEquals(signedIn.idToken().getStringClaim("sid"), claims.getSessionID().getValue(), "and the session to end");
        } finally {
            setBackchannelLogoutUrl(originalUrl);
            helpCenterServer.stop(0);
        }
    }

    @Test
    void aSignInWithoutPkceS256IsRefused() throws Exception {
        AuthenticationRequest withoutPkce = new AuthenticationRequest.Builder(ResponseType.CODE, SCOPE, CLIENT, CALLBACK)
                .endpointURI(provider.getAuthorizationEndpointURI()).state(new State()).nonce(new Nonce()).build();
        ErrorObject missing = authorizationError(withoutPkce);
        assertEquals("invalid_request", missing.getCode());
        assertTrue(missing.getDescription().contains("code_challenge"), missing.getDescription());

        AuthenticationRequest plain = new AuthenticationRequest.Builder(ResponseType.CODE, SCOPE, CLIENT, CALLBACK)
                .endpointURI(provider.getAuthorizationEndpointURI()).state(new State()).nonce(new Nonce())
                .codeChallenge(new CodeVerifier(), CodeChallengeMethod.PLAIN).build();
        assertEquals("invalid_request", authorizationError(plain).getCode(), "plain PKCE is not S256");
    }

    @Test
    void theImplicitFlowIsRefused() throws Exception {
        for (ResponseType implicit : List.of(ResponseType.IDTOKEN, ResponseType.IDTOKEN_TOKEN)) {
            AuthenticationRequest request = new AuthenticationRequest.Builder(implicit, SCOPE, CLIENT, CALLBACK)
                    .endpointURI(provider.getAuthorizationEndpointURI()).state(new State()).nonce(new Nonce()).build();
            assertEquals("unauthorized_client", authorizationError(request).getCode(), implicit.toString());
        }
    }

    @Test
    void passwordAndClientCredentialsGrantsAreRefused() throws Exception {
        String email = Accounts.newEmail("direct-grant");
        merchant(email, "Direct Grant", "en");

        ErrorObject password = tokenError(new ResourceOwnerPasswordCredentialsGrant(email, new Secret(PASSWORD)), helpCenter());
        assertTrue(password.getHTTPStatusCode() == 400 || password.getHTTPStatusCode() == 401, "status " + password.getHTTPStatusCode());
        assertEquals("unauthorized_client", password.getCode(), password.getDescription());

        ErrorObject clientCredentials = tokenError(new ClientCredentialsGrant(), helpCenter());
        assertEquals("unauthorized_client", clientCredentials.getCode(), clientCredentials.getDescription());
    }

    @Test
    void aCodeIsWorthNothingWithoutTheClientSecretAndTheVerifier() throws Exception {
        String email = Accounts.newEmail("stolen-code");
        merchant(email, "Stolen Code", "en");

        Authorized wrongSecret = authorize(new FormBrowser(), email);
        ErrorObject secret = tokenError(new AuthorizationCodeGrant(wrongSecret.code(), CALLBACK, wrongSecret.verifier()),
                new ClientSecretBasic(CLIENT, new Secret("not-the-secret")));
        assertEquals(401, secret.getHTTPStatusCode());
        assertTrue(Set.of("unauthorized_client", "invalid_client").contains(secret.getCode()), secret.toString());

        Authorized wrongVerifier = authorize(new FormBrowser(), email);
        ErrorObject verifier = tokenError(new AuthorizationCodeGrant(wrongVerifier.code(), CALLBACK, new CodeVerifier()), helpCenter());
        assertEquals("invalid_grant", verifier.getCode(), verifier.getDescription());
    }

    // --- the help center's side -----------------------------------------------------------------

    private record Authorized(FormBrowser browser, com.nimbusds.oauth2.sdk.AuthorizationCode code, CodeVerifier verifier, Nonce nonce) {
    }

    private record SignedIn(FormBrowser browser, OIDCTokens tokens, JWTClaimsSet idToken) {
    }

    /** The front channel: the merchant's browser, the sign-in form, back at the callback with a code. */
    private Authorized authorize(FormBrowser browser, String email) throws Exception {
        State state = new State();
        Nonce nonce = new Nonce();
        CodeVerifier verifier = new CodeVerifier();
        AuthenticationRequest request = new AuthenticationRequest.Builder(ResponseType.CODE, SCOPE, CLIENT, CALLBACK)
                .endpointURI(provider.getAuthorizationEndpointURI())
                .state(state).nonce(nonce).codeChallenge(verifier, CodeChallengeMethod.S256)
                .build();
        browser.open(request.toURI());
        browser.submit("#kc-form-login", Map.of("username", email, "password", PASSWORD));
        AuthenticationResponse response = AuthenticationResponseParser.parse(callback(browser));
        assertTrue(response.indicatesSuccess(), () -> "sign-in refused: " + response.toErrorResponse().getErrorObject());
        AuthenticationSuccessResponse success = response.toSuccessResponse();
        assertEquals(state, success.getState(), "state comes back");
        assertEquals(provider.getIssuer(), success.getIssuer(), "the response names its issuer (RFC 9207)");
        return new Authorized(browser, success.getAuthorizationCode(), verifier, nonce);
    }

    /** Then the back channel: code + verifier + secret for tokens, and the ID token checked as a help center must. */
    private SignedIn signIn(String email) throws Exception {
        Authorized authorized = authorize(new FormBrowser(), email);
        TokenResponse response = OIDCTokenResponseParser.parse(new TokenRequest(provider.getTokenEndpointURI(), helpCenter(),
                new AuthorizationCodeGrant(authorized.code(), CALLBACK, authorized.verifier())).toHTTPRequest().send());
        assertTrue(response.indicatesSuccess(), () -> "token request refused: " + response.toErrorResponse().getErrorObject());
        OIDCTokens tokens = response.toSuccessResponse().getTokens().toOIDCTokens();

        IDTokenValidator validator = new IDTokenValidator(provider.getIssuer(), CLIENT, JWSAlgorithm.RS256, provider.getJWKSetURI().toURL());
        IDTokenClaimsSet checked = validator.validate(tokens.getIDToken(), authorized.nonce());
        assertEquals(AccessTokenHash.compute(tokens.getAccessToken(), JWSAlgorithm.RS256), checked.getAccessTokenHash(),
                "at_hash binds the ID token to the access token");
        return new SignedIn(authorized.browser(), tokens, tokens.getIDToken().getJWTClaimsSet());
    }

    private static ClientAuthentication helpCenter() {
        return new ClientSecretBasic(CLIENT, new Secret(MerchantRealm.helpCenterSecret()));
    }

    private ErrorObject tokenError(AuthorizationGrant grant, ClientAuthentication auth) throws Exception {
        HTTPResponse http = new TokenRequest(provider.getTokenEndpointURI(), auth, grant).toHTTPRequest().send();
        TokenResponse response = OIDCTokenResponseParser.parse(http);
        assertFalse(response.indicatesSuccess(), grant.getType() + " was accepted");
        return response.toErrorResponse().getErrorObject().setHTTPStatusCode(http.getStatusCode());
    }

    /** Keycloak refuses by sending the browser back to the help center with an error, never with a code. */
    private ErrorObject authorizationError(AuthenticationRequest request) throws Exception {
        FormBrowser browser = new FormBrowser().open(request.toURI());
        AuthenticationResponse response = AuthenticationResponseParser.parse(callback(browser));
        assertFalse(response.indicatesSuccess(), "accepted: " + browser.location());
        return response.toErrorResponse().getErrorObject();
    }

    private static URI callback(FormBrowser browser) {
        String location = browser.location();
        if (location == null || !location.startsWith(MerchantRealm.HELP_CENTER_REDIRECT_URI)) {
            throw new AssertionError("not sent back to the help center; at " + browser.url() + " (" + browser.status() + "):\n" + browser.text());
        }
        return URI.create(location);
    }

    // --- the realm ------------------------------------------------------------------------------

    /** A merchant who finished the journey: verified email, a password, the name as typed, a language. */
    private String merchant(String email, String name, String locale) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(email);
        user.setEmail(email);
        user.setEnabled(true);
        user.setEmailVerified(true);
        user.setAttributes(Map.of("name", List.of(name), "locale", List.of(locale)));
        CredentialRepresentation credential = new CredentialRepresentation();
        credential.setType(CredentialRepresentation.PASSWORD);
        credential.setValue(PASSWORD);
        credential.setTemporary(false);
        user.setCredentials(List.of(credential));
        try (var response = realm.admin().users().create(user)) {
            assertEquals(201, response.getStatus(), () -> response.readEntity(String.class));
            String path = response.getLocation().getPath();
            String id = path.substring(path.lastIndexOf('/') + 1);
            merchants.add(id);
            return id;
        }
    }

    private ClientRepresentation helpCenterClient() {
        return realm.admin().clients().findByClientId(MerchantRealm.HELP_CENTER_CLIENT).get(0);
    }

    private void setBackchannelLogoutUrl(String url) {
        ClientRepresentation client = helpCenterClient();
        Map<String, String> attributes = new HashMap<>(client.getAttributes());
        attributes.put("backchannel.logout.url", url);
        client.setAttributes(attributes);
        realm.admin().clients().get(client.getId()).update(client);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }
}
