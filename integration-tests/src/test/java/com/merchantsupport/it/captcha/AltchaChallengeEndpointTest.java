package com.merchantsupport.it.captcha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.realm.RealmBuilder;
import org.keycloak.testframework.realm.RealmConfig;

/** GET /realms/{realm}/altcha/challenge, as the widget calls it. */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class AltchaChallengeEndpointTest {

    static final String REALM = "captcha-it-endpoint";
    static final String PLAIN_REALM = "captcha-it-endpoint-plain";

    @InjectRealm(config = ConfiguredRealm.class)
    ManagedRealm realm;

    @InjectRealm(ref = "plain", config = PlainRealm.class)
    ManagedRealm plain;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    static class ConfiguredRealm implements RealmConfig {
        @Override
        public RealmBuilder configure(RealmBuilder realm) {
            return CaptchaTestRealm.build(realm, REALM, Map.of("captcha.provider", "altcha",
                    "altcha.max.number", "5000", "altcha.expiry.seconds", "120"));
        }
    }

    /** A realm whose registration flow has no merchant-captcha: the endpoint serves defaults. */
    static class PlainRealm implements RealmConfig {
        @Override
        public RealmBuilder configure(RealmBuilder realm) {
            return realm.name(PLAIN_REALM);
        }
    }

    private HttpResponse<String> send(String method, String url) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json");
        request.method(method, "POST".equals(method) || "PUT".equals(method)
                ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String challengeUrl(String realm) {
        return Pages.base() + "/realms/" + realm + "/altcha/challenge";
    }

    @Test
    void servesAV1ChallengeThatNoCacheKeeps() throws Exception {
        long before = System.currentTimeMillis() / 1000;
        HttpResponse<String> response = send("GET", challengeUrl(REALM));

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode challenge = json.readTree(response.body());
        Set<String> names = new TreeSet<>();
        challenge.fieldNames().forEachRemaining(names::add);
        assertEquals(Set.of("algorithm", "challenge", "maxnumber", "salt", "signature"), names);
        assertEquals("SHA-256", challenge.get("algorithm").asText());
        assertTrue(challenge.get("challenge").asText().matches("[0-9a-f]{64}"), challenge.toString());
        assertTrue(challenge.get("signature").asText().matches("[0-9a-f]{64}"), challenge.toString());
        assertEquals(5000, challenge.get("maxnumber").asLong(), "difficulty from the execution's config");

        Map<String, String> params = saltParams(challenge.get("salt").asText());
        assertEquals(REALM, params.get("realm"));
        long expires = Long.parseLong(params.get("expires"));
        assertTrue(expires >= before + 119 && expires <= before + 125, "expiry from the execution's config: " + expires);

        JsonNode another = json.readTree(send("GET", challengeUrl(REALM)).body());
        assertNotEquals(challenge.get("challenge").asText(), another.get("challenge").asText(), "a fresh challenge per request");
        assertNotEquals(challenge.get("salt").asText(), another.get("salt").asText());
    }

    @Test
    void realmWithoutTheFormActionGetsTheDefaults() throws Exception {
        HttpResponse<String> response = send("GET", challengeUrl(PLAIN_REALM));

        assertEquals(200, response.statusCode(), response.body());
        JsonNode challenge = json.readTree(response.body());
        assertEquals(100000, challenge.get("maxnumber").asLong());
        long expires = Long.parseLong(saltParams(challenge.get("salt").asText()).get("expires"));
        long now = System.currentTimeMillis() / 1000;
        assertTrue(expires >= now + 590 && expires <= now + 605, "default expiry 600 s: " + expires);
    }

    @Test
    void otherMethodsAndPathsAreRefused() throws Exception {
        assertEquals(405, send("POST", challengeUrl(REALM)).statusCode());
        assertEquals(405, send("PUT", challengeUrl(REALM)).statusCode());
        assertEquals(405, send("DELETE", challengeUrl(REALM)).statusCode());
        assertEquals(404, send("GET", challengeUrl("no-such-realm")).statusCode());
        assertEquals(404, send("GET", Pages.base() + "/realms/" + REALM + "/altcha/solution").statusCode());
    }

    private static Map<String, String> saltParams(String salt) {
        Map<String, String> params = new HashMap<>();
        String query = salt.substring(salt.indexOf('?') + 1);
        for (String pair : query.split("&")) {
            if (!pair.isEmpty()) {
                String[] kv = pair.split("=", 2);
                params.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
        }
        return params;
    }
}
