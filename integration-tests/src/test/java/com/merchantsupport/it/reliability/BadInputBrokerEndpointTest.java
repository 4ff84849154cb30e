package com.merchantsupport.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.merchantsupport.it.support.ForgedKeys;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.FormBrowser.Reply;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import org.junit.jupiter.api.Assumptions;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

/** Junk at the Google broker's callback: an error page (4xx), and Keycloak never calls Google. */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class BadInputBrokerEndpointTest extends BadInput {

    private static final String ENDPOINT = "GET /broker/google/endpoint";

    static List<Case> cases() {
        return List.of(
                new Case("B01 no parameters", ENDPOINT, "no state, no code", "4xx error page",
                        c -> brokerCall(c, "google", "GET", "")),
                new Case("B02 junk state and code", ENDPOINT, "state=junk&code=junk", "4xx error page; no call to Google",
                        c -> brokerCall(c, "google", "GET", "?state=junk&code=junk")),
                new Case("B03 error=access_denied", ENDPOINT, "state=junk&error=access_denied", "4xx error page",
                        c -> brokerCall(c, "google", "GET", "?state=junk&error=access_denied")),
                new Case("B04 script in state", ENDPOINT, "state=" + SCRIPT + "&code=x", "4xx error page; not echoed",
                        c -> brokerCall(c, "google", "GET", "?code=x&state=" + FormBrowser.enc(SCRIPT))),
                new Case("B05 state with a non-base64 client part", ENDPOINT, "state=a.b.!!!&code=x",
                        "4xx; Keycloak 26.7.3 answers 500 with its generic error page (nothing echoed, no stack trace, no account)",
                        c -> {
                            Reply r = brokerSend(c, "google", "GET", "?code=x&state=" + FormBrowser.enc("a.b.!!!"));
                            assertEquals(500, r.status(), "Keycloak's answer changed: update the table and docs/RELIABILITY.md");
                            assertTrue(r.text().contains("Unexpected error when authenticating with identity provider"), r::text);
                            assertFalse(r.body().contains("Exception") || r.body().contains("at org.keycloak"), "no stack trace");
                            return r;
                        }, "Keycloak 26.7.3 IdentityBrokerState.encoded() lets Base64Url's IllegalArgumentException escape; "
                        + "the broker endpoint turns it into 500 (sibling of keycloak#32515, keycloak#49257)"),
                new Case("B06 state with a well-formed but unknown client", ENDPOINT, "state=a.b.<base64url of 16 bytes>&code=x", "4xx error page",
                        c -> brokerCall(c, "google", "GET", "?code=x&state=a.b." + ForgedKeys.b64("0123456789abcdef"))),
                new Case("B07 10 KB state", ENDPOINT, "state = 10 KB", "4xx",
                        c -> brokerCall(c, "google", "GET", "?code=x&state=" + "A".repeat(10 * 1024))),
                new Case("B08 POST with junk", ENDPOINT, "POST state=junk&code=junk (form)", "4xx",
                        c -> brokerCall(c, "google", "POST", "state=junk&code=junk")),
                new Case("B09 PUT", ENDPOINT, "PUT", "405",
                        c -> brokerCall(c, "google", "PUT", "")),
                new Case("B10 unknown provider", "GET /broker/nonexistent/endpoint", "state=junk&code=junk", "4xx",
                        c -> brokerCall(c, "nonexistent", "GET", "?state=junk&code=junk")));
    }

    /** Junk at the broker's callback: an error page (4xx); Keycloak never reaches Google (the state is junk). */
    static Reply brokerCall(Ctx c, String alias, String method, String queryOrBody) {
        Reply r = brokerSend(c, alias, method, queryOrBody);
        if (method.equals("PUT")) {
            assertEquals(405, r.status(), r::message);
        } else {
            assertClientError(r);
        }
        return r;
    }

    static Reply brokerSend(Ctx c, String alias, String method, String queryOrBody) {
        if (alias.equals("google")) {
            Assumptions.assumeTrue(c.realm().admin().identityProviders().findAll().stream().anyMatch(i -> "google".equals(i.getAlias())),
                    "no identity provider 'google' in the realm");
        }
        String url = Pages.realmUrl() + "/broker/" + alias + "/endpoint";
        FormBrowser browser = new FormBrowser().noRedirects();
        return switch (method) {
            case "GET" -> browser.send("GET", url + queryOrBody).reply();
            case "POST" -> browser.send("POST", url, FormBrowser.FORM, queryOrBody).reply();
            default -> browser.send(method, url, FormBrowser.FORM, "x=1").reply();
        };
    }
}
