package com.merchantsupport.helpcenter;

import com.nimbusds.oauth2.sdk.util.URLUtils;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Talks to the help center like a browser that does not follow redirects, so tests can look at them. */
final class TestBrowser {

    static final String COOKIE = HelpCenterServer.SESSION_COOKIE;

    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final String baseUrl;

    TestBrowser(int port) {
        this.baseUrl = "http://127.0.0.1:" + port;
    }

    HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return get(pathAndQuery, null);
    }

    /** With the session cookie set to {@code sessionId}, when not null. */
    HttpResponse<String> get(String pathAndQuery, String sessionId) throws IOException, InterruptedException {
        return sessionId == null
                ? getWithCookies(pathAndQuery)
                : getWithCookies(pathAndQuery, COOKIE + "=" + sessionId);
    }

    /** One {@code Cookie} header per value, as given. */
    HttpResponse<String> getWithCookies(String pathAndQuery, String... cookieHeaders) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).GET();
        for (String header : cookieHeaders) {
            request.header("Cookie", header);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The session id a response sets, if any. */
    static Optional<String> sessionSetBy(HttpResponse<?> response) {
        return sessionCookieSetBy(response)
                .map(cookie -> cookie.substring(COOKIE.length() + 1, cookie.indexOf(';')))
                .filter(value -> !value.isEmpty());
    }

    /** The whole Set-Cookie header for the session cookie, attributes included. */
    static Optional<String> sessionCookieSetBy(HttpResponse<?> response) {
        return response.headers().allValues("Set-Cookie").stream()
                .filter(cookie -> cookie.startsWith(COOKIE + "="))
                .findFirst();
    }

    /** The attributes of a Set-Cookie header, lower-cased, without the name and value. */
    static List<String> attributes(String setCookie) {
        return java.util.Arrays.stream(setCookie.split(";")).skip(1).map(String::trim).map(String::toLowerCase).toList();
    }

    /** Whether a Set-Cookie header tells the browser to drop the cookie at once. */
    static boolean clears(String setCookie) {
        List<String> attributes = attributes(setCookie);
        return attributes.contains("max-age=0") || attributes.contains("expires=thu, 01 jan 1970 00:00:00 gmt");
    }

    /** A request as raw bytes, for addresses java.net.URI refuses to build; returns the status line and the rest. */
    String raw(String requestTarget) throws IOException {
        try (Socket socket = new Socket(URI.create(baseUrl).getHost(), URI.create(baseUrl).getPort())) {
            socket.getOutputStream().write(("GET " + requestTarget + " HTTP/1.1\r\nHost: help.test\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The query of a URL the help center redirects to, first value of each parameter. */
    static Map<String, String> query(URI uri) {
        return firstValues(URLUtils.parseParameters(uri.getRawQuery()));
    }

    static Map<String, String> firstValues(Map<String, List<String>> parameters) {
        Map<String, String> first = new HashMap<>();
        parameters.forEach((name, values) -> first.put(name, values.isEmpty() ? null : values.get(0)));
        return first;
    }
}
