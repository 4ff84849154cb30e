package com.merchantsupport.it.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keycloak's {@code /metrics} on the management port, as Prometheus reads it: one sample per line,
 * {@code name{label="value",...} number}. Read the way an operator's scrape does.
 */
public record MetricsPage(String text, Map<String, Double> samples) {

    private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)\\})? ([-+0-9.eEInfa]+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    public static MetricsPage at(String managementBase) {
        try {
            HttpResponse<String> reply = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(managementBase + "/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (reply.statusCode() != 200) {
                throw new AssertionError("/metrics answered " + reply.statusCode());
            }
            return parse(reply.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The test server's management port (9000). */
    public static MetricsPage now() {
        return at("http://localhost:9000");
    }

    static MetricsPage parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        Matcher m = SAMPLE.matcher(text);
        while (m.find()) {
            samples.put(key(m.group(1), labels(m.group(3))), Double.parseDouble(m.group(4)));
        }
        return new MetricsPage(text, samples);
    }

    /** Labels of a sample line's braces, sorted, so that a key does not depend on the registry's order. */
    public static Map<String, String> labels(String inside) {
        Map<String, String> labels = new TreeMap<>();
        if (inside != null) {
            Matcher l = LABEL.matcher(inside);
            while (l.find()) {
                labels.put(l.group(1), l.group(2));
            }
        }
        return labels;
    }

    private static String key(String name, Map<String, String> labels) {
        return name + labels;
    }

    /** The sample's value, 0 when it is not served (a counter that never moved is absent). */
    public double value(String name, Map<String, String> labels) {
        return samples.getOrDefault(key(name, new TreeMap<>(labels)), 0.0);
    }

    /** The sum of every sample of {@code name} whose labels include {@code labels}. */
    public double sum(String name, Map<String, String> labels) {
        double total = 0;
        Matcher m = SAMPLE.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(name) && labels(m.group(3)).entrySet().containsAll(labels.entrySet())) {
                total += Double.parseDouble(m.group(4));
            }
        }
        return total;
    }

    /** Whether any sample of that metric name is served. */
    public boolean serves(String name) {
        return Pattern.compile("(?m)^" + Pattern.quote(name) + "[{ ]").matcher(text).find();
    }

    public Map<String, Double> all() {
        return new HashMap<>(samples);
    }
}
