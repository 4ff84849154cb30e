package com.merchantsupport.it.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.TextNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The theme's words, checked from the files alone (no server): every key in all five languages, every key the
 * templates and the providers use defined (in the pack's bundles or Keycloak's own, in each language), values
 * that survive Keycloak's MessageFormat, and no merchant-facing text written into a template.
 */
class MessageBundlesTest {

    private static final Pattern MSG_CALL = Pattern.compile("\\b(?:msg|advancedMsg)\\(\\s*([\"'])([^\"']+)\\1\\s*([,)+])");
    private static final Pattern MSG_PREFIX_CALL = Pattern.compile("\\bmsg\\(\\s*\"([A-Za-z_]+)\"\\s*\\+");
    private static final Pattern MACRO_LABEL = Pattern.compile("<@buttons\\.\\w+[^>]*?\\blabel=\"([\\w.-]+)\"");
    private static final Pattern JOURNEY_STEPS = Pattern.compile("journey\\s*=\\s*\\[([^\\]]*)]");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\d+)[^}]*}");
    private static final Pattern LONE_QUOTE = Pattern.compile("(?<!')'(?!')");
    private static final Pattern CONSTANT = Pattern.compile("static final String (\\w+)\\s*=\\s*\"([^\"]+)\"\\s*;");
    private static final Pattern FORM_MESSAGE = Pattern.compile("new FormMessage\\(\\s*[^,()]+,\\s*(\"[^\"]+\"|[A-Z][A-Z0-9_]*)\\b");
    private static final Pattern SEND_SUBJECT = Pattern.compile("\\.send\\(\\s*([A-Z][A-Z0-9_]*)\\s*,");
    private static final Pattern FORM_SETTER = Pattern.compile("\\.(?:setError|setInfo|setSuccess)\\(\\s*\"([^\"]+)\"");

    private static Path theme;
    /** Keycloak's own bundles of the parent themes, per theme type and language. */
    private static final Map<String, Properties> KEYCLOAK = new HashMap<>();

    @BeforeAll
    static void readKeycloaksBundles() throws IOException {
        theme = Bundles.themeDir();
        Path themesJar = keycloakThemesJar();
        try (ZipFile zip = new ZipFile(themesJar.toFile())) {
            for (String language : Bundles.LANGUAGES) {
                Properties login = new Properties();
                load(zip, "theme/base/login/messages/messages_" + language + ".properties", login);
                load(zip, "theme/keycloak.v2/login/messages/messages_" + language + ".properties", login);
                KEYCLOAK.put("login/" + language, login);
                Properties email = new Properties();
                load(zip, "theme/base/email/messages/messages_" + language + ".properties", email);
                KEYCLOAK.put("email/" + language, email);
            }
        }
    }

    @Test
    void everyKeyIsInEveryLanguage() {
        List<String> problems = new ArrayList<>();
        for (String type : List.of("login", "email")) {
            Set<String> all = new TreeSet<>();
            Map<String, Properties> bundles = new TreeMap<>();
            for (String language : Bundles.LANGUAGES) {
                Properties bundle = Bundles.bundle(type, language);
                bundles.put(language, bundle);
                all.addAll(bundle.stringPropertyNames());
            }
            bundles.forEach((language, bundle) -> {
                Set<String> missing = new TreeSet<>(all);
                missing.removeAll(bundle.stringPropertyNames());
                if (!missing.isEmpty()) {
                    problems.add(type + "/messages_" + language + ".properties lacks " + missing);
                }
            });
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void valuesSurviveKeycloaksMessageFormat() {
        List<String> problems = new ArrayList<>();
        for (String type : List.of("login", "email")) {
            Map<String, Set<String>> placeholdersInEnglish = new HashMap<>();
            for (String language : Bundles.LANGUAGES) {
                Properties bundle = Bundles.bundle(type, language);
                for (String key : bundle.stringPropertyNames()) {
                    String value = bundle.getProperty(key);
                    String where = type + "/" + language + " " + key;
                    if (value.isBlank()) {
                        problems.add(where + ": empty");
                    }
                    if (LONE_QUOTE.matcher(value).find()) {
                        problems.add(where + ": a ' that MessageFormat would swallow (write ’)");
                    }
                    try {
                        new MessageFormat(value);
                    } catch (IllegalArgumentException e) {
                        problems.add(where + ": " + e.getMessage());
                    }
                    Set<String> placeholders = placeholders(value);
                    if (language.equals("en")) {
                        placeholdersInEnglish.put(key, placeholders);
                    } else if (placeholdersInEnglish.containsKey(key) && !placeholdersInEnglish.get(key).equals(placeholders)) {
                        problems.add(where + ": placeholders " + placeholders + ", English has " + placeholdersInEnglish.get(key));
                    }
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyKeyTheTemplatesUseIsTranslated() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String type : List.of("login", "email")) {
            Map<String, Set<String>> keys = new TreeMap<>();
            for (Path template : templates(type)) {
                String source = Files.readString(template);
                for (String key : templateKeys(source)) {
                    keys.computeIfAbsent(key, k -> new TreeSet<>()).add(theme.relativize(template).toString());
                }
            }
            assertFalse(keys.isEmpty(), "no message keys found in the " + type + " templates");
            keys.forEach((key, where) -> problems.addAll(untranslated(type, key, where.toString())));
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** Keys built at run time: the journey's steps and the link pages' problems. */
    @Test
    void keysBuiltFromValuesAreTranslated() throws IOException {
        List<String> problems = new ArrayList<>();
        String journey = Files.readString(theme.resolve("login/merchant-journey.ftl"));
        Matcher steps = JOURNEY_STEPS.matcher(journey);
        assertTrue(steps.find(), "the journey's steps in merchant-journey.ftl");
        for (String step : steps.group(1).replace("\"", "").split("\\s*,\\s*")) {
            problems.addAll(untranslated("login", "merchantJourneyStep_" + step.trim(), "merchant-journey.ftl"));
        }

        Path linkPages = providersSource().resolve("com/merchantsupport/keycloak/welcome/LinkPages.java");
        Matcher problemsEnum = Pattern.compile("enum Problem \\{([^}]*)}").matcher(Files.readString(linkPages));
        assertTrue(problemsEnum.find(), "enum Problem in LinkPages.java");
        for (String constant : problemsEnum.group(1).split(",")) {
            // A constant with its HTTP status, DAMAGED(Response.Status.BAD_REQUEST): the name only.
            String problem = constant.trim().replaceFirst("(?s)\\(.*", "").toLowerCase().replace('_', '-');
            for (String part : List.of("_title", "_text")) {
                problems.addAll(untranslated("login", "merchantLink_" + problem + part, "merchant-link-problem.ftl"));
            }
        }

        // Any other msg("prefix" + ...) in a template must be listed here, so its keys are checked too.
        for (Path template : Stream.concat(templates("login").stream(), templates("email").stream()).toList()) {
            Matcher prefix = MSG_PREFIX_CALL.matcher(Files.readString(template));
            while (prefix.find()) {
                assertTrue(Set.of("merchantJourneyStep_", "merchantLink_").contains(prefix.group(1)),
                        template + " builds keys from " + prefix.group(1) + ": add them to this test");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyKeyTheProvidersUseIsTranslated() throws IOException {
        Map<String, String> keys = new TreeMap<>();
        try (Stream<Path> files = Files.walk(providersSource())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Map<String, String> constants = new HashMap<>();
                Matcher constant = CONSTANT.matcher(source);
                while (constant.find()) {
                    constants.put(constant.group(1), constant.group(2));
                }
                String name = file.getFileName().toString();
                if (name.endsWith("Messages.java")) {
                    constants.values().forEach(v -> keys.put(v, name));
                }
                for (Pattern use : List.of(FORM_MESSAGE, SEND_SUBJECT, FORM_SETTER)) {
                    Matcher m = use.matcher(source);
                    while (m.find()) {
                        String ref = m.group(1);
                        String key = ref.startsWith("\"") ? ref.substring(1, ref.length() - 1) : constants.get(ref);
                        if (key != null) { // else a constant of another class: Keycloak's Messages, or a *Messages class
                            keys.put(key, name);
                        }
                    }
                }
            }
        }
        assertTrue(keys.size() >= 10, "found the providers' message keys: " + keys);
        List<String> problems = new ArrayList<>();
        keys.forEach((key, where) -> {
            for (String language : Bundles.LANGUAGES) {
                if (!Bundles.bundle("login", language).containsKey(key) && !Bundles.bundle("email", language).containsKey(key)) {
                    problems.add(key + " (" + where + ") is in neither login nor email messages_" + language + ".properties");
                }
            }
        });
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /**
     * Text a merchant reads comes from the bundles: what is left of a template once FreeMarker's comments,
     * directives, macro calls and interpolations are taken out holds no letters, in text or in the attributes
     * people read (alt, title, aria-label, placeholder, label, a button's value).
     */
    @Test
    void noMerchantFacingTextIsWrittenIntoATemplate() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String type : List.of("login", "email")) {
            for (Path template : templates(type)) {
                String rest = withoutFreeMarker(Files.readString(template));
                String name = theme.relativize(template).toString();
                if (template.toString().contains("/text/")) {
                    rest.lines().filter(MessageBundlesTest::hasWords)
                            .forEach(line -> problems.add(name + ": \"" + line.trim() + "\""));
                    continue;
                }
                Document html = Jsoup.parse(rest);
                for (Element element : html.getAllElements()) {
                    if (element.normalName().equals("script") || element.normalName().equals("style")) {
                        continue;
                    }
                    for (TextNode text : element.textNodes()) {
                        if (hasWords(text.text())) {
                            problems.add(name + ": text \"" + text.text().trim() + "\" in <" + element.normalName() + ">");
                        }
                    }
                    for (String attribute : List.of("alt", "title", "aria-label", "placeholder", "label")) {
                        if (hasWords(element.attr(attribute))) {
                            problems.add(name + ": " + attribute + "=\"" + element.attr(attribute) + "\"");
                        }
                    }
                    if (element.normalName().equals("input") && Set.of("submit", "button", "reset").contains(element.attr("type"))
                            && hasWords(element.attr("value"))) {
                        problems.add(name + ": button value \"" + element.attr("value") + "\"");
                    }
                }
            }
        }
        assertTrue(problems.isEmpty(), "hard-coded text (put it in the message bundles):\n" + String.join("\n", problems));
    }

    /** The check above finds what it should: a template with a written-in word fails it. */
    @Test
    void theHardCodedTextCheckCatchesWrittenInWords() {
        String template = "<#import \"template.ftl\" as layout>\n<@layout.registrationLayout; section>\n"
                + "<#if section = \"form\"><p>${msg(\"merchantLead\")} Click here</p>"
                + "<button aria-label=\"Close\">${msg('x')}</button></#if>\n</@layout.registrationLayout>";
        Document html = Jsoup.parse(withoutFreeMarker(template));
        assertEquals("Click here", html.selectFirst("p").text());
        assertEquals("Close", html.selectFirst("button").attr("aria-label"));
        assertEquals(List.of("merchantLead", "x"), templateKeys(template));
    }

    private static boolean hasWords(String text) {
        return text != null && text.codePoints().anyMatch(Character::isLetter);
    }

    /** The template without FreeMarker: what is left is what the template writes itself. */
    static String withoutFreeMarker(String source) {
        String s = source.replaceAll("(?s)<#--.*?-->", "");
        // <#assign x>{"json": ...}</#assign>: a JSON value for a widget's configuration, not text for people
        s = s.replaceAll("(?s)<#assign\\s+\\w+\\s*>\\s*\\{.*?}\\s*</#assign>", "");
        s = s.replaceAll("\\$\\{[^}]*}", "");
        s = s.replaceAll("(?s)</?[#@][^>]*>", "");
        return s;
    }

    static List<String> templateKeys(String source) {
        List<String> keys = new ArrayList<>();
        Matcher call = MSG_CALL.matcher(source);
        while (call.find()) {
            if (!call.group(3).equals("+")) {
                keys.add(call.group(2));
            }
        }
        Matcher label = MACRO_LABEL.matcher(source);
        while (label.find()) {
            keys.add(label.group(1));
        }
        return keys;
    }

    /** Where a key is not defined for a language, by the pack or by Keycloak's parent themes. */
    private static List<String> untranslated(String type, String key, String where) {
        List<String> problems = new ArrayList<>();
        for (String language : Bundles.LANGUAGES) {
            if (!Bundles.bundle(type, language).containsKey(key) && !KEYCLOAK.get(type + "/" + language).containsKey(key)) {
                problems.add(key + " (" + where + ") has no " + language + " text in the pack or in Keycloak");
            }
        }
        return problems;
    }

    private static List<Path> templates(String type) throws IOException {
        try (Stream<Path> files = Files.walk(theme.resolve(type))) {
            return files.filter(f -> f.toString().endsWith(".ftl")).sorted().toList();
        }
    }

    private static Set<String> placeholders(String value) {
        Set<String> found = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(value);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    private static Path providersSource() {
        return Path.of(System.getProperty("project.root", ".."), "providers", "src", "main", "java").toAbsolutePath().normalize();
    }

    /**
     * Keycloak's theme jar, inside the distribution zip the tests run (a test dependency, so in the local Maven
     * repository), or the one a test server unpacked.
     */
    private static Path keycloakThemesJar() throws IOException {
        String version = System.getProperty("keycloak.version", "26.7.3");
        Path repository = Path.of(System.getProperty("maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
        Path dist = repository.resolve("org/keycloak/keycloak-quarkus-dist/" + version + "/keycloak-quarkus-dist-" + version + ".zip");
        Path unpacked = Path.of("/tmp/kc-test-framework/keycloak-" + version + "/lib/lib/main/org.keycloak.keycloak-themes-" + version + ".jar");
        if (Files.isRegularFile(unpacked)) {
            return unpacked;
        }
        assertTrue(Files.isRegularFile(dist), "Keycloak's distribution not found at " + dist);
        Path jar = Files.createTempFile("keycloak-themes-" + version, ".jar");
        jar.toFile().deleteOnExit();
        try (ZipFile zip = new ZipFile(dist.toFile())) {
            ZipEntry entry = zip.stream().filter(e -> e.getName().endsWith("/org.keycloak.keycloak-themes-" + version + ".jar"))
                    .findFirst().orElseThrow(() -> new AssertionError("no themes jar in " + dist));
            try (InputStream in = zip.getInputStream(entry)) {
                Files.copy(in, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return jar;
    }

    private static void load(ZipFile zip, String name, Properties into) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            return;
        }
        try (InputStream in = zip.getInputStream(entry)) {
            into.putAll(Bundles.read(new ByteArrayInputStream(in.readAllBytes())));
        }
    }
}
