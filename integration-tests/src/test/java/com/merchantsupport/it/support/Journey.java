package com.merchantsupport.it.support;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.keycloak.testframework.mail.MailServer;

/** The merchant's steps, as a help center's merchant takes them, up to the page a test starts from. */
public final class Journey {

    /** RFC 7636's example verifier; {@link Pages#signIn()} sends its S256 challenge. */
    public static final String CODE_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    public static final String REGISTER_FORM = "#kc-register-form";
    public static final String MAILBOX_FORM = "#merchant-mailbox-form";
    public static final String CREATE_PASSWORD_FORM = "#merchant-create-password-form";
    public static final String RESET_FORM = "#kc-reset-password-form";
    /** A password the realm's policy accepts. */
    public static final String PASSWORD = "a-Good-password-2026";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Journey() {
    }

    /** From the help center's sign-in page to the registration form. */
    public static FormBrowser openRegistration(FormBrowser browser) {
        browser.open(Pages.signIn());
        return browser.open(browser.link("#kc-registration a"));
    }

    /** Fills the registration form (name, email, the page's captcha challenge solved) and clicks "Connect". */
    public static FormBrowser register(FormBrowser browser, String name, String email) {
        openRegistration(browser);
        return browser.submit(REGISTER_FORM, Map.of("name", name, "email", email, "altcha", AltchaSolver.solvePage(browser)));
    }

    /** The same steps on another server: one node of a cluster, a server on PostgreSQL. */
    public static FormBrowser registerAt(FormBrowser browser, String base, String name, String email) {
        browser.open(Pages.signInAt(base, ""));
        browser.open(browser.link("#kc-registration a"));
        return browser.submit(REGISTER_FORM, Map.of("name", name, "email", email, "altcha", AltchaSolver.solvePage(browser)));
    }

    /** Registered, then the welcome link opened in the same browser: the "Create your password" page. */
    public static FormBrowser createPasswordPage(FormBrowser browser, MailServer mail, String name, String email) {
        register(browser, name, email);
        if (browser.page().selectFirst("#merchant-mailbox") == null) {
            throw new AssertionError("registration of " + email + " did not reach the mailbox page:\n" + browser.text());
        }
        browser.open(Mails.welcomeLink(mail, email));
        browser.reply().formAction(CREATE_PASSWORD_FORM);
        return browser;
    }

    /** "Create my password" on the create-password page, with {@link #PASSWORD} typed twice. */
    public static FormBrowser createPassword(FormBrowser browser) {
        return browser.submit(CREATE_PASSWORD_FORM, Map.of("password-new", PASSWORD, "password-confirm", PASSWORD));
    }

    /** The whole journey, to the help center's callback (its Location carries the code). */
    public static FormBrowser completeJourney(FormBrowser browser, MailServer mail, String name, String email) {
        createPasswordPage(browser, mail, name, email);
        createPassword(browser);
        code(browser);
        return browser;
    }

    /** The "Forgot my password" page, from the help center's sign-in page. */
    public static FormBrowser openForgotPassword(FormBrowser browser) {
        browser.open(Pages.signIn());
        return browser.open(browser.link("a[href*=reset-credentials]"));
    }

    /**
     * "Forgot my password" on the sign-in page: the address typed, the page's captcha challenge solved, "Submit". For any address
     * Keycloak answers "you should receive an email shortly" (unless a limit answers 429).
     */
    public static FormBrowser forgotPassword(FormBrowser browser, String email) {
        openForgotPassword(browser);
        return browser.submit(RESET_FORM, Map.of("username", email, "altcha", AltchaSolver.solvePage(browser)));
    }

    /** Keycloak's own "Forgot my password" email, asked for on the sign-in page: the key of its action token. */
    public static String resetCredentialsKey(FormBrowser browser, MailServer mail, String email) {
        forgotPassword(browser, email);
        return Pages.keyOf(Mails.actionTokenLink(Mails.newest(mail, email)));
    }

    /** The authorization code in the help center's callback URL the browser was sent to. */
    public static String code(FormBrowser browser) {
        String location = browser.location();
        if (location == null || !location.startsWith(MerchantRealm.HELP_CENTER_REDIRECT_URI)) {
            throw new AssertionError("not at the help center; at " + browser.url() + " (" + browser.reply().statuses() + "):\n"
                    + browser.text());
        }
        return code(location);
    }

    /** The authorization code in a callback URL of the help center. */
    public static String code(String callbackLocation) {
        for (String pair : URI.create(callbackLocation).getRawQuery().split("&")) {
            if (pair.startsWith("code=")) {
                return java.net.URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no code in " + callbackLocation);
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
        String body = FormBrowser.form("grant_type", "authorization_code", "code", code,
                "redirect_uri", MerchantRealm.HELP_CENTER_REDIRECT_URI, "code_verifier", CODE_VERIFIER,
                "client_id", MerchantRealm.HELP_CENTER_CLIENT, "client_secret", MerchantRealm.helpCenterSecret());
        try (FormBrowser helpCenter = new FormBrowser()) {
            helpCenter.post(base + "/realms/" + MerchantRealm.NAME + "/protocol/openid-connect/token", FormBrowser.FORM, body);
            if (helpCenter.status() != 200) {
                throw new AssertionError("token request answered " + helpCenter.status() + ": " + helpCenter.reply().body());
            }
            return JSON.readTree(helpCenter.reply().body());
        } catch (java.io.IOException e) {
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
