package com.merchantsupport.helpcenter;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code GET /oidc/callback}: Keycloak sends the browser back here. Everything the browser
 * brings is checked against the pending login before the code is redeemed.
 */
final class CallbackRoute implements Route {

    /** Long enough to fill in a registration form, short enough that stale tabs fail. */
    static final Duration PENDING_LOGIN_LIFETIME = Duration.ofMinutes(30);

    private final SessionStore sessions;
    private final OidcClient oidc;
    private final HelpCenterConfig config;

    CallbackRoute(SessionStore sessions, OidcClient oidc, HelpCenterConfig config) {
        this.sessions = sessions;
        this.oidc = oidc;
        this.config = config;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        QueryParams params = Requests.query(exchange);
        Optional<Session> session = Requests.session(exchange, sessions);
        // Taken out whatever happens next: one callback per sign-in attempt.
        PendingLogin pending = session.map(Session::takePendingLogin).orElse(null);

        String error = params.get("error");
        if (error != null) {
            String description = params.get("error_description");
            throw HttpFailure.badRequest("Sign-in was not completed",
                    "Keycloak reported: " + error + (description == null ? "" : " (" + description + ")") + ".");
        }
        if (pending == null && params.get("code") != null) {
            // Started in another browser: the merchant opened the welcome email on a phone, say, and
            // finished there. The code is not ours to redeem (no PKCE verifier here), but Keycloak now
            // holds a session in this browser, so a fresh sign-in completes at once.
            Responses.redirect(exchange, "/login");
            return;
        }
        if (pending == null) {
            throw HttpFailure.badRequest("Sign-in expired",
                    "This sign-in was not started here, has expired or was already completed. Please sign in again.");
        }
        if (!sameText(pending.state(), params.get("state"))) {
            throw HttpFailure.badRequest("Sign-in could not be verified",
                    "The answer from Keycloak does not belong to the sign-in started here (state mismatch). Please sign in again.");
        }
        if (pending.startedAt().plus(PENDING_LOGIN_LIFETIME).isBefore(sessions.clock().instant())) {
            throw HttpFailure.badRequest("Sign-in expired", "The sign-in took too long. Please sign in again.");
        }
        String issuer = params.get("iss");
        if (issuer != null && !issuer.equals(config.issuer())) {
            // RFC 9207: the answer came from another identity provider than ours.
            throw HttpFailure.badRequest("Sign-in could not be verified",
                    "The answer came from an unexpected identity provider. Please sign in again.");
        }
        String code = params.get("code");
        if (code == null) {
            throw HttpFailure.badRequest("Sign-in could not be verified", "The answer from Keycloak carries no code.");
        }

        SignedInUser user = oidc.redeemCode(code, pending);
        Session signedIn = sessions.rotate(session.get());
        signedIn.signIn(user);
        exchange.getResponseHeaders().add("Set-Cookie", SessionCookie.set(signedIn.id(), config.secureCookies()));
        Responses.redirect(exchange, "/");
    }

    /** Constant-time, so the comparison leaks nothing about the expected state. */
    private static boolean sameText(String expected, String actual) {
        return actual != null && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
    }
}
