package com.merchantsupport.helpcenter;

import com.nimbusds.langtag.LangTag;
import com.nimbusds.langtag.LangTagException;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /login} and {@code GET /register}: remembers state, nonce and PKCE verifier in the
 * session and sends the browser to Keycloak's sign-in (or sign-up) page.
 */
final class LoginRoute implements Route {

    private final SessionStore sessions;
    private final OidcClient oidc;
    private final boolean register;
    private final boolean secureCookies;

    LoginRoute(SessionStore sessions, OidcClient oidc, boolean register, boolean secureCookies) {
        this.sessions = sessions;
        this.oidc = oidc;
        this.register = register;
        this.secureCookies = secureCookies;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        List<LangTag> uiLocales = parseUiLocales(Requests.query(exchange).get("ui_locales"));
        PendingLogin login = OidcClient.newPendingLogin(sessions.clock().instant());
        // Build the URL first: when Keycloak is down the user gets an error page and no session is made.
        URI keycloak = oidc.authorizationUri(login, uiLocales, register);
        Session session = Requests.session(exchange, sessions).orElseGet(sessions::create);
        session.startLogin(login);
        exchange.getResponseHeaders().add("Set-Cookie", SessionCookie.set(session.id(), secureCookies));
        Responses.redirect(exchange, keycloak);
    }

    /** Space-separated language tags; malformed ones are dropped rather than sent on to Keycloak. */
    static List<LangTag> parseUiLocales(String value) {
        List<LangTag> tags = new ArrayList<>();
        if (value != null) {
            for (String candidate : value.trim().split("\\s+")) {
                try {
                    if (!candidate.isEmpty()) {
                        tags.add(LangTag.parse(candidate));
                    }
                } catch (LangTagException ignored) {
                    // not a language tag
                }
            }
        }
        return tags;
    }
}
