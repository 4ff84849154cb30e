package com.merchantsupport.it.welcome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.MailboxStepConfig;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Texts;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;

/** Step 6 of the seed: the email from Support Bot, the link, "Create your password", signed in. */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class WelcomeLinkTest {

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    private String registerAndReadLink(FormBrowser browser, String name, String email) {
        Journey.register(browser, name, email);
        List<MimeMessage> received = Mails.await(mail, email, 1);
        assertEquals(1, received.size());
        return Mails.welcomeLink(received.get(0));
    }

    @Test
    void linkOpenedInTheRegisteringBrowserEndsSignedInAtTheHelpCenter() {
        String email = Accounts.newEmail("same");
        FormBrowser browser = new FormBrowser();
        String link = registerAndReadLink(browser, "Émilie du Châtelet", email);

        browser.open(link);
        assertTrue(browser.text().contains(Texts.en("merchantCreatePasswordTitle")), browser.text());
        assertTrue(browser.text().contains(Texts.en("merchantCreatePasswordIntro", "Émilie du Châtelet")), browser.text());
        assertEquals("password-new", browser.page().selectFirst("input[type=password]").attr("name"));
        Journey.createPassword(browser);

        JsonNode claims = Journey.idTokenClaims(Journey.tokens(Journey.code(browser)));
        assertEquals("Émilie du Châtelet", claims.get("name").asText());
        assertEquals(email, claims.get("email").asText());
        assertTrue(claims.get("email_verified").asBoolean());
        assertEquals("en", claims.get("locale").asText());
        java.util.Set<String> standard = java.util.Set.of("iss", "sub", "aud", "exp", "iat", "auth_time", "jti", "typ",
                "azp", "sid", "at_hash", "nonce", "acr");
        claims.fieldNames().forEachRemaining(name -> assertTrue(standard.contains(name)
                || java.util.Set.of("email", "email_verified", "name", "locale").contains(name), "unexpected claim " + name));

        UserRepresentation user = Accounts.one(realm, email);
        assertTrue(user.getRequiredActions().isEmpty(), "journey finished");
        assertEquals(List.of("completed"), user.getAttributes().get("merchantJourney"));
    }

    @Test
    void linkOpenedInAnotherBrowserEndsAtTheHelpCenterWhichSignsInWithItsOwnRequest() {
        String email = Accounts.newEmail("phone");
        String link = registerAndReadLink(new FormBrowser(), "Katherine Johnson", email);

        FormBrowser phone = new FormBrowser();
        phone.open(link);
        assertEquals(200, phone.status());
        assertTrue(phone.text().contains(Texts.en("merchantCreatePasswordTitle")), phone.text());
        assertTrue(phone.text().contains(Texts.en("merchantCreatePasswordFor", email)), phone.text());
        Journey.createPassword(phone);

        // The registering browser's state, nonce and PKCE are not replayed: the phone's own sign-in gets the code.
        String code = Journey.signInAgainFromHome(phone, "phone-own-state");
        JsonNode claims = Journey.idTokenClaims(Journey.tokens(code));
        assertEquals("Katherine Johnson", claims.get("name").asText());
        assertTrue(claims.get("email_verified").asBoolean());
    }

    @Test
    void openingTheLinkDoesNotUseItUpButCreatingThePasswordDoes() {
        String email = Accounts.newEmail("scanner");
        String link = registerAndReadLink(new FormBrowser(), "Scanned Merchant", email);

        // A mail security scanner opens the link first.
        FormBrowser scanner = new FormBrowser().open(link);
        assertTrue(scanner.text().contains(Texts.en("merchantCreatePasswordTitle")), scanner.text());

        FormBrowser merchant = new FormBrowser().open(link);
        assertTrue(merchant.text().contains(Texts.en("merchantCreatePasswordTitle")), merchant.text());
        Journey.createPassword(merchant);
        Journey.signInAgainFromHome(merchant, "merchant-own-state");

        FormBrowser again = new FormBrowser().open(link);
        assertEquals(410, again.status());
        assertTrue(again.text().contains(Texts.en("merchantLink_used_title")), again.text());
        assertTrue(again.page().selectFirst("#merchant-sign-in") != null);
        assertTrue(again.page().selectFirst("#merchant-new-link") == null, "no new link once a password exists");
    }

    @Test
    void aTamperedLinkSaysSoAndPointsToSignIn() {
        String email = Accounts.newEmail("tamper");
        String link = registerAndReadLink(new FormBrowser(), "Tampered", email);
        String tampered = link.substring(0, link.length() - 4) + (link.endsWith("AAAA") ? "BBBB" : "AAAA");

        FormBrowser browser = new FormBrowser().open(tampered);

        assertEquals(400, browser.status());
        assertTrue(browser.text().contains(Texts.en("merchantLink_damaged_title")), browser.text());
        assertFalse(Accounts.one(realm, email).isEmailVerified(), "nothing changed");
    }

    @Test
    void thePasswordMustFollowTheRealmPolicyAndMatch() {
        String email = Accounts.newEmail("policy");
        FormBrowser browser = new FormBrowser();
        browser.open(registerAndReadLink(browser, "Policy Merchant", email));

        browser.submit(Journey.CREATE_PASSWORD_FORM, Map.of("password-new", "short", "password-confirm", "short"));
        assertTrue(browser.page().selectFirst("#input-error-password-new").text().contains("12"), browser.text());

        browser.submit(Journey.CREATE_PASSWORD_FORM, Map.of("password-new", Journey.PASSWORD, "password-confirm", Journey.PASSWORD + "x"));
        assertTrue(browser.page().selectFirst("#input-error-password-confirm") != null, browser.text());

        assertTrue(Accounts.credentials(realm, Accounts.one(realm, email).getId()).isEmpty(), "no password yet");
    }

    @Test
    void eachStepLeavesTheEventsTheReadmeLists() {
        String email = Accounts.newEmail("events");
        FormBrowser browser = new FormBrowser();
        String link;
        try (var ignored = MailboxStepConfig.change(realm, Map.of("resendPerMinute", "10"))) {
            Journey.register(browser, "Evented", email);
            browser.submit(Journey.MAILBOX_FORM, Map.of("action", "resend"));
            link = Mails.welcomeLinks(mail, email, 2).get(1); // the resend's, whichever arrived first
        }
        browser.open(link);
        Journey.createPassword(browser);
        Journey.code(browser);
        Journey.register(new FormBrowser(), "Evented Again", email); // now "already used"

        String userId = Accounts.one(realm, email).getId();
        List<EventRepresentation> events = realm.admin().getEvents(null, null, userId, null, null, null, 0, 100);
        List<String> seen = events.stream().map(e -> e.getType() + ":" + (e.getDetails() == null ? "" : e.getDetails().getOrDefault("merchant_step",
                e.getDetails().getOrDefault("merchant_mode", "")))).toList();
        for (String expected : List.of("REGISTER:new", "SEND_VERIFY_EMAIL:welcome-email-sent", "SEND_VERIFY_EMAIL:welcome-email-resent",
                "VERIFY_EMAIL:link-used", "UPDATE_CREDENTIAL:password-created", "UPDATE_PASSWORD:password-created")) {
            assertTrue(seen.contains(expected), expected + " in " + seen);
        }
        assertTrue(events.stream().anyMatch(e -> "REGISTER_ERROR".equals(e.getType()) && "email_in_use".equals(e.getError())),
                "already used: REGISTER_ERROR email_in_use in " + seen);
        assertTrue(events.stream().noneMatch(e -> "VERIFY_EMAIL".equals(e.getType()) && e.getTime() < events.stream()
                .filter(u -> "UPDATE_CREDENTIAL".equals(u.getType())).mapToLong(EventRepresentation::getTime).min().orElse(Long.MAX_VALUE) - 1000),
                "the email is verified with the password, not when the link is opened");
    }
}
