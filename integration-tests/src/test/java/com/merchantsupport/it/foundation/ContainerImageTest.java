package com.merchantsupport.it.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import com.merchantsupport.it.support.MerchantRealm;
import dasniko.testcontainers.keycloak.KeycloakContainer;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The same pack in Keycloak's official container image, for machines with Docker. Where no Docker
 * engine answers (as on this project's CI machines), JUnit reports this class as skipped; the
 * distribution-based tests cover the same ground there.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerImageTest {

    @Container
    static final KeycloakContainer KEYCLOAK = new KeycloakContainer(
            "quay.io/keycloak/keycloak:" + System.getProperty("keycloak.version"))
            .withProviderLibsFrom(List.of(new File(System.getProperty("pack.jar"))))
            .withRealmImportFile("/merchant-support-realm.json")
            .withEnv("SMTP_HOST", "localhost")
            .withEnv("SMTP_FROM", "support-bot@merchant-support.test")
            .withEnv("MERCHANT_SUPPORT_CENTER_CLIENT_SECRET", MerchantRealm.helpCenterSecret())
            .withEnv("HELP_CENTER_URL", "http://localhost:8081")
            .withEnv("HELP_CENTER_REDIRECT_URI", "http://localhost:8081/oidc/callback");

    @Test
    void officialImageServesTheRealmWithThePack() throws Exception {
        String url = KEYCLOAK.getAuthServerUrl() + "/realms/" + MerchantRealm.NAME + "/.well-known/openid-configuration";
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
    }
}
