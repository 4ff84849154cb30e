package com.merchantsupport.helpcenter;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.util.Optional;

/**
 * {@code GET /}: greets the signed-in merchant, or offers to sign in. A merchant Keycloak sends here (its
 * {@code iss} in the query: the welcome link finished in another browser) is signed in at once: the sign-in
 * this help center starts is its own (its own state, nonce and PKCE), and Keycloak's SSO session answers it.
 */
final class HomePage implements Route {

    private final SessionStore sessions;
    private final String issuer;

    HomePage(SessionStore sessions, String issuer) {
        this.sessions = sessions;
        this.issuer = issuer;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Optional<SignedInUser> user = Requests.user(exchange, sessions);
        if (user.isEmpty() && issuer.equals(Requests.query(exchange).get("iss"))) {
            Responses.redirect(exchange, "/login");
            return;
        }
        String html = user.isPresent()
                ? Pages.signedInHome(user.get())
                // ?ui_locales=fr on the home page is carried to the sign-in links, and from there to Keycloak.
                : Pages.signedOutHome(Requests.query(exchange).get("ui_locales"));
        Responses.html(exchange, 200, html);
    }
}
