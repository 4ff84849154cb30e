package com.merchantsupport.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.FormBrowser.Reply;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import jakarta.mail.internet.MimeMessage;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.representations.idm.ComponentRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;

/**
 * Issue 8, "Security" (2): no secret shows in a page, an email, an event or the server log. The secrets are the
 * help center client's secret and Google's (test values from integration-tests/pom.xml), an SMTP password the test
 * puts in the realm, and HMAC key material: an HS512 key whose bytes the test chooses, and the ALTCHA key the pack
 * derives from it. A whole journey and its refusals run while the server's log is captured.
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class SecretsTest {

    /** The test framework passes each line of the server's output to this logger. */
    static final String SERVER_LOG = "managed.keycloak";
    static final String ALTCHA_LABEL = "merchant-support/altcha-challenge/v1";

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void noSecretInPagesEmailsEventsOrTheServerLog() throws Exception {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                log.add(String.valueOf(record.getMessage()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger serverLog = Logger.getLogger(SERVER_LOG);
        serverLog.addHandler(capture);

        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("help center client secret", MerchantRealm.helpCenterSecret());
        String google = System.getenv("GOOGLE_CLIENT_SECRET");
        if (google != null && !google.isBlank()) {
            secrets.put("Google client secret", google);
        }
        String password = "Only-Mine-" + UUID.randomUUID();
        secrets.put("the merchant's new password", password);

        RealmRepresentation rep = realm.admin().toRepresentation();
        String realmId = rep.getId();
        Map<String, String> originalSmtp = rep.getSmtpServer() == null ? Map.of() : new HashMap<>(rep.getSmtpServer());
        boolean smtpPasswordSet = originalSmtp.getOrDefault("password", "").isEmpty() && !"true".equals(originalSmtp.get("auth"));
        if (smtpPasswordSet) {
            // Kept by the realm, never used: authentication stays off, the test mail server takes the mail.
            String smtpPassword = "smtp-secret-" + UUID.randomUUID();
            Map<String, String> smtp = new HashMap<>(originalSmtp);
            smtp.put("password", smtpPassword);
            rep.setSmtpServer(smtp);
            realm.admin().update(rep);
            secrets.put("SMTP password", smtpPassword);
        }

        byte[] hs512 = new byte[128];
        new SecureRandom().nextBytes(hs512);
        String keyId = addHs512Key(realmId, hs512);
        String altchaKey = derive(hs512, realmId);
        secrets.put("HS512 key (base64url)", Base64.getUrlEncoder().withoutPadding().encodeToString(hs512));
        secrets.put("HS512 key (base64)", Base64.getEncoder().encodeToString(hs512));
        secrets.put("HS512 key (hex)", HexFormat.of().formatHex(hs512));
        secrets.put("ALTCHA key derived from it", altchaKey);

        Map<String, String> seen = new LinkedHashMap<>();
        try {
            // The key the test chose is the one in use: the challenge is signed with the key derived from it.
            Reply challenge = new FormBrowser().open(Pages.challenge()).reply();
            JsonNode json = JSON.readTree(challenge.body());
            assertEquals(hmacHex(altchaKey, json.get("challenge").asText()), json.get("signature").asText(),
                    "the test's HS512 key signs the realm's challenges");
            seen.put("challenge", challenge.headers().map() + challenge.body());

            journey(password, seen);
        } finally {
            serverLog.removeHandler(capture);
            realm.admin().components().component(keyId).remove();
            if (smtpPasswordSet) {
                RealmRepresentation restore = realm.admin().toRepresentation();
                restore.setSmtpServer(originalSmtp);
                realm.admin().update(restore);
            }
        }

        seen.put("events", JSON.writeValueAsString(realm.admin().getEvents(null, null, null, null, null, null, 0, 5000)));
        seen.put("admin events", JSON.writeValueAsString(realm.admin().getAdminEvents()));
        seen.put("server log", String.join("\n", log));
        assertFalse(log.isEmpty(), "the server log was captured");
        assertTrue(log.stream().anyMatch(l -> l.contains("type=\"REGISTER\"") || l.contains("type=REGISTER")),
                "the capture saw this test's events:\n" + String.join("\n", log.subList(0, Math.min(20, log.size()))));

        List<String> leaks = new ArrayList<>();
        seen.forEach((where, text) -> secrets.forEach((what, secret) -> {
            if (text.contains(secret)) {
                leaks.add(what + " in " + where);
            }
        }));
        assertTrue(leaks.isEmpty(), String.join("\n", leaks));
    }

    /** Sign-up to signed in, with the refusals and problem pages on the way; every answer is kept. */
    private void journey(String password, Map<String, String> seen) throws Exception {
        String email = Accounts.newEmail("secrets");
        FormBrowser browser = new FormBrowser();
        keep(seen, "sign-in", browser.open(Pages.signIn()));
        keep(seen, "registration", Journey.openRegistration(browser));
        keep(seen, "registration refused (captcha)", browser.submit(Journey.REGISTER_FORM,
                Map.of("name", "Secret Keeper", "email", email, "altcha", "junk")));
        keep(seen, "check your mailbox", Journey.register(browser, "Secret Keeper", email));
        keep(seen, "mailbox: resend", browser.submit(Journey.MAILBOX_FORM, Map.of("action", "resend")));
        String link = Mails.welcomeLink(mail, email);
        keep(seen, "create your password", browser.open(link));
        keep(seen, "create your password: refused", browser.submit(Journey.CREATE_PASSWORD_FORM,
                Map.of("password-new", password, "password-confirm", password + "x")));
        keep(seen, "password created", browser.submit(Journey.CREATE_PASSWORD_FORM,
                Map.of("password-new", password, "password-confirm", password)));
        JsonNode tokens = Journey.tokens(Journey.code(browser));
        seen.put("ID token claims", Journey.idTokenClaims(tokens).toString());
        keep(seen, "link used", new FormBrowser().open(link));
        keep(seen, "link damaged", new FormBrowser().open(Pages.welcomeOpen("junk")));
        keep(seen, "already used", Journey.register(new FormBrowser(), "Someone", email));
        FormBrowser signIn = new FormBrowser().open(Pages.signIn());
        keep(seen, "sign in, wrong password", signIn.submit("#kc-form-login", Map.of("username", email, "password", password + "-wrong")));
        for (MimeMessage message : Mails.to(mail.getReceivedMessages(), email)) {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            message.writeTo(raw);
            seen.put("email '" + Mails.subject(message) + "'", raw.toString(StandardCharsets.UTF_8) + Mails.text(message) + Mails.html(message));
        }
    }

    /** Keeps what the browser was sent (headers and body) for the search. */
    private static void keep(Map<String, String> seen, String name, FormBrowser browser) {
        seen.put(name, browser.reply().headers().map() + "\n" + browser.reply().body());
    }

    /** A new, active HS512 key with the highest priority, with bytes the test chose; removed afterwards. */
    private String addHs512Key(String realmId, byte[] secret) {
        ComponentRepresentation key = new ComponentRepresentation();
        key.setName("reliability-known-hs512");
        key.setProviderId("hmac-generated");
        key.setProviderType("org.keycloak.keys.KeyProvider");
        key.setParentId(realmId);
        MultivaluedHashMap<String, String> config = new MultivaluedHashMap<>();
        config.putSingle("priority", "1000000");
        config.putSingle("enabled", "true");
        config.putSingle("active", "true");
        config.putSingle("algorithm", "HS512");
        config.putSingle("secretSize", Integer.toString(secret.length));
        config.putSingle("secret", Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
        config.putSingle("kid", UUID.randomUUID().toString()); // Keycloak sets it only for secrets it generates
        key.setConfig(config);
        try (Response response = realm.admin().components().add(key)) {
            assertEquals(201, response.getStatus(), () -> response.readEntity(String.class));
            String path = response.getLocation().getPath();
            return path.substring(path.lastIndexOf('/') + 1);
        }
    }

    /** docs/CAPTCHA.md: HMAC-SHA-256(HS512 secret, label 0x00 realmId), hex. */
    static String derive(byte[] realmSecret, String realmId) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(realmSecret, "HmacSHA256"));
        mac.update(ALTCHA_LABEL.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        mac.update(realmId.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(mac.doFinal());
    }

    static String hmacHex(String key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    }
}
