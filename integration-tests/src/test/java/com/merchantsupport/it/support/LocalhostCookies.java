package com.merchantsupport.it.support;

import java.net.CookieHandler;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A cookie jar that behaves like a browser on localhost: Keycloak marks its cookies Secure and
 * SameSite=None, which browsers accept on http://localhost (a secure context) but Java's
 * CookieManager does not send over plain HTTP. One host only, which is all these tests talk to.
 */
public final class LocalhostCookies extends CookieHandler {

    private final Map<String, String> cookies = new LinkedHashMap<>();
    private final String onlyFor;

    /** Sends the cookies with every request, to any port: browsers do not tell localhost's ports apart. */
    public LocalhostCookies() {
        this(null);
    }

    /** Sends them only to URLs under {@code base} (the test server), never to stubs on other ports. */
    public LocalhostCookies(String base) {
        this.onlyFor = base;
    }

    @Override
    public synchronized Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) {
        if (cookies.isEmpty() || (onlyFor != null && !uri.toString().startsWith(onlyFor))) {
            return Map.of();
        }
        String header = cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; "));
        return Map.of("Cookie", List.of(header));
    }

    @Override
    public synchronized void put(URI uri, Map<String, List<String>> responseHeaders) {
        responseHeaders.forEach((name, values) -> {
            if (name != null && name.equalsIgnoreCase("Set-Cookie")) {
                values.forEach(this::store);
            }
        });
    }

    private void store(String setCookie) {
        String[] parts = setCookie.split(";");
        int eq = parts[0].indexOf('=');
        if (eq <= 0) {
            return;
        }
        String name = parts[0].substring(0, eq).trim();
        String value = parts[0].substring(eq + 1).trim();
        boolean expired = value.isEmpty();
        for (int i = 1; i < parts.length; i++) {
            String attribute = parts[i].trim().toLowerCase(Locale.ROOT);
            if (attribute.equals("max-age=0") || attribute.startsWith("expires=thu, 01 jan 1970") || attribute.startsWith("expires=thu, 01-jan-1970")) {
                expired = true;
            }
        }
        if (expired) {
            cookies.remove(name);
        } else {
            cookies.put(name, value);
        }
    }
}
