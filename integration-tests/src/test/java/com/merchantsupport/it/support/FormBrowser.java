package com.merchantsupport.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * A browser without JavaScript, the integration tests' one HTTP client: keeps cookies, follows redirects inside
 * Keycloak, stops at the help center (its redirect URI, so a test can read the authorization code, or its Home URL),
 * and parses pages with jsoup. It also sends what no browser would (any method, content type and body, repeated
 * parameters) and keeps every status of a redirect chain, so a test sees a 5xx even in the middle of one.
 */
public final class FormBrowser implements AutoCloseable {

    public static final String FORM = "application/x-www-form-urlencoded";
    public static final String JSON = "application/json";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient http;
    private Reply last;
    private Consumer<HttpResponse<String>> observer = response -> { };
    private boolean followRedirects = true;

    public FormBrowser() {
        this(null);
    }

    private FormBrowser(InetAddress localAddress) {
        // HTTP/1.1, as browsers speak over plain http (they never upgrade to h2c). Under load the JDK client's h2c
        // upgrade once left a request waiting past its timeout (FaultsOnPostgresTest, PostgreSQL restarted).
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(new LocalhostCookies())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10));
        if (localAddress != null) {
            builder.localAddress(localAddress);
        }
        http = builder.build();
    }

    /**
     * A browser on another machine of the same network as far as Keycloak can tell: its requests leave from
     * {@code loopbackAddress} (any of 127.0.0.0/8), the address the per-network-address limits count. Each test
     * class uses addresses of its own, so counts never carry over between classes.
     */
    public static FormBrowser from(String loopbackAddress) {
        try {
            return new FormBrowser(InetAddress.getByName(loopbackAddress));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(loopbackAddress, e);
        }
    }

    /** One answer, after the redirects that were followed: the page, and the status of every hop on the way. */
    public static final class Reply {

        private final String method;
        private final URI uri;
        private final List<Integer> chain;
        private final HttpHeaders headers;
        private final String body;
        private Document page;

        Reply(String method, URI uri, List<Integer> chain, HttpHeaders headers, String body) {
            this.method = method;
            this.uri = uri;
            this.chain = List.copyOf(chain);
            this.headers = headers;
            this.body = body;
        }

        /** The method of the request sent (a redirect followed is a GET). */
        public String method() {
            return method;
        }

        public URI uri() {
            return uri;
        }

        public int status() {
            return chain.get(chain.size() - 1);
        }

        /** The status of each hop, the first answer first. */
        public List<Integer> chain() {
            return chain;
        }

        public HttpHeaders headers() {
            return headers;
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public String body() {
            return body;
        }

        public String location() {
            return header("Location");
        }

        public synchronized Document page() {
            if (page == null) {
                page = Jsoup.parse(body, uri.toString());
            }
            return page;
        }

        public String text() {
            return page().text();
        }

        /** Statuses of the whole chain, e.g. "302 → 200". */
        public String statuses() {
            return chain.stream().map(String::valueOf).collect(Collectors.joining(" → "));
        }

        public boolean anyServerError() {
            return chain.stream().anyMatch(s -> s >= 500);
        }

        /** Absolute action URL of the form matching the selector; fails with the page when absent. */
        public String formAction(String selector) {
            Element form = page().selectFirst(selector);
            if (form == null) {
                throw new AssertionError("no form " + selector + " at " + uri + " (" + statuses() + "):\n" + text());
            }
            return form.absUrl("action");
        }

        public String link(String selector) {
            Element a = page().selectFirst(selector);
            if (a == null) {
                throw new AssertionError("no link " + selector + " at " + uri + " (" + statuses() + "):\n" + text());
            }
            return a.absUrl("href");
        }

        /**
         * What the page tells the merchant: its title and its first field error, alert or message; the start of the
         * body when it is not HTML.
         */
        public String message() {
            String type = header("Content-Type");
            if (type == null || !type.startsWith("text/html")) {
                return shortened(body.replaceAll("\\s+", " ").strip(), 80);
            }
            List<String> parts = new ArrayList<>();
            Element title = page().selectFirst("#kc-page-title");
            if (title != null) {
                parts.add(title.text());
            }
            page().select("[id^=input-error], .pf-v5-c-alert__title, #merchant-link-problem p, #kc-error-message p, "
                            + "#merchant-mailbox p, .instruction").stream()
                    .map(Element::text).filter(t -> !t.isBlank()).findFirst().ifPresent(parts::add);
            if (parts.isEmpty()) {
                parts.add(page().title().isBlank() ? shortened(text(), 120) : page().title());
            }
            return shortened(String.join(": ", parts), 160);
        }

        private static String shortened(String s, int max) {
            return s.length() > max ? s.substring(0, max) + "…" : s;
        }
    }

    public FormBrowser open(String url) {
        return send("GET", url);
    }

    public FormBrowser open(URI url) {
        return open(url.toString());
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

    /** Submits the form matching the CSS selector with the given fields (added to its hidden inputs). */
    public FormBrowser submit(String formSelector, Map<String, String> fields) {
        Element form = page().selectFirst(formSelector);
        if (form == null) {
            throw new AssertionError("no form " + formSelector + " on page " + url() + " (" + last.statuses() + "):\n" + text()
                    + "\n" + last.body());
        }
        Map<String, String> values = new LinkedHashMap<>();
        form.select("input[type=hidden]").forEach(i -> values.put(i.attr("name"), i.attr("value")));
        values.putAll(fields);
        return post(form.absUrl("action"), values);
    }

    public FormBrowser post(String url, Map<String, String> fields) {
        return post(url, FORM, form(fields));
    }

    /** A POST with any body, of any content type (see {@link #form(String...)}, {@link #json}, {@link #multipart}). */
    public FormBrowser post(String url, String contentType, String body) {
        return send("POST", url, contentType, body);
    }

    /** Any method, no body. */
    public FormBrowser send(String method, String url) {
        return send(method, url, null, (byte[]) null);
    }

    public FormBrowser send(String method, String url, String contentType, String body) {
        return send(method, url, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Any method, content type and body; redirects followed with a GET, as a browser does. */
    public FormBrowser send(String method, String url, String contentType, byte[] body) {
        try {
            HttpRequest.Builder request = headers(HttpRequest.newBuilder(URI.create(routed(url))))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            HttpRequest built = request.build();
            HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
            observer.accept(response);
            List<Integer> chain = new ArrayList<>(List.of(response.statusCode()));
            int hops = 0;
            while (followRedirects && response.statusCode() / 100 == 3 && hops++ < 10) {
                String location = response.headers().firstValue("Location").orElse(null);
                URI next = location == null ? null : built.uri().resolve(location);
                if (next == null || MerchantRealm.atHelpCenter(next.toString())) {
                    break; // the help center (its callback, its Home URL): the test reads where it was sent
                }
                built = headers(HttpRequest.newBuilder(URI.create(routed(next.toString())))).GET().build();
                response = http.send(built, HttpResponse.BodyHandlers.ofString());
                observer.accept(response);
                chain.add(response.statusCode());
            }
            last = new Reply(method, response.uri(), chain, response.headers(), response.body());
            return this;
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + url + ": interrupted", e);
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

    private String forwardedFor;

    /** An {@code X-Forwarded-For} on every request, as a proxy (or someone pretending to be one) sends it. */
    public FormBrowser forwardedFor(String addresses) {
        this.forwardedFor = addresses;
        return this;
    }

    private Duration requestTimeout = Duration.ofSeconds(30);

    /** How long one request may wait for its answer (30 s by default; a browser waits minutes). */
    public FormBrowser timeout(Duration timeout) {
        this.requestTimeout = timeout;
        return this;
    }

    private HttpRequest.Builder headers(HttpRequest.Builder request) {
        request.timeout(requestTimeout).header("Accept-Language", language);
        if (accept != null) {
            request.header("Accept", accept);
        }
        if (forwardedFor != null) {
            request.header("X-Forwarded-For", forwardedFor);
        }
        return request;
    }

    public FormBrowser language(String language) {
        this.language = language;
        return this;
    }

    /** From now on every answer is the server's first: a redirect is not followed (its status and Location are the reply). */
    public FormBrowser noRedirects() {
        this.followRedirects = false;
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

    /** The last answer, kept as it was whatever the browser does next. */
    public Reply reply() {
        return last;
    }

    public int status() {
        return last.status();
    }

    public String location() {
        return last.location();
    }

    public Document page() {
        return last.page();
    }

    public String text() {
        return last.text();
    }

    public String url() {
        return last.uri().toString();
    }

    public String link(String selector) {
        return last.link(selector);
    }

    // ---- bodies

    /** An urlencoded body; pairs may repeat a name ("email", "a", "email", "b"), as no form does. */
    public static String form(String... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("name/value pairs");
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            parts.add(enc(pairs[i]) + "=" + enc(pairs[i + 1]));
        }
        return String.join("&", parts);
    }

    public static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
    }

    public static String json(Map<String, String> fields) {
        try {
            return MAPPER.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A multipart/form-data body and its content type (with the boundary). */
    public record Multipart(String contentType, byte[] body) {
    }

    public static Multipart multipart(Map<String, String> fields) {
        String boundary = "----form-browser-" + UUID.randomUUID().toString().replace("-", "");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fields.forEach((name, value) -> out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name
                + "\"\r\n\r\n" + value + "\r\n").getBytes(StandardCharsets.UTF_8)));
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return new Multipart("multipart/form-data; boundary=" + boundary, out.toByteArray());
    }

    public static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }
}
