package com.merchantsupport.helpcenter;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.util.Optional;

/** {@code GET /}: greets the signed-in merchant, or offers to sign in. */
final class HomePage implements Route {

    private final SessionStore sessions;

    HomePage(SessionStore sessions) {
        this.sessions = sessions;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Optional<SignedInUser> user = Requests.user(exchange, sessions);
        String html = user.isPresent()
                ? Pages.signedInHome(user.get())
                // ?ui_locales=fr on the home page is carried to the sign-in links, and from there to Keycloak.
                : Pages.signedOutHome(Requests.query(exchange).get("ui_locales"));
        Responses.html(exchange, 200, html);
    }
}
