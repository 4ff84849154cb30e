package com.merchantsupport.helpcenter;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.util.Optional;

/** {@code GET /me.json}: the signed-in session's ID token claims, so tests can check who signed in. */
final class MeJsonRoute implements Route {

    private final SessionStore sessions;

    MeJsonRoute(SessionStore sessions) {
        this.sessions = sessions;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Optional<SignedInUser> user = Requests.user(exchange, sessions);
        if (user.isEmpty()) {
            Responses.json(exchange, 401, "{\"error\":\"not_signed_in\"}");
            return;
        }
        Responses.json(exchange, 200, JSONObjectUtils.toJSONString(user.get().claims()));
    }
}
