package com.merchantsupport.helpcenter;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;

/**
 * Just enough of Keycloak for the code flow: discovery, JWKS, and a token endpoint that
 * checks client_secret_basic, the code, the redirect URI and the PKCE verifier.
 */
final class FakeOidcProvider implements AutoCloseable {

    private final HttpServer server;
    private final String baseUrl;
    private final String issuer;
    private final String clientId;
    private final String clientSecret;
    private final RSAKey signingKey;
    private final RSAKey publishedKey;

    volatile int discoveryFailuresLeft;
    volatile String expectedCode;
    volatile String expectedChallenge;
    volatile String expectedRedirectUri;
    volatile String nonceToIssue;
    volatile String audienceToIssue;
    /** The name claim of the next ID token; null leaves the claim out. */
    volatile String nameToIssue = "Ada <Lovelace>";

    private FakeOidcProvider(HttpServer server, String clientId, String clientSecret, boolean signWithUnpublishedKey,
                             String announcedIssuer) throws JOSEException {
        this.server = server;
        this.baseUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/merchant-support";
        this.issuer = announcedIssuer == null ? baseUrl : announcedIssuer;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.audienceToIssue = clientId;
        this.publishedKey = new RSAKeyGenerator(2048).keyID("published").generate();
        this.signingKey = signWithUnpublishedKey
                ? new RSAKeyGenerator(2048).keyID("published").generate()
                : publishedKey;
    }

    static FakeOidcProvider start(String clientId, String clientSecret) throws Exception {
        return start(clientId, clientSecret, false);
    }

    static FakeOidcProvider start(String clientId, String clientSecret, boolean signWithUnpublishedKey) throws Exception {
        return start(clientId, clientSecret, signWithUnpublishedKey, null);
    }

    /**
     * {@code announcedIssuer}: the issuer browsers see, when it differs from the address the help center reaches the
     * provider at (Keycloak in compose, with a dynamic back-channel hostname); the endpoints stay on this server.
     */
    static FakeOidcProvider start(String clientId, String clientSecret, boolean signWithUnpublishedKey,
                                  String announcedIssuer) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        FakeOidcProvider provider = new FakeOidcProvider(server, clientId, clientSecret, signWithUnpublishedKey, announcedIssuer);
        String realm = "/realms/merchant-support";
        server.createContext(realm + "/.well-known/openid-configuration", provider::discovery);
        server.createContext(realm + "/protocol/openid-connect/certs", provider::jwks);
        server.createContext(realm + "/protocol/openid-connect/token", provider::token);
        server.start();
        return provider;
    }

    String issuer() {
        return issuer;
    }

    /** Where the provider really answers. */
    String baseUrl() {
        return baseUrl;
    }

    /** The code the next token request may redeem, bound to the PKCE challenge and nonce of the auth request. */
    void expectCode(String code, String challenge, String nonce, String redirectUri) {
        expectedCode = code;
        expectedChallenge = challenge;
        nonceToIssue = nonce;
        expectedRedirectUri = redirectUri;
    }

    private void discovery(HttpExchange exchange) throws IOException {
        if (discoveryFailuresLeft > 0) {
            discoveryFailuresLeft--;
            respond(exchange, 503, "text/plain", "starting");
            return;
        }
        String endpoints = baseUrl + "/protocol/openid-connect";
        respond(exchange, 200, "application/json", """
                {"issuer":"%1$s",
                 "authorization_endpoint":"%2$s/auth",
                 "token_endpoint":"%2$s/token",
                 "jwks_uri":"%2$s/certs",
                 "end_session_endpoint":"%2$s/logout",
                 "response_types_supported":["code"],
                 "subject_types_supported":["public"],
                 "id_token_signing_alg_values_supported":["HS256","RS256","ES256"],
                 "code_challenge_methods_supported":["S256"]}
                """.formatted(issuer, endpoints));
    }

    private void jwks(HttpExchange exchange) throws IOException {
        respond(exchange, 200, "application/json", new JWKSet(publishedKey.toPublicJWK()).toString());
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> form = TestBrowser.firstValues(URLUtils.parseParameters(
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        String basic = "Basic " + Base64.getEncoder().encodeToString(
                (encode(clientId) + ":" + encode(clientSecret)).getBytes(StandardCharsets.UTF_8));
        if (!basic.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            respond(exchange, 401, "application/json", "{\"error\":\"invalid_client\"}");
            return;
        }
        String verifier = form.get("code_verifier");
        boolean pkceOk = verifier != null && CodeChallenge.compute(CodeChallengeMethod.S256, new CodeVerifier(verifier))
                .getValue().equals(expectedChallenge);
        if (!"authorization_code".equals(form.get("grant_type")) || expectedCode == null
                || !expectedCode.equals(form.get("code")) || !pkceOk
                || !expectedRedirectUri.equals(form.get("redirect_uri"))) {
            respond(exchange, 400, "application/json",
                    "{\"error\":\"invalid_grant\",\"error_description\":\"Code not valid\"}");
            return;
        }
        expectedCode = null; // codes are single use
        respond(exchange, 200, "application/json", """
                {"access_token":"at","token_type":"Bearer","expires_in":300,"id_token":"%s"}
                """.formatted(idToken()));
    }

    private String idToken() {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject("merchant-42")
                .audience(audienceToIssue)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .claim("nonce", nonceToIssue)
                .claim("azp", clientId)
                .claim("email", "ada@example.com");
        if (nameToIssue != null) {
            claims.claim("name", nameToIssue);
        }
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signingKey.getKeyID()).build(),
                    claims.build());
            jwt.sign(new RSASSASigner(signingKey));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
