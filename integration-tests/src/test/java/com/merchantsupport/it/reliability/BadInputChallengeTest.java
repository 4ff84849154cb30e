package com.merchantsupport.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.FormBrowser.Reply;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

/** Bad input at the ALTCHA challenge endpoint: the realm's own challenge, or a 4xx; nothing echoed. */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class BadInputChallengeTest extends BadInput {

    private static final String ENDPOINT = "GET /altcha/challenge";

    private static final ObjectMapper JSON = new ObjectMapper();

    static List<Case> cases() {
        return List.of(
                new Case("C01 junk query parameters", ENDPOINT, "?maxnumber=1&algorithm=none&realm=master&x=" + SCRIPT,
                        "200, the realm's own challenge (parameters ignored), nothing echoed",
                        c -> {
                            Reply r = new FormBrowser().open(Pages.challenge() + "?maxnumber=1&algorithm=none&realm=master&x=" + FormBrowser.enc(SCRIPT)).reply();
                            assertEquals(200, r.status());
                            JsonNode challenge = JSON.readTree(r.body());
                            assertEquals("SHA-256", challenge.get("algorithm").asText());
                            assertTrue(challenge.get("maxnumber").asLong() >= 1000, "difficulty from the realm, not the query");
                            assertTrue(challenge.get("salt").asText().contains("realm=" + MerchantRealm.NAME));
                            assertFalse(r.body().contains("alert"), "nothing echoed");
                            return r;
                        }),
                wrongMethod("C02", ENDPOINT, "POST", c -> Pages.challenge()),
                wrongMethod("C03", ENDPOINT, "PUT", c -> Pages.challenge()),
                wrongMethod("C04", ENDPOINT, "DELETE", c -> Pages.challenge()),
                wrongMethod("C05", ENDPOINT, "PATCH", c -> Pages.challenge()),
                new Case("C06 1 MB POST body", ENDPOINT, "POST, 1 MB JSON body", "4xx (405 or 413)",
                        c -> {
                            Reply r = new FormBrowser().post(Pages.challenge(), FormBrowser.JSON, "{\"x\":\"" + MB1 + "\"}").reply();
                            assertClientError(r);
                            return r;
                        }),
                new Case("C07 Accept: text/html", ENDPOINT, "Accept: text/html only", "the JSON challenge, or 406",
                        c -> {
                            Reply r = new FormBrowser().accept("text/html").open(Pages.challenge()).reply();
                            assertTrue(r.status() == 200 || r.status() == 406, r::statuses);
                            return r;
                        }),
                new Case("C08 HEAD", ENDPOINT, "HEAD", "200 or 405, no body",
                        c -> {
                            Reply r = new FormBrowser().noRedirects().send("HEAD", Pages.challenge()).reply();
                            assertTrue(r.status() == 200 || r.status() == 405, r::statuses);
                            assertEquals("", r.body());
                            return r;
                        }),
                new Case("C09 path junk", ENDPOINT, "/altcha/" + SCRIPT, "4xx (404, or 400 for the encoded slash)",
                        c -> {
                            Reply r = new FormBrowser().open(Pages.realmUrl() + "/altcha/" + FormBrowser.enc(SCRIPT)).reply();
                            assertClientError(r);
                            return r;
                        }),
                new Case("C10 unknown realm", ENDPOINT, "/realms/no-such-realm/altcha/challenge", "404",
                        c -> {
                            Reply r = new FormBrowser().open(Pages.base() + "/realms/no-such-realm/altcha/challenge").reply();
                            assertEquals(404, r.status());
                            return r;
                        }));
    }
}
