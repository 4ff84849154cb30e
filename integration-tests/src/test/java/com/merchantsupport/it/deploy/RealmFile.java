package com.merchantsupport.it.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.keycloak.util.JsonSerialization;

/**
 * realm-export/merchant-support-realm.json as a deployer hands it to Keycloak: its {@code ${VAR}} and
 * {@code ${VAR:default}} placeholders filled from the environment (what Keycloak does on import), and a
 * comparison of "what the file says" with "what the server holds".
 */
final class RealmFile {

    /** Deployment placeholders are upper-case; {@code ${username}}-style message keys are left alone, as Keycloak does. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::([^}]*))?}");
    /** How the admin API shows a secret it will not reveal. */
    private static final String MASKED = "**********";
    /** The keys that name an element of a list in a realm representation, most specific first. */
    private static final List<String> ELEMENT_KEYS = List.of("clientId", "alias", "name", "providerId");
    /** Legacy spelling Keycloak still reads; its successor {@code authenticatorFlow} is compared. */
    private static final Set<String> NOT_COMPARED = Set.of("autheticatorFlow");

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private RealmFile() {
    }

    static Path path() {
        return Path.of(System.getProperty("realm.json", "../realm-export/merchant-support-realm.json"));
    }

    static String raw() {
        try {
            return Files.readString(path());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The placeholder names in the file, each with its default (null when it has none). */
    static Map<String, String> placeholders() {
        Map<String, String> names = new LinkedHashMap<>();
        Matcher m = PLACEHOLDER.matcher(raw());
        while (m.find()) {
            names.putIfAbsent(m.group(1), m.group(2));
        }
        return names;
    }

    /** The file with every placeholder filled from {@code env}, or its default; one without either stays as written. */
    static String filled(Map<String, String> env) {
        return fill(raw(), env);
    }

    /** {@code json} (a realm file, this one or an earlier one) with its placeholders filled from {@code env}, or their defaults. */
    static String fill(String json, Map<String, String> env) {
        Matcher m = PLACEHOLDER.matcher(json);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = env.get(m.group(1));
            if (value == null) {
                value = m.group(2) != null ? m.group(2) : m.group();
            }
            // The values land inside JSON strings.
            String quoted = JsonNodeFactory.instance.textNode(value).toString();
            m.appendReplacement(out, Matcher.quoteReplacement(quoted.substring(1, quoted.length() - 1)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The file as the test server read it: placeholders from this JVM's environment (surefire gives both the same). */
    static String filled() {
        return filled(System.getenv());
    }

    static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Keycloak representation as JSON, the way Keycloak writes it (no nulls). */
    static JsonNode tree(Object representation) {
        try {
            return JSON.readTree(JsonSerialization.writeValueAsString(representation));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T> T read(String json, Class<T> type) {
        try {
            return JsonSerialization.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every value the file sets is what the server holds. Lists of named things (clients, flows, scopes,
     * mappers...) are matched by name and may hold more on the server (Keycloak's built-ins); lists of
     * values (redirect URIs, default scopes, locales) must be the same set; executions match in order.
     * Secrets the server masks are skipped; an empty value in the file matches an absent one.
     */
    static List<String> differences(JsonNode expected, JsonNode actual) {
        List<String> problems = new ArrayList<>();
        compare("$", expected, actual, problems);
        return problems;
    }

    private static void compare(String path, JsonNode expected, JsonNode actual, List<String> problems) {
        if (expected.isNull()) {
            return; // the file leaves it unset
        }
        boolean absent = actual == null || actual.isNull() || actual.isMissingNode();
        if (expected.isObject()) {
            if (absent) {
                if (!expected.isEmpty()) {
                    problems.add(path + ": missing on the server");
                }
                return;
            }
            Iterator<Map.Entry<String, JsonNode>> fields = expected.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!NOT_COMPARED.contains(field.getKey())) {
                    compare(path + "." + field.getKey(), field.getValue(), actual.get(field.getKey()), problems);
                }
            }
        } else if (expected.isArray()) {
            if (absent) {
                if (!expected.isEmpty()) {
                    problems.add(path + ": missing on the server");
                }
                return;
            }
            compareList(path, expected, actual, problems);
        } else {
            String want = expected.asText();
            if (absent) {
                if (!want.isEmpty()) {
                    problems.add(path + ": missing on the server, the file says " + expected);
                }
                return;
            }
            String got = actual.asText();
            if (MASKED.equals(got)) {
                return;
            }
            if (want.startsWith("{") && got.startsWith("{")) {
                // A JSON document kept as a string (the user profile): compare what it says, not its spacing.
                compare(path, tree(want), tree(got), problems);
            } else if (!want.equals(got)) {
                problems.add(path + ": the file says " + expected + ", the server holds " + actual);
            }
        }
    }

    private static void compareList(String path, JsonNode expected, JsonNode actual, List<String> problems) {
        if (expected.size() == 1 && actual.size() == 1 && expected.get(0).asText().startsWith("{")
                && actual.get(0).asText().startsWith("{")) {
            // A component's JSON document (the user profile): what it says, whatever the order an admin API wrote it in.
            compare(path, tree(expected.get(0).asText()), tree(actual.get(0).asText()), problems);
            return;
        }
        if (expected.isEmpty() || !expected.get(0).isObject()) {
            Set<String> want = texts(expected);
            Set<String> got = texts(actual);
            if (!want.equals(got)) {
                problems.add(path + ": the file says " + want + ", the server holds " + got);
            }
            return;
        }
        String key = ELEMENT_KEYS.stream().filter(k -> expected.get(0).hasNonNull(k)).findFirst().orElse(null);
        if (key == null) {
            if (expected.size() != actual.size()) {
                problems.add(path + ": the file has " + expected.size() + " entries, the server " + actual.size());
                return;
            }
            for (int i = 0; i < expected.size(); i++) {
                compare(path + "[" + i + "]", expected.get(i), actual.get(i), problems);
            }
            return;
        }
        for (JsonNode element : expected) {
            String name = element.path(key).asText();
            JsonNode match = null;
            for (JsonNode candidate : actual) {
                if (name.equals(candidate.path(key).asText())) {
                    match = candidate;
                }
            }
            if (match == null) {
                problems.add(path + "[" + key + "=" + name + "]: missing on the server");
            } else {
                compare(path + "[" + key + "=" + name + "]", element, match, problems);
            }
        }
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> values = new TreeSet<>();
        array.forEach(v -> values.add(v.isValueNode() ? v.asText() : v.toString()));
        return values;
    }

    /** The same content whatever order the server lists things in: every list sorted. */
    static JsonNode canonical(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = JSON.createObjectNode();
            new TreeSet<>(iterable(node.fieldNames())).forEach(name -> copy.set(name, canonical(node.get(name))));
            return copy;
        }
        if (node.isArray()) {
            List<JsonNode> elements = new ArrayList<>();
            node.forEach(e -> elements.add(canonical(e)));
            elements.sort((a, b) -> a.toString().compareTo(b.toString()));
            ArrayNode copy = JSON.createArrayNode();
            elements.forEach(copy::add);
            return copy;
        }
        return node;
    }

    private static Set<String> iterable(Iterator<String> names) {
        Set<String> set = new TreeSet<>();
        names.forEachRemaining(set::add);
        return set;
    }

    /** Where two canonical documents differ, as paths: short enough for an assertion message. */
    static List<String> changes(JsonNode before, JsonNode after) {
        List<String> changes = new ArrayList<>();
        diff("$", canonical(before), canonical(after), changes);
        return changes;
    }

    private static void diff(String path, JsonNode a, JsonNode b, List<String> changes) {
        if (a == null || b == null) {
            changes.add(path + (a == null ? ": added " : ": removed ") + abbreviate(a == null ? b : a));
            return;
        }
        if (a.isObject() && b.isObject()) {
            Set<String> names = iterable(a.fieldNames());
            names.addAll(iterable(b.fieldNames()));
            names.forEach(n -> diff(path + "." + n, a.get(n), b.get(n), changes));
        } else if (!a.equals(b)) {
            changes.add(path + ": " + abbreviate(a) + " -> " + abbreviate(b));
        }
    }

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
