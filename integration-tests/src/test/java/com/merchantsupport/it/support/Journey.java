package com.merchantsupport.it.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The merchant's steps, as a help center's merchant takes them. */
public final class Journey {

    /** RFC 7636's example verifier; {@link Pages#signIn()} sends its S256 challenge. */
    public static final String CODE_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Journey() {
    }

    /** From the help center's sign-in page to the registration form. */
    public static FormBrowser openRegistration(FormBrowser browser) {
        browser.open(Pages.signIn());
        return browser.open(browser.link("#kc-registration a"));
    }

    /** Fills the registration form (name, email, a solved captcha) and clicks "Connect". */
    public static FormBrowser register(FormBrowser browser, String name, String email) {
        openRegistration(browser);
        return browser.submit("#kc-register-form", Map.of("name", name, "email", email,
                "altcha", AltchaSolver.solve(MerchantRealm.NAME)));
    }

    /** The same steps on another server: one node of a cluster, a server on PostgreSQL. */
    public static FormBrowser registerAt(FormBrowser browser, String base, String name, String email) {
        browser.open(Pages.signInAt(base, ""));
        browser.open(browser.link("#kc-registration a"));
        return browser.submit("#kc-register-form", Map.of("name", name, "email", email,
                "altcha", AltchaSolver.solveAt(base, MerchantRealm.NAME)));
    }

    /** The authorization code in the help center's callback URL the browser was sent to. */
    public static String code(FormBrowser browser) {
        String location = browser.location();
        if (location == null || !location.startsWith(MerchantRealm.HELP_CENTER_REDIRECT_URI)) {
            throw new AssertionError("not at the help center; at " + browser.url() + " (" + browser.status() + "):\n" + browser.text());
        }
        for (String pair : URI.create(location).getRawQuery().split("&")) {
            if (pair.startsWith("code=")) {
                return java.net.URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no code in " + location);
    }

    /**
     * The end of a welcome link opened in another browser than the one that registered: Keycloak sends it to the
     * help center's Home URL with no code (nothing of the registering browser's request is replayed); the help
     * center then starts its own sign-in, with its own {@code state}, which the new SSO session answers without a
     * page. Returns the code of that sign-in, after checking its callback carries that {@code state}.
     */
    public static String signInAgainFromHome(FormBrowser browser, String state) {
        return signInAgainFromHomeAt(browser, Pages.base(), state);
    }

    /** The same on another server (a node of a cluster, a server on PostgreSQL). */
    public static String signInAgainFromHomeAt(FormBrowser browser, String base, String state) {
        String location = browser.location();
        if (!MerchantRealm.atHelpCenter(location) || location.startsWith(MerchantRealm.HELP_CENTER_REDIRECT_URI)) {
            throw new AssertionError("not sent to the help center's Home URL; at " + browser.url() + " (" + browser.status()
                    + ") -> " + location + ":\n" + browser.text());
        }
        if (URI.create(location).getRawQuery() != null && URI.create(location).getRawQuery().contains("code=")) {
            throw new AssertionError("a code was sent to the Home URL: " + location);
        }
        browser.open(Pages.signInAt(base, "state=" + state));
        String callback = browser.location();
        if (callback == null || !callback.contains("state=" + state)) {
            throw new AssertionError("the callback does not carry this browser's own state " + state + ": " + callback);
        }
        return code(browser);
    }

    /** The help center's back-channel: code + PKCE verifier + client secret, for tokens. */
    public static JsonNode tokens(String code) {
        return tokensAt(Pages.base(), code);
    }

    public static JsonNode tokensAt(String base, String code) {
        String body = "grant_type=authorization_code&code=" + Pages.enc(code)
                + "&redirect_uri=" + Pages.enc(MerchantRealm.HELP_CENTER_REDIRECT_URI)
                + "&code_verifier=" + CODE_VERIFIER
                + "&client_id=" + MerchantRealm.HELP_CENTER_CLIENT
                + "&client_secret=" + Pages.enc(MerchantRealm.helpCenterSecret());
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(base + "/realms/" + MerchantRealm.NAME + "/protocol/openid-connect/token"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError("token request answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The ID token's claims (its signature is the help center's business; issue tests check it). */
    public static JsonNode idTokenClaims(JsonNode tokens) {
        String[] parts = tokens.get("id_token").asText().split("\\.");
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
