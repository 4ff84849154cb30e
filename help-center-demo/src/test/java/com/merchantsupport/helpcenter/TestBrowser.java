package com.merchantsupport.helpcenter;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;

/** Talks to the help center like a browser that does not follow redirects, so tests can look at them. */
final class TestBrowser {

    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final String baseUrl;

    TestBrowser(int port) {
        this.baseUrl = "http://127.0.0.1:" + port;
    }

    HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return get(pathAndQuery, null);
    }

    HttpResponse<String> get(String pathAndQuery, String sessionId) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).GET();
        if (sessionId != null) {
            request.header("Cookie", SessionCookie.NAME + "=" + sessionId);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The session id a response sets, if any. */
    static Optional<String> sessionSetBy(HttpResponse<?> response) {
        return response.headers().allValues("Set-Cookie").stream()
                .filter(cookie -> cookie.startsWith(SessionCookie.NAME + "="))
                .map(cookie -> cookie.substring(SessionCookie.NAME.length() + 1, cookie.indexOf(';')))
                .filter(value -> !value.isEmpty())
                .findFirst();
    }
}
