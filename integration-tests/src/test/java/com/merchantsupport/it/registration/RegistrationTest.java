package com.merchantsupport.it.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.AltchaSolver;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.MailboxStepConfig;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
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

/** Step 3 and 5 of the seed: name + email + captcha, "Connect", and "already used". */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class RegistrationTest {

    private static final String MAILBOX = Texts.en("merchantMailboxTitle");
    private static final String ALREADY_USED = Texts.en("merchantAlreadyUsedTitle");

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    @Test
    void newMerchantIsAskedToCheckTheirMailboxAndGetsTheWelcomeEmail() {
        String email = Accounts.newEmail("ada");
        String typed = "  " + email.toUpperCase().replace("@SHOP.TEST", "@Shop.Test") + " ";

        FormBrowser browser = Journey.register(new FormBrowser(), "Ada Lovelace <script>", typed);

        assertEquals(200, browser.status());
        assertTrue(browser.text().contains(MAILBOX), browser.text());
        assertTrue(browser.text().contains(Texts.en("merchantMailboxSent", email)), browser.text());
        assertTrue(browser.page().selectFirst("[aria-current=step]").text().contains(Texts.en("merchantJourneyStep_mailbox")));
        assertTrue(browser.page().selectFirst("#merchant-resend") != null, "resend offered");
        assertTrue(browser.page().selectFirst("#merchant-restart") != null, "start again offered");

        UserRepresentation user = Accounts.one(realm, email);
        assertEquals(email, user.getUsername(), "username is the lower-cased email");
        assertEquals(email, user.getEmail());
        assertEquals(List.of("Ada Lovelace <script>"), user.getAttributes().get("name"), "name as typed, trimmed");
        assertFalse(user.isEmailVerified());
        assertEquals(List.of("merchant-create-password"), user.getRequiredActions());
        assertTrue(Accounts.credentials(realm, user.getId()).isEmpty(), "no password at sign-up");

        List<MimeMessage> received = Mails.await(mail, email, 1);
        assertEquals(1, received.size());
        assertEquals(Texts.email("en", "merchantWelcomeSubject"), Mails.subject(received.get(0)));
        assertEquals(MerchantRealm.MAIL_SENDER, Mails.sender(received.get(0)));
        assertTrue(Mails.html(received.get(0)).contains("Ada Lovelace &lt;script&gt;"), "name escaped in HTML");

        List<EventRepresentation> registered = realm.admin().getEvents(List.of("REGISTER"), null, user.getId(), null, null, null, 0, 5);
        assertEquals(1, registered.size());
        assertEquals("new", registered.get(0).getDetails().get("merchant_mode"));
        assertEquals("altcha", registered.get(0).getDetails().get("captcha_provider"));
    }

    @Test
    void emailAlreadyUsedPointsToForgotMyPasswordWithTheEmailFilledIn() {
        String email = Accounts.newEmail("existing");
        Accounts.existingMerchant(realm, email, "an-old-Password-123");

        FormBrowser browser = Journey.register(new FormBrowser(), "Someone", email.toUpperCase());

        assertTrue(browser.text().contains(ALREADY_USED), browser.text());
        assertTrue(browser.text().contains(email), browser.text());
        browser.open(browser.link("#merchant-forgot-password"));
        assertEquals(email, browser.page().selectFirst("input#username").val(), "reset form prefilled");
        assertEquals(1, Accounts.withEmail(realm, email).size(), "still one account");
        assertEquals(0, Mails.to(mail.getReceivedMessages(), email).size(), "reveal mode sends nothing");

        List<EventRepresentation> refused = realm.admin().getEvents(List.of("REGISTER_ERROR"), null, null, null, null, null, 0, 50);
        assertTrue(refused.stream().anyMatch(e -> "email_in_use".equals(e.getError())
                && email.equals(e.getDetails().get("email")) && "reveal".equals(e.getDetails().get("merchant_mode"))));
    }

    @Test
    void privateModeLooksLikeANewRegistrationAndWarnsTheOwnerByEmail() {
        String email = Accounts.newEmail("private");
        Accounts.existingMerchant(realm, email, "an-old-Password-123");
        String stranger = Accounts.newEmail("stranger");

        try (var ignored = MailboxStepConfig.change(realm, Map.of("alreadyUsedMode", "private"))) {
            FormBrowser existing = Journey.register(new FormBrowser(), "Someone", email);
            FormBrowser fresh = Journey.register(new FormBrowser(), "Someone", stranger);

            // The same page, word for word but the address: nothing tells the account exists.
            assertEquals(fresh.page().selectFirst("#merchant-mailbox").text().replace(stranger, "ADDRESS"),
                    existing.page().selectFirst("#merchant-mailbox").text().replace(email, "ADDRESS"));
        }
        List<MimeMessage> toOwner = Mails.await(mail, email, 1);
        assertEquals(1, toOwner.size());
        assertEquals(Texts.email("en", "merchantSomeoneTriedSubject"), Mails.subject(toOwner.get(0)));
        assertTrue(Mails.text(toOwner.get(0)).contains("reset-credentials"), "offers the reset link");
        assertEquals(1, Accounts.withEmail(realm, email).size(), "still one account");
    }

    @Test
    void theOwnerIsWarnedAtMostOnceAMinuteAndThePagesSayWhatANewAddressWouldHear() throws Exception {
        String email = Accounts.newEmail("tried-often");
        Accounts.existingMerchant(realm, email, "an-old-Password-123");
        try (var ignored = MailboxStepConfig.change(realm, Map.of("alreadyUsedMode", "private", "someoneTriedPerHour", "3"))) {
            FormBrowser first = Journey.register(new FormBrowser(), "Someone", email);
            assertTrue(first.text().contains(Texts.en("merchantMailboxSent", email)), first.text());
            for (int attempt = 1; attempt < 4; attempt++) {
                // As for a new address registered twice in a minute: "we just sent you an email, wait".
                FormBrowser page = Journey.register(new FormBrowser(), "Someone", email);
                assertEquals(429, page.status(), "attempt " + attempt + ": " + page.text());
                assertTrue(page.text().contains(Texts.en("merchantMailboxLimited")), "attempt " + attempt + ": " + page.text());
            }
        }
        Mails.await(mail, email, 1);
        Thread.sleep(2000);
        assertEquals(1, Mails.to(mail.getReceivedMessages(), email).size(), "one warning in the minute, not four");
    }

    @Test
    void registeringAgainBeforeCreatingAPasswordResendsTheWelcomeEmailInsteadOfAlreadyUsed() {
        String email = Accounts.newEmail("unfinished");
        Journey.register(new FormBrowser(), "Grace Hopper", email);
        Mails.await(mail, email, 1);

        FormBrowser again = Journey.register(new FormBrowser(), "Grace Hopper", email);

        assertTrue(again.text().contains(MAILBOX), again.text());
        assertFalse(again.text().contains(ALREADY_USED), again.text());
        // Within the same minute the limit (one a minute) holds: the page says to wait, nothing is lost.
        assertTrue(again.text().contains(Texts.en("merchantMailboxLimited")), again.text());
        assertEquals(1, Accounts.withEmail(realm, email).size());
    }

    @Test
    void startAgainReturnsToAnEmptyForm() {
        FormBrowser browser = Journey.register(new FormBrowser(), "Wrong Address", Accounts.newEmail("typo"));

        browser.submit(Journey.MAILBOX_FORM, Map.of("action", "restart"));

        assertTrue(browser.page().selectFirst(Journey.REGISTER_FORM) != null, browser.text());
        assertEquals("", browser.page().selectFirst("input#email").val());
    }

    @Test
    void eachInvalidValueIsExplainedNextToItsFieldAndNothingIsCreated() {
        record Case(String name, String email, String field, String message) {
        }
        String longName = "n".repeat(256);
        String longEmail = "a".repeat(64) + "@" + "b".repeat(186) + ".test"; // 256 characters
        String bell = Accounts.newEmail("bell");
        List<Case> cases = List.of(
                new Case("", Accounts.newEmail("noname"), "name", Texts.en("merchantNameMissing")),
                new Case("   ", Accounts.newEmail("blank"), "name", Texts.en("merchantNameMissing")),
                new Case(longName, Accounts.newEmail("longname"), "name", Texts.en("merchantNameTooLong", 255)),
                new Case("Ada\u0007Bell", bell, "name", Texts.en("merchantNameControlCharacters")),
                new Case("Ada\r\nBcc: x@evil.test", Accounts.newEmail("crlf"), "name", Texts.en("merchantNameControlCharacters")),
                new Case("Ada", "", "email", Texts.en("merchantEmailMissing")),
                new Case("Ada", "not-an-email", "email", Texts.en("merchantEmailInvalid")),
                new Case("Ada", longEmail, "email", Texts.en("merchantEmailTooLong", 254)));

        for (Case c : cases) {
            FormBrowser browser = new FormBrowser();
            Journey.openRegistration(browser);
            browser.submit(Journey.REGISTER_FORM, Map.of("name", c.name, "email", c.email, "altcha", AltchaSolver.solvePage(browser)));

            var error = browser.page().selectFirst("#input-error-" + c.field);
            assertTrue(error != null && error.text().contains(c.message), c + " -> " + browser.text());
            if (!c.email.isEmpty() && c.email.length() < 254) {
                assertEquals(c.email, browser.page().selectFirst("input#email").val(), "typed email kept");
                assertEquals(0, Accounts.withEmail(realm, c.email).size(), "no account for " + c);
            }
        }
        List<EventRepresentation> refused = realm.admin().getEvents(List.of("REGISTER_ERROR"), null, null, null, null, null, 0, 100);
        assertTrue(refused.stream().anyMatch(e -> bell.equals(e.getDetails().get("email"))
                && "merchantNameControlCharacters".equals(e.getDetails().get("reason"))), "reason in this registration's event");
    }

    @Test
    void twentySimultaneousRegistrationsOfOneEmailMakeExactlyOneAccount() throws Exception {
        String email = Accounts.newEmail("race");
        int merchants = 20;
        List<FormBrowser> browsers = new ArrayList<>();
        List<String> solutions = new ArrayList<>();
        for (int i = 0; i < merchants; i++) {
            FormBrowser browser = Journey.openRegistration(new FormBrowser());
            browsers.add(browser);
            solutions.add(AltchaSolver.solvePage(browser));
        }
        ExecutorService pool = Executors.newFixedThreadPool(merchants);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<FormBrowser>> results = new ArrayList<>();
        for (int i = 0; i < merchants; i++) {
            FormBrowser browser = browsers.get(i);
            String solution = solutions.get(i);
            Callable<FormBrowser> submit = () -> {
                start.await();
                return browser.submit(Journey.REGISTER_FORM, Map.of("name", "Racer", "email", email, "altcha", solution));
            };
            results.add(pool.submit(submit));
        }
        start.countDown();
        for (Future<FormBrowser> result : results) {
            FormBrowser page = result.get();
            // The one that sent the email answers 200; the others are told to wait for it (429, Retry-After).
            assertTrue(page.status() == 200 || page.status() == 429 && page.reply().header("Retry-After") != null,
                    page.reply().statuses() + ": " + page.text());
            assertTrue(page.text().contains(MAILBOX) || page.text().contains(ALREADY_USED), page.text());
        }
        pool.shutdown();

        assertEquals(1, Accounts.withEmail(realm, email).size(), "exactly one account");
        // One welcome email: the others found the account and the one-a-minute limit had just been used.
        Thread.sleep(2000);
        assertEquals(1, Mails.to(mail.getReceivedMessages(), email).size(), "exactly one welcome email");
    }

    @Test
    void signInPageOffersTheWayToRegister() {
        FormBrowser browser = new FormBrowser().open(Pages.signIn());

        assertTrue(browser.text().contains(Texts.en("noAccount")), browser.text());
    }
}
