package com.merchantsupport.it.pages;

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

/** The theme's message bundles as files, and the texts the pages should show, formatted as Keycloak does. */
final class Bundles {

    /** The languages of the pack: the realm's supported locales, the themes' {@code locales}. */
    static final List<String> LANGUAGES = List.of("en", "fr", "de", "es", "it");

    private Bundles() {
    }

    static Path themeDir() {
        return Path.of(System.getProperty("project.root", ".."), "themes", "merchant-support").toAbsolutePath().normalize();
    }

    /** {@code login} or {@code email}. */
    static Properties bundle(String themeType, String language) {
        return read(themeDir().resolve(themeType).resolve("messages").resolve("messages_" + language + ".properties"));
    }

    static Properties read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    /** Keycloak reads theme messages as UTF-8. */
    static Properties read(InputStream in) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return properties;
    }

    /** What the login page shows for a key of the pack's login bundle, in that language. */
    static String text(String language, String key, Object... arguments) {
        String pattern = bundle("login", language).getProperty(key);
        if (pattern == null) {
            throw new AssertionError("no " + key + " in messages_" + language + ".properties");
        }
        return new MessageFormat(pattern, Locale.forLanguageTag(language)).format(arguments);
    }
}
