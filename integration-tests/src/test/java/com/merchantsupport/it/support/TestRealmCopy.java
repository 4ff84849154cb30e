package com.merchantsupport.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * The realm the tests import: the shipped realm JSON with its per-network-address and realm-wide limits raised,
 * because every test's requests come from loopback and the suite signs up hundreds of merchants. Written before
 * the first test starts the server ({@code keycloak.migration.dir} points here). Tests of those limits set them
 * back down in the console's way ({@link MailboxStepConfig}) and use source addresses of their own; per-email
 * limits keep the shipped values. Deployer-facing tests read the shipped file itself ({@code realm.json}).
 */
public final class TestRealmCopy implements LauncherSessionListener {

    /** Per network address and realm-wide: high enough for the whole suite, on every step that has them. */
    static final Map<String, String> RAISED = Map.of(
            "addressSignUpsPer10Minutes", "1000000",
            "addressEmailsPerHour", "1000000",
            "realmEmailsPerHour", "1000000",
            "captchaClimbAfterSignUps", "1000000",
            "addressResetsPerHour", "1000000");

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String shipped = System.getProperty("realm.json");
        String copy = System.getProperty("test.realm.json");
        if (shipped == null || copy == null) {
            return;
        }
        write(Path.of(shipped), Path.of(copy));
    }

    /** {@link #RAISED} over every authenticator config of {@code realm} that names one of those keys; returns it. */
    public static JsonNode raise(JsonNode realm) {
        for (JsonNode config : realm.path("authenticatorConfig")) {
            if (config.get("config") instanceof ObjectNode values) {
                RAISED.forEach((key, value) -> {
                    if (values.has(key)) {
                        values.put(key, value);
                    }
                });
            }
        }
        return realm;
    }

    /** The shipped file with {@link #raise} applied. */
    public static void write(Path shipped, Path copy) {
        try {
            ObjectMapper json = new ObjectMapper();
            JsonNode realm = raise(json.readTree(shipped.toFile()));
            Files.createDirectories(copy.getParent());
            json.writerWithDefaultPrettyPrinter().writeValue(copy.toFile(), realm);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the tests' realm copy", e);
        }
    }
}
