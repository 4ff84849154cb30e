package com.merchantsupport.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The pack's message bundles ({@code themes/merchant-support/{login,email}/messages}) and the texts the pages and
 * emails show, formatted as Keycloak does. Tests take the wording they expect from here, never typed in English: a
 * rewording in a bundle changes what they expect, and a pass shows the page shows the bundle's text. Keycloak's own
 * strings (not in these bundles) stay literals in the tests.
 */
public final class Texts {

    /** The languages of the pack: the realm's supported locales, the themes' {@code locales}. */
    public static final List<String> LANGUAGES = List.of("en", "fr", "de", "es", "it");

    private Texts() {
    }

    /** What a login page shows for a key of the pack's login bundle, in English (the tests' browsers' language). */
    public static String en(String key, Object... arguments) {
        return text("en", key, arguments);
    }

    /** What a login page shows for a key of the pack's login bundle, in that language. */
    public static String text(String language, String key, Object... arguments) {
        return format("login", language, key, arguments);
    }

    /** What an email says (or its subject) for a key of the pack's email bundle, in that language. */
    public static String email(String language, String key, Object... arguments) {
        return format("email", language, key, arguments);
    }

    private static String format(String themeType, String language, String key, Object... arguments) {
        String pattern = bundle(themeType, language).getProperty(key);
        if (pattern == null) {
            throw new AssertionError("no " + key + " in " + themeType + "/messages/messages_" + language + ".properties");
        }
        return new MessageFormat(pattern, Locale.forLanguageTag(language)).format(arguments);
    }

    public static Path themeDir() {
        return Path.of(System.getProperty("project.root", ".."), "themes", "merchant-support").toAbsolutePath().normalize();
    }

    /** {@code login} or {@code email}. */
    public static Properties bundle(String themeType, String language) {
        return read(themeDir().resolve(themeType).resolve("messages").resolve("messages_" + language + ".properties"));
    }

    public static Properties read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    /** Keycloak reads theme messages as UTF-8. */
    public static Properties read(InputStream in) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return properties;
    }
}
