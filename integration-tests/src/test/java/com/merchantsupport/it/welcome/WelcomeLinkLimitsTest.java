package com.merchantsupport.it.welcome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.MailboxStepConfig;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Texts;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.remote.timeoffset.InjectTimeOffSet;
import org.keycloak.testframework.remote.timeoffset.TimeOffSet;

/** Expired links, new links and their limits, mail outages: never a dead end, nothing lost. */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class WelcomeLinkLimitsTest {

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    @InjectTimeOffSet
    TimeOffSet timeOffSet;

    @AfterEach
    void backToNow() {
        timeOffSet.set(0);
    }

    private List<MimeMessage> mailsTo(String email) {
        return Mails.to(mail.getReceivedMessages(), email);
    }

    @Test
    void anExpiredLinkOffersANewOneWhichWorks() {
        try (var ignored = MailboxStepConfig.change(realm, Map.of("resendPerMinute", "10"))) {
            String email = Accounts.newEmail("late");
            Journey.register(new FormBrowser(), "Late Merchant", email);
            assertTrue(mail.waitForIncomingEmail(1));
            String oldLink = Mails.welcomeLink(mailsTo(email).get(0));

            timeOffSet.set(25 * 3600); // the default lifespan is 24 hours
            FormBrowser browser = new FormBrowser().open(oldLink);
            assertEquals(410, browser.status());
            assertTrue(browser.text().contains(Texts.en("merchantLink_expired_title")), browser.text());

            browser.submit("#merchant-new-link-form", Map.of());
            assertTrue(browser.text().contains(Texts.en("merchantLink_resent_text")), browser.text());
            assertTrue(mail.waitForIncomingEmail(2));
            String newLink = Mails.welcomeLink(mailsTo(email).get(1));
            assertNotEquals(oldLink, newLink);

            FormBrowser phone = new FormBrowser().open(newLink);
            Journey.createPassword(phone);
            assertTrue(Journey.idTokenClaims(Journey.tokens(Journey.signInAgainFromHome(phone, "late-own-state"))).get("email_verified").asBoolean());
        }
    }

    /**
     * "Send me a new link" refused by the network address's limit: the page says how long to wait (the minutes of its
     * Retry-After), not which limit refused, and not a frequency the realm's settings may not have. The same link from
     * another network address gets its new email.
     */
    @Test
    void aNewLinkRefusedByALimitSaysHowLongToWaitAndAnotherNetworkIsNotHeldBack() {
        try (var ignored = MailboxStepConfig.change(realm, Map.of("resendPerMinute", "10", "resendPerHour", "100", "addressEmailsPerHour", "2"))) {
            String email = Accounts.newEmail("held-back");
            FormBrowser office = Journey.register(FormBrowser.from("127.0.0.53"), "Held Back", email);
            String replaced = Mails.welcomeLink(mail, email); // arrived before the resend, so its link is the older one
            office.submit(Journey.MAILBOX_FORM, Map.of("action", "resend"));
            assertTrue(office.text().contains(Texts.en("merchantMailboxResent")), office.text());
            Mails.await(mail, email, 2);

            FormBrowser limited = FormBrowser.from("127.0.0.53").open(replaced);
            assertTrue(limited.text().contains(Texts.en("merchantLink_replaced_title")), limited.text());
            limited.submit("#merchant-new-link-form", Map.of());
            assertEquals(429, limited.status(), limited.text());
            long minutes = Math.max(1, (Long.parseLong(limited.reply().header("Retry-After")) + 30) / 60);
            assertTrue(limited.text().contains(Texts.en("merchantLink_resend-limited_title")), limited.text());
            assertEquals(Texts.en("merchantLinkWait", minutes), limited.page().selectFirst("#merchant-link-wait").text());
            assertFalse(limited.text().contains(Texts.en("merchantLink_resent_text")), limited.text());

            FormBrowser home = FormBrowser.from("127.0.0.54").open(replaced);
            home.submit("#merchant-new-link-form", Map.of());
            assertEquals(200, home.status(), home.text());
            assertTrue(home.text().contains(Texts.en("merchantLink_resent_text")), home.text());
            Mails.await(mail, email, 3);
            assertEquals(3, mailsTo(email).size(), "the refused request sent nothing, the other one email");
        }
    }

    @Test
    void resendIsLimitedToFiveAnHourPerAccount() {
        try (var ignored = MailboxStepConfig.change(realm, Map.of("resendPerMinute", "10"))) {
            String email = Accounts.newEmail("eager");
            FormBrowser browser = Journey.register(new FormBrowser(), "Eager Merchant", email);
            for (int resend = 2; resend <= 5; resend++) {
                browser.submit(Journey.MAILBOX_FORM, Map.of("action", "resend"));
                assertTrue(browser.text().contains(Texts.en("merchantMailboxResent")), "resend " + resend + ": " + browser.text());
            }
            browser.submit(Journey.MAILBOX_FORM, Map.of("action", "resend"));
            assertTrue(browser.text().contains(Texts.en("merchantMailboxLimited")), browser.text());
            assertTrue(mail.waitForIncomingEmail(5));
            assertEquals(5, mailsTo(email).size(), "five emails in the hour, not six");
        }
    }

    @Test
    void resendIsLimitedToOneAMinuteByDefault() {
        String email = Accounts.newEmail("impatient");
        FormBrowser browser = Journey.register(new FormBrowser(), "Impatient Merchant", email);

        browser.submit(Journey.MAILBOX_FORM, Map.of("action", "resend"));

        assertTrue(browser.text().contains(Texts.en("merchantMailboxLimited")), browser.text());
        assertTrue(mail.waitForIncomingEmail(1));
        assertEquals(1, mailsTo(email).size());
    }

    @Test
    void whenMailIsDownTheEmailIsQueuedAndArrivesOnceMailIsBack() throws Exception {
        RealmRepresentation rep = realm.admin().toRepresentation();
        Map<String, String> smtp = new HashMap<>(rep.getSmtpServer());
        Map<String, String> down = new HashMap<>(smtp);
        down.put("port", "1"); // nothing listens there
        rep.setSmtpServer(down);
        realm.admin().update(rep);
        String email = Accounts.newEmail("outage");
        try {
            FormBrowser browser = Journey.register(new FormBrowser(), "Outage Merchant", email);
            assertTrue(browser.text().contains(Texts.en("merchantMailboxSent", email)), browser.text());
            assertEquals(1, Accounts.withEmail(realm, email).size(), "the account is kept");
            assertTrue(Accounts.credentials(realm, Accounts.one(realm, email).getId()).isEmpty(), "without a password");
            Thread.sleep(1000);
            assertEquals(0, mailsTo(email).size());
        } finally {
            rep.setSmtpServer(smtp);
            realm.admin().update(rep);
        }
        // Mail is back: the outbox sends the queued email, the merchant does nothing.
        String link = Mails.welcomeLink(Mails.await(mail, email, 1).get(0));
        Thread.sleep(2000);
        assertEquals(1, mailsTo(email).size());
        Journey.createPassword(new FormBrowser().open(link));
    }

    @Test
    void aLinkLifespanSetByTheAdminIsTheOneTheEmailAndThePageState() {
        try (var ignored = MailboxStepConfig.change(realm, Map.of("welcomeLinkLifespanSeconds", "7200"))) {
            String email = Accounts.newEmail("two-hours");
            FormBrowser browser = Journey.register(new FormBrowser(), "Two Hours", email);
            assertTrue(browser.text().contains(Texts.en("merchantMailboxValidity", 2)), browser.text());
            assertTrue(mail.waitForIncomingEmail(1));
            assertTrue(Mails.text(mailsTo(email).get(0)).contains(Texts.email("en", "merchantWelcomeValidity", 2)), Mails.text(mailsTo(email).get(0)));
            String link = Mails.welcomeLink(mailsTo(email).get(0));

            timeOffSet.set(7200 + 60);
            FormBrowser late = new FormBrowser().open(link);
            assertEquals(410, late.status());
            assertTrue(late.text().contains(Texts.en("merchantLink_expired_title")), late.text());
        }
    }

    @Test
    void theWelcomeEmailSpeaksTheMerchantsLanguage() {
        String email = Accounts.newEmail("fr");
        FormBrowser browser = new FormBrowser().language("fr");
        Journey.register(browser, "Marie Curie", email);
        assertTrue(browser.text().contains(Texts.text("fr", "merchantMailboxTitle")), browser.text());

        assertTrue(mail.waitForIncomingEmail(1));
        MimeMessage welcome = mailsTo(email).get(0);
        assertEquals(Texts.email("fr", "merchantWelcomeSubject"), Mails.subject(welcome));
        assertEquals(MerchantRealm.MAIL_SENDER, Mails.sender(welcome));
        assertTrue(Mails.text(welcome).contains(Texts.email("fr", "merchantWelcomeGreeting", "Marie Curie")), Mails.text(welcome));
        assertTrue(Mails.html(welcome).contains(Texts.email("fr", "merchantWelcomeButton")), Mails.html(welcome));
    }

    @Test
    void anEmailChangeVerificationKeepsKeycloaksOwnWording() {
        String email = Accounts.newEmail("verify");
        String id = Accounts.existingMerchant(realm, email, "an-old-Password-123");

        realm.admin().users().get(id).sendVerifyEmail();

        assertTrue(mail.waitForIncomingEmail(1));
        String subject = Mails.subject(mailsTo(email).get(0));
        assertEquals("Verify email", subject);
    }
}
