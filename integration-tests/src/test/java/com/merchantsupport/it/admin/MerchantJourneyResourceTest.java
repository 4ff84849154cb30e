package com.merchantsupport.it.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.MailboxStepConfig;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.AdminEventRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;

/**
 * {@code /admin/realms/merchant-support/merchant-journey/}, as a support tool calls it: where a merchant is, a new
 * link on request, and each refusal (no token, a token without the role, an account that is not this realm's).
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class MerchantJourneyResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String PASSWORD = "a-Support-tool-2026";

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    @InjectAdminClient
    Keycloak admin;

    private final List<Runnable> cleanup = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        cleanup.forEach(Runnable::run);
    }

    private static String resource(String path) {
        return Pages.base() + "/admin/realms/" + MerchantRealm.NAME + "/merchant-journey/" + path;
    }

    @Test
    void getSaysWhereARegisteredMerchantIsTheLinkAndTheStepsTimes() throws Exception {
        String email = Accounts.newEmail("where");
        Journey.register(new FormBrowser(), "Where Merchant", email);
        Mails.newest(mail, email);
        String id = Accounts.one(realm, email).getId();

        JsonNode merchant = awaitStep(id, "welcome-email-sent");
        assertEquals(id, merchant.get("id").asText());
        assertEquals(email, merchant.get("email").asText());
        assertEquals("awaiting-password", merchant.get("step").asText());
        assertEquals("fresh", merchant.at("/link/state").asText(), merchant.toString());
        assertEquals(1, merchant.at("/link/generation").asInt());
        assertTrue(merchant.at("/link/expiresAt").asLong() > merchant.at("/link/issuedAt").asLong());
        assertTrue(merchant.at("/steps/register").asLong() > 0, merchant.toString());
        assertTrue(merchant.at("/steps/welcome-email-sent").asLong() >= merchant.at("/steps/register").asLong(), merchant.toString());
        assertTrue(merchant.get("queuedEmails").isArray());

        Journey.createPassword(new FormBrowser().open(Mails.welcomeLink(Mails.newest(mail, email))));
        JsonNode done = awaitStep(id, "password-created");
        assertEquals("completed", done.get("step").asText());
        assertEquals("used", done.at("/link/state").asText(), done.toString());
    }

    /**
     * A support tool's requests all come from one network address, which is not the merchants': with one journey email
     * allowed per address and hour (the two sign-ups below spent it), each merchant's new link still goes.
     */
    @Test
    void newLinksAskedByAnAdminAreNotCountedAgainstTheAdminsNetworkAddress() throws Exception {
        List<String> emails = List.of(Accounts.newEmail("tool-a"), Accounts.newEmail("tool-b"));
        List<String> ids = new ArrayList<>();
        for (String email : emails) {
            Journey.register(new FormBrowser(), "Tool Merchant", email);
            Mails.newest(mail, email);
            ids.add(Accounts.one(realm, email).getId());
        }
        try (var ignored = MailboxStepConfig.change(realm, Map.of("addressEmailsPerHour", "1", "resendPerMinute", "10"))) {
            for (String id : ids) {
                HttpResponse<String> sent = call("POST", resource("users/" + id + "/welcome-link"), adminToken());
                assertEquals(202, sent.statusCode(), sent.body());
            }
        }
        for (String email : emails) {
            assertEquals(2, Mails.await(mail, email, 2).size(), "the welcome email and the new link to " + email);
        }
    }

    @Test
    void postSendsALinkOfANewGenerationWithAnAdminEventAndA429WhenALimitRefuses() throws Exception {
        String email = Accounts.newEmail("post");
        Journey.register(new FormBrowser(), "Post Merchant", email);
        String first = Mails.welcomeLink(Mails.newest(mail, email));
        String id = Accounts.one(realm, email).getId();

        // The welcome email a moment ago spent the minute's email to this address (the default: one a minute).
        HttpResponse<String> limited = call("POST", resource("users/" + id + "/welcome-link"), adminToken());
        assertEquals(429, limited.statusCode(), limited.body());
        assertTrue(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow()) >= 1);
        assertEquals("too_many_emails", JSON.readTree(limited.body()).get("error").asText());

        try (var ignored = MailboxStepConfig.change(realm, Map.of("resendPerMinute", "10"))) {
            HttpResponse<String> sent = call("POST", resource("users/" + id + "/welcome-link"), adminToken());
            assertEquals(202, sent.statusCode(), sent.body());
            JsonNode answer = JSON.readTree(sent.body());
            assertEquals("sent", answer.get("result").asText());
            assertEquals(2, answer.at("/link/generation").asInt(), sent.body());
        }
        String second = Mails.welcomeLinks(mail, email, 2).get(1);
        assertEquals(Mails.generation(first) + 1, Mails.generation(second));
        assertEquals(410, new FormBrowser().open(first).status());

        List<AdminEventRepresentation> events = realm.admin().getAdminEvents().stream()
                .filter(e -> ("merchant-journey/users/" + id + "/welcome-link").equals(e.getResourcePath())).toList();
        assertEquals(2, events.size(), "one admin event per POST: " + events.size());
        assertTrue(events.stream().allMatch(e -> "ACTION".equals(e.getOperationType()) && "USER".equals(e.getResourceType())));
        assertTrue(events.stream().anyMatch(e -> "too_many_emails".equals(e.getError())), "the refused one says why");

        Journey.createPassword(new FormBrowser().open(second));
        HttpResponse<String> complete = call("POST", resource("users/" + id + "/welcome-link"), adminToken());
        assertEquals(409, complete.statusCode(), complete.body());
        assertEquals("completed", JSON.readTree(complete.body()).get("step").asText());
    }

    @Test
    void aQueuedEmailIsListedWhileMailIsDown() throws Exception {
        String email = Accounts.newEmail("queued");
        String id = Accounts.existingMerchant(realm, email, Journey.PASSWORD);
        cleanup.add(() -> realm.admin().users().get(id).remove());
        realm.admin().users().get(id).credentials().forEach(c -> realm.admin().users().get(id).removeCredential(c.getId()));
        RealmRepresentation rep = realm.admin().toRepresentation();
        Map<String, String> smtp = new HashMap<>(rep.getSmtpServer());
        Map<String, String> down = new HashMap<>(smtp);
        down.put("port", "1");
        rep.setSmtpServer(down);
        realm.admin().update(rep);
        try {
            HttpResponse<String> sent = call("POST", resource("users/" + id + "/welcome-link"), adminToken());
            assertEquals(202, sent.statusCode(), sent.body());
            JsonNode merchant = JSON.readTree(call("GET", resource("users/" + id), adminToken()).body());
            assertEquals("awaiting-password", merchant.get("step").asText(), merchant.toString());
            assertEquals(1, merchant.get("queuedEmails").size(), merchant.toString());
            assertEquals("resend", merchant.at("/queuedEmails/0/kind").asText());
            assertEquals("waiting", merchant.at("/queuedEmails/0/status").asText());
        } finally {
            rep.setSmtpServer(smtp);
            realm.admin().update(rep);
        }
        Mails.newest(mail, email);
    }

    @Test
    void refusalsAre401WithoutAToken403WithoutTheRoleAnd404ForAnotherRealmsOrNoAccount() throws Exception {
        String email = Accounts.newEmail("refusals");
        Journey.register(new FormBrowser(), "Refusal Merchant", email);
        Mails.newest(mail, email);
        String id = Accounts.one(realm, email).getId();

        assertEquals(401, call("GET", resource("users/" + id), null).statusCode());
        assertEquals(401, call("POST", resource("users/" + id + "/welcome-link"), null).statusCode());

        String viewer = supportAgent("view-users");
        HttpResponse<String> read = call("GET", resource("users/" + id), viewer);
        assertEquals(200, read.statusCode(), read.body());
        HttpResponse<String> act = call("POST", resource("users/" + id + "/welcome-link"), viewer);
        assertEquals(403, act.statusCode(), act.body());
        assertJsonWithoutStackTrace(act);
        String nobody = supportAgent(null);
        assertEquals(403, call("GET", resource("users/" + id), nobody).statusCode());

        String token = adminToken();
        String masterUser = admin.realm("master").users().search("admin", true).get(0).getId();
        for (String bad : List.of(masterUser, "00000000-0000-0000-0000-000000000000", "not-an-id", "%27%3B--", "x".repeat(300))) {
            HttpResponse<String> get = call("GET", resource("users/" + bad), token);
            assertEquals(404, get.statusCode(), bad + ": " + get.body());
            assertJsonWithoutStackTrace(get);
            HttpResponse<String> post = call("POST", resource("users/" + bad + "/welcome-link"), token);
            assertEquals(404, post.statusCode(), bad + ": " + post.body());
        }
        assertEquals(1, Mails.count(mail, email), "no refusal sent anything");
    }

    private static void assertJsonWithoutStackTrace(HttpResponse<String> response) throws Exception {
        assertTrue(response.body().isEmpty() || JSON.readTree(response.body()).isObject(), response.body());
        assertFalse(response.body().contains("Exception") || response.body().contains("\tat "), response.body());
    }

    /** GET users/{id} until its steps list {@code step} (events are stored as their requests end). */
    private JsonNode awaitStep(String id, String step) throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        JsonNode merchant;
        do {
            HttpResponse<String> response = call("GET", resource("users/" + id), adminToken());
            assertEquals(200, response.statusCode(), response.body());
            merchant = JSON.readTree(response.body());
            if (merchant.path("steps").has(step)) {
                return merchant;
            }
            Thread.sleep(200);
        } while (System.currentTimeMillis() < deadline);
        throw new AssertionError("no step " + step + " in " + merchant);
    }

    private String adminToken() {
        return admin.tokenManager().getAccessTokenString();
    }

    /**
     * A support agent of the master realm holding only {@code role} (or nothing) of this realm's admin client, with
     * a token from the master realm's {@code admin-cli}.
     */
    private String supportAgent(String role) throws Exception {
        RealmResource master = admin.realm("master");
        String username = "support-" + (role == null ? "none" : role) + "-" + System.nanoTime();
        UserRepresentation agent = new UserRepresentation();
        agent.setUsername(username);
        agent.setEmail(username + "@support.test");
        agent.setFirstName("Support");
        agent.setLastName("Agent");
        agent.setEnabled(true);
        agent.setEmailVerified(true);
        CredentialRepresentation credential = new CredentialRepresentation();
        credential.setType(CredentialRepresentation.PASSWORD);
        credential.setValue(PASSWORD);
        credential.setTemporary(false);
        agent.setCredentials(List.of(credential));
        String agentId;
        try (Response response = master.users().create(agent)) {
            assertEquals(201, response.getStatus(), () -> response.readEntity(String.class));
            String path = response.getLocation().getPath();
            agentId = path.substring(path.lastIndexOf('/') + 1);
        }
        cleanup.add(() -> master.users().get(agentId).remove());
        if (role != null) {
            ClientRepresentation realmAdmin = master.clients().findByClientId(MerchantRealm.NAME + "-realm").get(0);
            RoleRepresentation granted = master.clients().get(realmAdmin.getId()).roles().get(role).toRepresentation();
            master.users().get(agentId).roles().clientLevel(realmAdmin.getId()).add(List.of(granted));
        }
        String body = FormBrowser.form("grant_type", "password", "client_id", "admin-cli", "username", username, "password", PASSWORD);
        HttpResponse<String> token = HTTP.send(HttpRequest.newBuilder(URI.create(Pages.base() + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", FormBrowser.FORM).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, token.statusCode(), token.body());
        return JSON.readTree(token.body()).get("access_token").asText();
    }

    private static HttpResponse<String> call(String method, String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
