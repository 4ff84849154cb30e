package com.merchantsupport.helpcenter;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import jakarta.servlet.http.HttpSession;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;

/**
 * The pages of the sign-in: the home page, sending the browser to Keycloak, its way back, and signing out.
 * The browser's session holds the sign-in in progress ({@link PendingLogin}) and then the {@link SignedInUser}.
 */
final class SignInRoutes {

    /** Long enough to fill in a registration form, short enough that stale tabs fail. */
    static final Duration PENDING_LOGIN_LIFETIME = Duration.ofMinutes(30);

    private static final String PENDING_LOGIN = "pendingLogin";
    private static final String USER = "user";

    private final HelpCenterConfig config;
    private final OidcClient oidc;
    private final Clock clock;

    SignInRoutes(HelpCenterConfig config, OidcClient oidc, Clock clock) {
        this.config = config;
        this.oidc = oidc;
        this.clock = clock;
    }

    static SignedInUser user(Context ctx) {
        return ctx.sessionAttribute(USER);
    }

    /**
     * {@code GET /}: greets the signed-in merchant, or offers to sign in. A merchant Keycloak sends here (its
     * {@code iss} in the query: the welcome link finished in another browser) is signed in at once: the sign-in
     * this help center starts is its own (its own state, nonce and PKCE), and Keycloak's SSO session answers it.
     */
    void home(Context ctx) {
        SignedInUser user = user(ctx);
        if (user == null && config.issuer().equals(param(ctx, "iss"))) {
            ctx.redirect("/login");
            return;
        }
        HelpCenterServer.page(ctx, 200, user != null
                ? Pages.signedInHome(user)
                // ?ui_locales=fr on the home page is carried to the sign-in links, and from there to Keycloak.
                : Pages.signedOutHome(param(ctx, "ui_locales")));
    }

    /**
     * {@code GET /login} and {@code GET /register}: remembers state, nonce and PKCE verifier in the session and
     * sends the browser to Keycloak's sign-in (or, with {@code prompt=create}, sign-up) page.
     */
    void login(Context ctx, boolean register) {
        PendingLogin login = OidcClient.newPendingLogin(clock.instant());
        // Build the URL first: when Keycloak is down the user gets an error page and no session is made.
        URI keycloak = oidc.authorizationUri(login, OidcClient.uiLocales(param(ctx, "ui_locales")), register);
        ctx.sessionAttribute(PENDING_LOGIN, login);
        ctx.redirect(keycloak.toString());
    }

    /**
     * {@code GET /oidc/callback}: Keycloak sends the browser back here. Everything the browser brings is checked
     * against the pending login before the code is redeemed.
     */
    void callback(Context ctx) {
        PendingLogin pending = takePendingLogin(ctx);
        String code = param(ctx, "code");

        String error = param(ctx, "error");
        if (error != null) {
            String description = param(ctx, "error_description");
            throw HttpFailure.badRequest("Sign-in was not completed",
                    "Keycloak reported: " + error + (description == null ? "" : " (" + description + ")") + ".");
        }
        if (pending == null && code != null) {
            // Started in another browser: the merchant opened the welcome email on a phone, say, and
            // finished there. The code is not ours to redeem (no PKCE verifier here), but Keycloak now
            // holds a session in this browser, so a fresh sign-in completes at once.
            ctx.redirect("/login");
            return;
        }
        if (pending == null) {
            throw HttpFailure.badRequest("Sign-in expired",
                    "This sign-in was not started here, has expired or was already completed. Please sign in again.");
        }
        if (!sameText(pending.state(), param(ctx, "state"))) {
            throw HttpFailure.badRequest("Sign-in could not be verified",
                    "The answer from Keycloak does not belong to the sign-in started here (state mismatch). Please sign in again.");
        }
        if (pending.startedAt().plus(PENDING_LOGIN_LIFETIME).isBefore(clock.instant())) {
            throw HttpFailure.badRequest("Sign-in expired", "The sign-in took too long. Please sign in again.");
        }
        String issuer = param(ctx, "iss");
        if (issuer != null && !issuer.equals(config.issuer())) {
            // RFC 9207: the answer came from another identity provider than ours.
            throw HttpFailure.badRequest("Sign-in could not be verified",
                    "The answer came from an unexpected identity provider. Please sign in again.");
        }
        if (code == null) {
            throw HttpFailure.badRequest("Sign-in could not be verified", "The answer from Keycloak carries no code.");
        }

        SignedInUser user = oidc.redeemCode(code, pending);
        // A new id at sign-in, so an id planted in the browser before (session fixation) never becomes signed in.
        ctx.req().changeSessionId();
        ctx.sessionAttribute(USER, user);
        ctx.redirect("/");
    }

    /** {@code GET /logout}: ends the local session, then Keycloak's single sign-on session. */
    void logout(Context ctx) {
        SignedInUser user = user(ctx);
        HttpSession session = ctx.req().getSession(false);
        if (session != null) {
            session.invalidate();
        }
        ctx.cookie(new Cookie(HelpCenterServer.SESSION_COOKIE, "", "/", 0, config.secureCookies(), true, null, SameSite.LAX));
        if (user == null) {
            ctx.redirect("/");
            return;
        }
        URI endSession;
        try {
            endSession = oidc.logoutUri(user);
        } catch (HttpFailure unreachable) {
            throw HttpFailure.badGateway("Signed out of the help center only",
                    "You are signed out here, but the sign-in service could not be reached to end your single sign-on session.",
                    unreachable.getCause());
        }
        ctx.redirect(endSession == null ? "/" : endSession.toString());
    }

    /**
     * Taken out whatever happens next: one callback per sign-in attempt. Not Javalin's consumeSessionAttribute,
     * which would give every visitor of the callback a session.
     */
    private static PendingLogin takePendingLogin(Context ctx) {
        HttpSession session = ctx.req().getSession(false);
        if (session == null) {
            return null;
        }
        PendingLogin pending = (PendingLogin) session.getAttribute(PENDING_LOGIN);
        session.removeAttribute(PENDING_LOGIN);
        return pending;
    }

    /** A query parameter, its first value; empty counts as absent. */
    private static String param(Context ctx, String name) {
        String value = ctx.queryParam(name);
        return value == null || value.isEmpty() ? null : value;
    }

    /** Constant-time, so the comparison leaks nothing about the expected state. */
    private static boolean sameText(String expected, String actual) {
        return actual != null && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
    }
}
