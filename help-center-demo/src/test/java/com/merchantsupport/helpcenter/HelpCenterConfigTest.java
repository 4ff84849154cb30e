package com.merchantsupport.helpcenter;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HelpCenterConfigTest {

    @Test
    void usesLocalDevelopmentDefaults() {
        HelpCenterConfig config = HelpCenterConfig.fromEnv(Map.of("HELP_CENTER_CLIENT_SECRET", "s3cret"));

        assertEquals(8081, config.port());
        assertEquals("http://localhost:8081", config.publicUrl());
        assertEquals("http://localhost:8080/realms/merchant-support", config.issuer());
        assertEquals("merchant-support-center", config.clientId());
        assertEquals("s3cret", config.clientSecret());
        assertEquals(URI.create("http://localhost:8081/oidc/callback"), config.callbackUri());
        assertEquals(URI.create("http://localhost:8081/"), config.postLogoutRedirectUri());
        assertFalse(config.secureCookies());
    }

    @Test
    void readsEveryVariable() {
        HelpCenterConfig config = HelpCenterConfig.fromEnv(Map.of(
                "HELP_CENTER_PORT", "9443",
                "HELP_CENTER_URL", "https://help.example.com/",
                "KEYCLOAK_ISSUER", "https://id.example.com/realms/shop",
                "HELP_CENTER_CLIENT_ID", "zendesk",
                "HELP_CENTER_CLIENT_SECRET", " abc "));

        assertEquals(9443, config.port());
        assertEquals("https://help.example.com", config.publicUrl(), "trailing slash dropped");
        assertEquals(URI.create("https://help.example.com/oidc/callback"), config.callbackUri());
        assertEquals("https://id.example.com/realms/shop", config.issuer());
        assertEquals("zendesk", config.clientId());
        assertEquals("abc", config.clientSecret());
        assertTrue(config.secureCookies());
    }

    @Test
    void missingSecretFailsWithAMessageNamingTheVariable() {
        ConfigException missing = assertThrows(ConfigException.class, () -> HelpCenterConfig.fromEnv(Map.of()));
        assertTrue(missing.getMessage().contains("HELP_CENTER_CLIENT_SECRET is required"), missing.getMessage());

        assertThrows(ConfigException.class,
                () -> HelpCenterConfig.fromEnv(Map.of("HELP_CENTER_CLIENT_SECRET", "  ")));
    }

    @Test
    void blankOptionalVariablesFallBackToDefaults() {
        HelpCenterConfig config = HelpCenterConfig.fromEnv(Map.of(
                "HELP_CENTER_CLIENT_SECRET", "s", "HELP_CENTER_PORT", "", "KEYCLOAK_ISSUER", " "));
        assertEquals(8081, config.port());
        assertEquals("http://localhost:8080/realms/merchant-support", config.issuer());
    }

    @Test
    void rejectsMalformedPortAndUrls() {
        ConfigException port = assertThrows(ConfigException.class, () -> HelpCenterConfig.fromEnv(
                Map.of("HELP_CENTER_CLIENT_SECRET", "s", "HELP_CENTER_PORT", "eighty")));
        assertTrue(port.getMessage().contains("HELP_CENTER_PORT"), port.getMessage());
        assertThrows(ConfigException.class, () -> HelpCenterConfig.fromEnv(
                Map.of("HELP_CENTER_CLIENT_SECRET", "s", "HELP_CENTER_PORT", "70000")));

        ConfigException issuer = assertThrows(ConfigException.class, () -> HelpCenterConfig.fromEnv(
                Map.of("HELP_CENTER_CLIENT_SECRET", "s", "KEYCLOAK_ISSUER", "localhost:8080/realms/x")));
        assertTrue(issuer.getMessage().contains("KEYCLOAK_ISSUER"), issuer.getMessage());
        assertThrows(ConfigException.class, () -> HelpCenterConfig.fromEnv(
                Map.of("HELP_CENTER_CLIENT_SECRET", "s", "HELP_CENTER_URL", "ftp://help")));
    }

    @Test
    void neverPrintsTheSecret() {
        HelpCenterConfig config = HelpCenterConfig.fromEnv(Map.of("HELP_CENTER_CLIENT_SECRET", "top-secret"));
        assertFalse(config.toString().contains("top-secret"));
    }
}
