package com.merchantsupport.helpcenter;

import com.sun.net.httpserver.HttpExchange;

import java.util.Optional;

/** What the routes read from a request. */
final class Requests {

    private Requests() {
    }

    static QueryParams query(HttpExchange exchange) {
        return QueryParams.parse(exchange.getRequestURI().getRawQuery());
    }

    static String sessionId(HttpExchange exchange) {
        return SessionCookie.read(exchange.getRequestHeaders().get("Cookie"));
    }

    static Optional<Session> session(HttpExchange exchange, SessionStore sessions) {
        return sessions.find(sessionId(exchange));
    }

    static Optional<SignedInUser> user(HttpExchange exchange, SessionStore sessions) {
        return session(exchange, sessions).map(Session::user);
    }
}
