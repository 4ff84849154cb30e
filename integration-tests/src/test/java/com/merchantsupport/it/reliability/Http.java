package com.merchantsupport.it.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import com.merchantsupport.it.support.LocalhostCookies;
import com.merchantsupport.it.support.Pages;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * A browser without JavaScript that can send what no browser would: any method, any content type, any body,
 * repeated parameters. Keeps Keycloak's cookies like a browser on localhost does, follows redirects only inside
 * Keycloak (GET), and remembers every status on the way, so a test can see a 5xx even in the middle of a chain.
 */
final class Http {

    static final String FORM = "application/x-www-form-urlencoded";
    static final String JSON = "application/json";

    private final HttpClient client = HttpClient.newBuilder()
            .cookieHandler(new LocalhostCookies(Pages.base()))
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    /** One answer, after the redirects that were followed. */
    record Reply(String method, URI uri, int status, List<Integer> chain, HttpHeaders headers, String body) {

        Document page() {
            return Jsoup.parse(body, uri.toString());
        }

        String text() {
            return page().text();
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        String location() {
            return header("Location");
        }

        /** Statuses of the whole chain, e.g. "302 → 200". */
        String statuses() {
            return chain.stream().map(String::valueOf).collect(Collectors.joining(" → "));
        }

        boolean anyServerError() {
            return chain.stream().anyMatch(s -> s >= 500);
        }

        /** Absolute action URL of the form matching the selector; fails with the page when absent. */
        String formAction(String selector) {
            Element form = page().selectFirst(selector);
            if (form == null) {
                throw new AssertionError("no form " + selector + " at " + uri + " (" + statuses() + "):\n" + text());
            }
            return form.absUrl("action");
        }

        /** What the page tells the merchant: its title and its first error or alert, or the start of a non-HTML body. */
        String message() {
            String type = header("Content-Type");
            if (type == null || !type.startsWith("text/html")) {
                String b = body.replaceAll("\\s+", " ").strip();
                return b.length() > 80 ? b.substring(0, 80) + "…" : b;
            }
            Document page = page();
            List<String> parts = new ArrayList<>();
            Element title = page.selectFirst("#kc-page-title");
            if (title != null) {
                parts.add(title.text());
            }
            page.select("[id^=input-error], .pf-v5-c-alert__title, #merchant-link-problem p, #kc-error-message, .instruction").stream()
                    .map(Element::text).filter(t -> !t.isBlank()).findFirst().ifPresent(parts::add);
            if (parts.isEmpty()) {
                parts.add(page.title());
            }
            String m = String.join(": ", parts);
            return m.length() > 160 ? m.substring(0, 160) + "…" : m;
        }
    }

    Reply get(String url) {
        return send("GET", url, null, (byte[]) null, true);
    }

    Reply get(String url, Map<String, String> headers) {
        return send("GET", url, null, null, true, headers);
    }

    Reply post(String url, String contentType, String body) {
        return send("POST", url, contentType, body == null ? null : body.getBytes(StandardCharsets.UTF_8), true);
    }

    Reply send(String method, String url, String contentType, String body) {
        return send(method, url, contentType, body == null ? null : body.getBytes(StandardCharsets.UTF_8), true);
    }

    Reply send(String method, String url, String contentType, byte[] body, boolean follow) {
        return send(method, url, contentType, body, follow, Map.of());
    }

    Reply send(String method, String url, String contentType, byte[] body, boolean follow, Map<String, String> headers) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                    .header("Accept-Language", "en")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            headers.forEach(request::header);
            HttpRequest built = request.build();
            HttpResponse<String> response = client.send(built, HttpResponse.BodyHandlers.ofString());
            List<Integer> chain = new ArrayList<>(List.of(response.statusCode()));
            int hops = 0;
            while (follow && response.statusCode() / 100 == 3 && hops++ < 10) {
                String location = response.headers().firstValue("Location").orElse(null);
                if (location == null) {
                    break;
                }
                URI next = built.uri().resolve(location);
                if (!next.toString().startsWith(Pages.base() + "/")) {
                    break; // the help center's callback, Google, ...: not Keycloak, not followed
                }
                built = HttpRequest.newBuilder(next).timeout(Duration.ofSeconds(60)).header("Accept-Language", "en").GET().build();
                response = client.send(built, HttpResponse.BodyHandlers.ofString());
                chain.add(response.statusCode());
            }
            return new Reply(method, response.uri(), response.statusCode(), List.copyOf(chain), response.headers(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- bodies

    /** An urlencoded body; pairs may repeat a name ("email", "a", "email", "b"). */
    static String form(String... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("name/value pairs");
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            parts.add(enc(pairs[i]) + "=" + enc(pairs[i + 1]));
        }
        return String.join("&", parts);
    }

    static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
    }

    /** A multipart/form-data body and its content type. */
    record Multipart(String contentType, byte[] body) {
    }

    static Multipart multipart(Map<String, String> fields) {
        String boundary = "----reliability" + UUID.randomUUID().toString().replace("-", "");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fields.forEach((name, value) -> {
            String part = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
            out.writeBytes(part.getBytes(StandardCharsets.UTF_8));
        });
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return new Multipart("multipart/form-data; boundary=" + boundary, out.toByteArray());
    }

    static String json(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\":\"" + e.getValue().replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(",", "{", "}"));
    }

    static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }
}
