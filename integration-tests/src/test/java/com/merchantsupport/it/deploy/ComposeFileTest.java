package com.merchantsupport.it.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml cannot run here (no Docker engine), so its shape is checked instead: the services a
 * deployer expects, healthchecks, no secret written in, and the same Keycloak version as the pom.
 */
class ComposeFileTest {

    private static final Path ROOT = Path.of(System.getProperty("project.root", ".."));
    private final JsonNode compose = read("docker-compose.yml");

    private static JsonNode read(String file) {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve(file).toFile());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pomKeycloakVersion() throws IOException {
        Matcher m = Pattern.compile("<keycloak.version>([^<]+)</keycloak.version>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertTrue(m.find());
        return m.group(1);
    }

    @Test
    void runsKeycloakOnPostgresWithMailCatcherAndHelpCenterEachWithAHealthcheck() {
        JsonNode services = compose.get("services");
        for (String name : List.of("postgres", "keycloak", "mailcatcher", "help-center")) {
            assertNotNull(services.get(name), "service " + name);
            assertNotNull(services.get(name).get("healthcheck"), "healthcheck for " + name);
        }
        JsonNode keycloak = services.get("keycloak");
        assertEquals("start", keycloak.get("command").get(0).asText(), "production start, not start-dev");
        assertTrue(keycloak.get("command").toString().contains("--import-realm"));
        assertEquals("postgres", keycloak.get("environment").get("KC_DB").asText());
        assertEquals("service_healthy", keycloak.get("depends_on").get("postgres").get("condition").asText());
    }

    @Test
    void keycloakVersionIsThePomsEverywhere() throws IOException {
        String version = pomKeycloakVersion();
        JsonNode keycloak = compose.get("services").get("keycloak");
        assertEquals(version, keycloak.get("build").get("args").get("KEYCLOAK_VERSION").asText());
        assertTrue(keycloak.get("image").asText().endsWith(":" + version), keycloak.get("image").asText());
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        assertTrue(dockerfile.contains("ARG KEYCLOAK_VERSION=" + version), "Dockerfile default version");
        assertTrue(dockerfile.contains("quay.io/keycloak/keycloak:${KEYCLOAK_VERSION}"));
        assertTrue(dockerfile.contains("kc.sh build"), "optimized image");
    }

    @Test
    void noSecretIsWrittenInTheComposeFile() throws IOException {
        String text = Files.readString(ROOT.resolve("docker-compose.yml"));
        Pattern secretKey = Pattern.compile("(?i)(PASSWORD|SECRET)[A-Z_]*:\\s*(.+)");
        Matcher m = secretKey.matcher(text);
        int seen = 0;
        while (m.find()) {
            String value = m.group(2).trim();
            seen++;
            assertTrue(value.startsWith("${"), "secret from the environment, not a literal: " + m.group());
        }
        assertTrue(seen >= 3, "the compose file passes secrets at all");
        compose.get("services").forEach(service -> {
            JsonNode env = service.get("environment");
            if (env != null) {
                env.fields().forEachRemaining(e -> assertFalse(
                        e.getKey().matches("(?i).*(PASSWORD|SECRET).*") && !e.getValue().asText().startsWith("${"),
                        e.getKey()));
            }
        });
    }

    @Test
    void everyVariableTheComposeFileNeedsIsInTheExampleEnvFile() throws IOException {
        String text = Files.readString(ROOT.resolve("docker-compose.yml"));
        String example = Files.readString(ROOT.resolve(".env.example"));
        Matcher required = Pattern.compile("\\$\\{([A-Z_]+):\\?").matcher(text);
        while (required.find()) {
            assertTrue(example.contains(required.group(1) + "="), required.group(1) + " missing from .env.example");
        }
    }

    @Test
    void realmJsonHoldsNoSecretOrHostLiteral() throws IOException {
        Map<?, ?> realm = new ObjectMapper().readValue(ROOT.resolve("realm-export/merchant-support-realm.json").toFile(), Map.class);
        Map<?, ?> client = (Map<?, ?>) ((List<?>) realm.get("clients")).get(0);
        assertTrue(String.valueOf(client.get("secret")).startsWith("${"), "client secret placeholder");
        Map<?, ?> smtp = (Map<?, ?>) realm.get("smtpServer");
        assertTrue(String.valueOf(smtp.get("host")).startsWith("${"), "SMTP host placeholder");
        assertTrue(String.valueOf(smtp.get("password")).startsWith("${"), "SMTP password placeholder");
        ((List<?>) client.get("redirectUris")).forEach(uri -> assertTrue(String.valueOf(uri).startsWith("${"), "redirect URI placeholder"));
    }
}
