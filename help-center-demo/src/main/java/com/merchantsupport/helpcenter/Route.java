package com.merchantsupport.helpcenter;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;

/** One page. Throw {@link HttpFailure} for an error page; the router renders it. */
@FunctionalInterface
public interface Route {
    void handle(HttpExchange exchange) throws IOException;
}
