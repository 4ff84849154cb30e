package com.merchantsupport.helpcenter;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.util.Map;

/**
 * Dispatches by exact path and turns every failure into a readable page: users see a
 * message and a link home, the log gets the cause, nobody sees a stack trace.
 */
final class Router implements HttpHandler {

    private final Map<String, Route> routes;

    Router(Map<String, Route> routes) {
        this.routes = Map.copyOf(routes);
    }

    @Override
    public void handle(HttpExchange exchange) {
        try (exchange) {
            try {
                route(exchange);
            } catch (HttpFailure failure) {
                if (failure.status() >= 500) {
                    log(exchange, failure.status() + " " + failure.getMessage()
                            + (failure.getCause() == null ? "" : " cause: " + failure.getCause()));
                }
                if (failure.status() == 405) {
                    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                }
                Responses.html(exchange, failure.status(), Pages.error(failure.status(), failure.title(), failure.getMessage()));
            } catch (RuntimeException unexpected) {
                log(exchange, "500 " + unexpected);
                unexpected.printStackTrace();
                Responses.html(exchange, 500, Pages.error(500, "Something went wrong",
                        "The help center hit an unexpected error. Please try again."));
            }
        } catch (IOException clientGone) {
            // The browser closed the connection; nothing left to answer.
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        Route route = routes.get(exchange.getRequestURI().getPath());
        if (route == null) {
            throw HttpFailure.notFound();
        }
        String method = exchange.getRequestMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            throw HttpFailure.methodNotAllowed();
        }
        route.handle(exchange);
    }

    private static void log(HttpExchange exchange, String message) {
        System.err.println("help-center-demo: " + exchange.getRequestMethod() + " "
                + exchange.getRequestURI().getPath() + " -> " + message);
    }
}
