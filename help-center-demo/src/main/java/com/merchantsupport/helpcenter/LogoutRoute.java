package com.merchantsupport.helpcenter;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.net.URI;

/** {@code GET /logout}: ends the local session, then Keycloak's single sign-on session. */
final class LogoutRoute implements Route {

    private final SessionStore sessions;
    private final OidcClient oidc;
    private final boolean secureCookies;

    LogoutRoute(SessionStore sessions, OidcClient oidc, boolean secureCookies) {
        this.sessions = sessions;
        this.oidc = oidc;
        this.secureCookies = secureCookies;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        SignedInUser user = Requests.user(exchange, sessions).orElse(null);
        sessions.remove(Requests.sessionId(exchange));
        exchange.getResponseHeaders().add("Set-Cookie", SessionCookie.clear(secureCookies));
        if (user == null) {
            Responses.redirect(exchange, "/");
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
        Responses.redirect(exchange, endSession == null ? URI.create("/") : endSession);
    }
}
