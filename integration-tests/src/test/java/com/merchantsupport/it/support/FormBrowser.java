package com.merchantsupport.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * A browser without JavaScript: keeps cookies, follows redirects inside Keycloak, stops at the help
 * center (its redirect URI, so a test can read the authorization code, or its Home URL), and parses pages with jsoup.
 */
public final class FormBrowser implements AutoCloseable {

    private final HttpClient http;
    private HttpResponse<String> last;
    private Document page;
    private Consumer<HttpResponse<String>> observer = response -> { };

    public FormBrowser() {
        // HTTP/1.1, as browsers speak over plain http (they never upgrade to h2c). Under load the JDK client's h2c
        // upgrade once left a request waiting past its timeout (FaultsOnPostgresTest, PostgreSQL restarted).
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(new LocalhostCookies())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    }

    public FormBrowser open(String url) {
        return send(HttpRequest.newBuilder(URI.create(routed(url))).GET());
    }

    private String publicBase;
    private String nodeBase;

    /**
     * Plays a load balancer in front of a cluster: from now on, requests to {@code publicBase} (the URL every
     * node is configured with, {@code --hostname}) go to the node at {@code nodeBase}. Switching nodes between
     * two requests is what a load balancer without sticky sessions does.
     */
    public FormBrowser via(String publicBase, String nodeBase) {
        this.publicBase = publicBase;
        this.nodeBase = nodeBase;
        return this;
    }

    private String routed(String url) {
        return publicBase != null && url.startsWith(publicBase) ? nodeBase + url.substring(publicBase.length()) : url;
    }

    public FormBrowser open(URI url) {
        return open(url.toString());
    }

    /** Submits the form matching the CSS selector with the given fields (added to its hidden inputs). */
    public FormBrowser submit(String formSelector, Map<String, String> fields) {
        Element form = page.selectFirst(formSelector);
        if (form == null) {
            throw new AssertionError("no form " + formSelector + " on page " + url() + " (" + status() + "):\n" + text() + "\n" + last.body());
        }
        Map<String, String> values = new LinkedHashMap<>();
        form.select("input[type=hidden]").forEach(i -> values.put(i.attr("name"), i.attr("value")));
        values.putAll(fields);
        return post(form.absUrl("action"), values);
    }

    public FormBrowser post(String url, Map<String, String> fields) {
        String body = fields.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(routed(url)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private FormBrowser send(HttpRequest.Builder request) {
        try {
            HttpRequest built = headers(request).timeout(Duration.ofSeconds(30)).build();
            last = http.send(built, HttpResponse.BodyHandlers.ofString());
            observer.accept(last);
            int hops = 0;
            while (last.statusCode() / 100 == 3 && hops++ < 10) {
                URI next = built.uri().resolve(last.headers().firstValue("Location").orElseThrow());
                if (MerchantRealm.atHelpCenter(next.toString())) {
                    break; // the help center (its callback, its Home URL): the test reads where it was sent
                }
                built = headers(HttpRequest.newBuilder(URI.create(routed(next.toString())))).timeout(Duration.ofSeconds(30)).GET().build();
                last = http.send(built, HttpResponse.BodyHandlers.ofString());
                observer.accept(last);
            }
            page = Jsoup.parse(last.body(), last.uri().toString());
            return this;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private String language = "en";
    private String accept;

    /**
     * The Accept header of every request, as a real browser sends it ({@code text/html,...}): Keycloak answers an
     * unexpected error with its HTML error page only when asked for HTML, with JSON otherwise. None by default.
     */
    public FormBrowser accept(String accept) {
        this.accept = accept;
        return this;
    }

    private HttpRequest.Builder headers(HttpRequest.Builder request) {
        request.header("Accept-Language", language);
        if (accept != null) {
            request.header("Accept", accept);
        }
        return request;
    }

    public FormBrowser language(String language) {
        this.language = language;
        return this;
    }

    /** Sees every answer, each hop of a redirect chain included (load tests count the statuses). */
    public FormBrowser onResponse(Consumer<HttpResponse<String>> observer) {
        this.observer = observer;
        return this;
    }

    /** Frees the connections and the client's selector thread (load tests open thousands of browsers). */
    @Override
    public void close() {
        http.close();
    }

    public int status() {
        return last.statusCode();
    }

    public String location() {
        return last.headers().firstValue("Location").orElse(null);
    }

    public Document page() {
        return page;
    }

    public String text() {
        return page.text();
    }

    public String url() {
        return last.uri().toString();
    }

    public String link(String selector) {
        Element a = page.selectFirst(selector);
        if (a == null) {
            throw new AssertionError("no link " + selector + " on page:\n" + text());
        }
        return a.absUrl("href");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }
}
