package com.merchantsupport.it.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.RealmSmtp;
import com.merchantsupport.it.support.Texts;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.AdminEventRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.remote.timeoffset.InjectTimeOffSet;
import org.keycloak.testframework.remote.timeoffset.TimeOffSet;

/**
 * The journey's outbox against the real server: the page never waits for the mail server, an email queued while
 * mail is down arrives once it is back without the merchant doing anything (the page says "delayed" meanwhile), a
 * deleted account's email is never sent, and each email goes out once though two workers race for it (the test
 * server hands every row to two workers: {@link MerchantSupportServer}).
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class MailOutboxTest {

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

    @Test
    void aMailServerThatNeverAnswersDoesNotHoldTheMailboxPage() throws Exception {
        String email = Accounts.newEmail("stalled");
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept()); // accepted, never answered: no greeting, no reply
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (var ignored = smtpPort(Integer.toString(silent.getLocalPort()))) {
                FormBrowser browser = Journey.register(new FormBrowser(), "Stalled Merchant", email);
                assertEquals(200, browser.status(), browser.reply().statuses());
                assertTrue(browser.text().contains(Texts.en("merchantMailboxSent", email)), browser.text());
            }
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
        // The stall ends (the mail server is the real one again): the email arrives without the merchant.
        Mails.await(mail, email, 1);
    }

    @Test
    void mailDownAtSignUpIsDeliveredOnceItIsBackAndThePageSaysDelayedMeanwhile() throws Exception {
        String email = Accounts.newEmail("down-then-up");
        FormBrowser browser = new FormBrowser();
        URI mailboxPage;
        try (var ignored = smtpPort("1")) {
            Journey.register(browser, "Patient Merchant", email);
            assertTrue(browser.text().contains(Texts.en("merchantMailboxSent", email)), browser.text());
            assertFalse(browser.text().contains(Texts.en("merchantMailboxDelayed")), browser.text());
            mailboxPage = browser.reply().uri();

            // The first try fails at once (nothing listens on port 1): a reload says so, and keeps "Send the email again".
            String reloaded = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!reloaded.contains(Texts.en("merchantMailboxDelayed")) && System.nanoTime() < deadline) {
                Thread.sleep(500);
                reloaded = reload(browser, mailboxPage).text();
            }
            assertTrue(reloaded.contains(Texts.en("merchantMailboxDelayed")), reloaded);
            assertTrue(browser.page().selectFirst("#merchant-resend") != null, "the resend button stays");
            assertEquals(0, Mails.count(mail, email));

            // "Send the email again" at once: refused by the one-a-minute limit, and the page does not claim that an
            // email was just sent; it says the one asked for is delayed, and how long to wait for another.
            browser.submit(Journey.MAILBOX_FORM, Map.of("action", "resend"));
            assertEquals(429, browser.status(), browser.text());
            assertEquals(Texts.en("merchantMailboxLimitedDelayed"), browser.page().selectFirst("#merchant-mailbox-delayed p").text());
            assertFalse(browser.text().contains(Texts.en("merchantMailboxLimited")), browser.text());
            assertTrue(browser.page().selectFirst("#merchant-mailbox-wait") != null, "how long to wait");
        }
        // Mail is back: the retry task sends it, nobody clicks anything.
        String link = Mails.welcomeLink(Mails.await(mail, email, 1).get(0));
        assertTrue(link.startsWith("http://localhost:8080/realms/" + MerchantRealm.NAME + "/merchant-welcome/open?key="), link);
        Thread.sleep(3000);
        assertEquals(1, Mails.count(mail, email), "exactly once");
        assertFalse(reload(browser, mailboxPage).text().contains(Texts.en("merchantMailboxDelayed")), "delivered: no longer delayed");

        // The link, made by the worker from the stored base URL, works.
        FormBrowser phone = new FormBrowser().open(link);
        assertEquals(200, phone.status(), phone.text());
        Journey.createPassword(phone);
    }

    @Test
    void theEmailsLinksPointAtTheAddressTheMerchantUsed() {
        String email = Accounts.newEmail("other-base");
        String base = "http://127.0.0.1:8080";
        Journey.registerAt(new FormBrowser(), base, "Loopback Merchant", email);
        var welcome = Mails.await(mail, email, 1).get(0);
        String link = Mails.welcomeLink(welcome);
        assertTrue(link.startsWith(base + "/realms/" + MerchantRealm.NAME + "/merchant-welcome/open?key="), link);
        // Keycloak's own template links (url.*) and the token's issuer follow the same base: the link opens there.
        assertFalse(Mails.html(welcome).contains("http://localhost:8080"), Mails.html(welcome));
        FormBrowser phone = new FormBrowser().open(link);
        assertEquals(200, phone.status(), phone.text());
    }

    @Test
    void aDeletedAccountsQueuedEmailIsNeverSent() throws Exception {
        String email = Accounts.newEmail("deleted-queued");
        try (var ignored = smtpPort("1")) {
            Journey.register(new FormBrowser(), "Gone Merchant", email);
            String id = Accounts.one(realm, email).getId();
            realm.admin().users().get(id).remove();
        }
        // Mail is back; another merchant's email goes out, then the retry task has had its turns: nothing for the deleted one.
        String witness = Accounts.newEmail("deleted-witness");
        Journey.register(new FormBrowser(), "Witness Merchant", witness);
        Mails.await(mail, witness, 1);
        Thread.sleep(8000);
        assertEquals(0, Mails.count(mail, email));
    }

    @Test
    void eachQueuedEmailIsSentExactlyOnceThoughTwoWorkersClaimIt() throws Exception {
        List<String> emails = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String email = Accounts.newEmail("once-" + i);
            emails.add(email);
            Journey.register(new FormBrowser(), "Once Merchant", email);
        }
        // Half of them queued while mail is down: the retry task and the after-commit workers then race for them too.
        try (var ignored = smtpPort("1")) {
            for (int i = 0; i < 3; i++) {
                String email = Accounts.newEmail("once-down-" + i);
                emails.add(email);
                Journey.register(new FormBrowser(), "Once Merchant", email);
            }
            Thread.sleep(2000);
        }
        for (String email : emails) {
            Mails.await(mail, email, 1);
        }
        Thread.sleep(5000);
        for (String email : emails) {
            assertEquals(1, Mails.count(mail, email), email);
        }
    }

    @Test
    void anEmailNotSentWithinTheLinksLifetimeIsGivenUpWithAnAdminEvent() throws Exception {
        String email = Accounts.newEmail("given-up");
        try (var ignored = smtpPort("1")) {
            Journey.register(new FormBrowser(), "Unlucky Merchant", email);
            timeOffSet.set(25 * 3600); // past the default 24 h lifetime: the next try marks it expired
            String path = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (path == null && System.nanoTime() < deadline) {
                Thread.sleep(500);
                path = realm.admin().getAdminEvents().stream()
                        .filter(e -> "merchant_email_expired".equals(e.getError()))
                        .map(AdminEventRepresentation::getResourcePath)
                        .filter(p -> p.startsWith("merchant-journey/mail-outbox/"))
                        .findFirst().orElse(null);
            }
            assertTrue(path != null, "an admin event says the email was given up");
        }
        // Mail is back: the expired email is not sent.
        String witness = Accounts.newEmail("given-up-witness");
        Journey.register(new FormBrowser(), "Witness Merchant", witness);
        Mails.await(mail, witness, 1);
        Thread.sleep(5000);
        assertEquals(0, Mails.count(mail, email));
    }

    @Test
    void operatorsSeeTheQueueOnTheMetricsEndpoint() throws Exception {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:9000/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode());
        for (String name : List.of("merchant_support_outbox_waiting", "merchant_support_outbox_oldest_age_seconds",
                "merchant_support_outbox_failures_total")) {
            assertTrue(metrics.body().contains(name), name + " in\n" + metrics.body().lines().filter(l -> l.contains("merchant")).toList());
        }
    }

    /** Enter in the address bar: Keycloak's "page has expired", then its "continue" link, back to the mailbox page. */
    private static FormBrowser reload(FormBrowser browser, URI mailboxPage) {
        browser.open(mailboxPage.toString());
        Element next = browser.page().selectFirst("#loginContinueLink");
        return next == null ? browser : browser.open(next.absUrl("href"));
    }

    private AutoCloseable smtpPort(String port) {
        return RealmSmtp.port(realm.admin(), port);
    }
}
