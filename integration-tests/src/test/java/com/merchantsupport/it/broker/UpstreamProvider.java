package com.merchantsupport.it.broker;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.keycloak.representations.JsonWebToken;
import org.keycloak.testframework.oauth.OAuthIdentityProvider;

/**
 * Stands in for Google (whose endpoints cannot be pointed elsewhere): an OpenID Connect provider with an
 * authorization and a token endpoint on the test framework's mock server (127.0.0.1:8500), signing its ID
 * tokens with the framework's mock identity provider keys (published at /idp/jwks). Each test decides what
 * the next sign-in at the provider returns: the ID token's claims, or an error.
 */
public final class UpstreamProvider implements AutoCloseable {

    static final String PATH = "/mock-google";
    static final String BASE_URL = "http://127.0.0.1:8500" + PATH;
    static final String ISSUER = "http://127.0.0.1:8500/idp";
    static final String JWKS_URL = "http://127.0.0.1:8500/idp/jwks";
    static final String CLIENT_ID = "mock-google-client";
    static final String CLIENT_SECRET = "test-only-mock-google-secret";

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Pending(Map<String, Object> claims, String nonce, String clientId) {
    }

    private final HttpServer server;
    private final OAuthIdentityProvider keys;
    private final Map<String, Pending> codes = new ConcurrentHashMap<>();
    private volatile Map<String, Object> nextClaims;
    private volatile String nextError;
    private volatile boolean tokenEndpointFails;

    public UpstreamProvider(HttpServer server, OAuthIdentityProvider keys) {
        this.server = server;
        this.keys = keys;
        server.createContext(PATH + "/auth", this::authorize);
        server.createContext(PATH + "/token", this::token);
    }

    /** A Google-like identity: subject, email, email_verified and the profile's name. */
    public static Map<String, Object> identity(String subject, String email, Boolean emailVerified, String name) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", subject);
        if (email != null) {
            claims.put("email", email);
        }
        if (emailVerified != null) {
            claims.put("email_verified", emailVerified);
        }
        if (name != null) {
            claims.put("name", name);
        }
        return claims;
    }

    public static String newSubject() {
        return "10" + Math.abs(UUID.randomUUID().getMostSignificantBits());
    }

    /** The merchant signs in at the provider as this identity; the ID token carries these claims. */
    public UpstreamProvider signsInAs(Map<String, Object> claims) {
        nextClaims = new LinkedHashMap<>(claims);
        nextError = null;
        tokenEndpointFails = false;
        return this;
    }

    /** The provider sends the merchant back with this OAuth error (access_denied: the merchant cancelled). */
    UpstreamProvider answersWithError(String error) {
        nextError = error;
        return this;
    }

    /** The merchant signs in, but the token endpoint then fails (HTTP 500). */
    UpstreamProvider tokenEndpointFails() {
        tokenEndpointFails = true;
        return this;
    }

    private void authorize(HttpExchange exchange) {
        Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
        String redirectUri = query.get("redirect_uri");
        String state = query.get("state");
        String back;
        if (nextError != null) {
            back = redirectUri + "?error=" + enc(nextError) + "&state=" + enc(state);
        } else {
            if (nextClaims == null) {
                respond(exchange, 400, null, "no identity set up for this sign-in");
                return;
            }
            String code = UUID.randomUUID().toString();
            codes.put(code, new Pending(nextClaims, query.get("nonce"), query.get("client_id")));
            back = redirectUri + "?code=" + enc(code) + "&state=" + enc(state);
        }
        respond(exchange, 302, Map.of("Location", back), null);
    }

    private void token(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (tokenEndpointFails) {
            respond(exchange, 500, Map.of("Content-Type", "application/json"), "{\"error\":\"server_error\"}");
            return;
        }
        Map<String, String> form = form(body);
        Pending pending = codes.remove(form.getOrDefault("code", ""));
        if (pending == null || !CLIENT_ID.equals(form.getOrDefault("client_id", pending.clientId()))) {
            respond(exchange, 400, Map.of("Content-Type", "application/json"), "{\"error\":\"invalid_grant\"}");
            return;
        }
        long now = System.currentTimeMillis() / 1000;
        JsonWebToken idToken = new JsonWebToken()
                .id(UUID.randomUUID().toString())
                .issuer(ISSUER)
                .audience(CLIENT_ID)
                .subject((String) pending.claims().get("sub"))
                .iat(now)
                .exp(now + 300);
        idToken.issuedFor(CLIENT_ID);
        pending.claims().forEach((name, value) -> {
            if (!name.equals("sub")) {
                idToken.setOtherClaims(name, value);
            }
        });
        if (pending.nonce() != null) {
            idToken.setOtherClaims("nonce", pending.nonce());
        }
        Map<String, Object> response = new HashMap<>();
        response.put("access_token", UUID.randomUUID().toString());
        response.put("token_type", "Bearer");
        response.put("expires_in", 300);
        response.put("id_token", keys.encodeToken(idToken));
        respond(exchange, 200, Map.of("Content-Type", "application/json"), JSON.writeValueAsString(response));
    }

    /** Headers first, then the status line: com.sun's server sends headers set later not at all. */
    private static void respond(HttpExchange exchange, int status, Map<String, String> headers, String body) {
        try (exchange) {
            if (headers != null) {
                headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            }
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> values = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            values.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return values;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.removeContext(PATH + "/auth");
        server.removeContext(PATH + "/token");
    }
}
