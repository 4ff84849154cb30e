package com.merchantsupport.it.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
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
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.remote.timeoffset.InjectTimeOffSet;
import org.keycloak.testframework.remote.timeoffset.TimeOffSet;

/**
 * Private mode means private: a new address, one whose account never got a password, and one with a finished
 * account give the same pages, statuses and limits for the same sequence of submits and resends; only the emails
 * differ. A bad name gets the same form error whatever the address.
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class PrivateModeTest {

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

    /** What a visitor can observe of one answer: its status, whether it says how long to wait, its words. */
    private record Seen(int status, boolean retryAfter, String words) {
    }

    private static Seen seen(FormBrowser browser, String email) {
        Element main = browser.page().selectFirst("#kc-content");
        String words = (main == null ? browser.text() : main.text()).replace(email, "ADDRESS");
        return new Seen(browser.status(), browser.reply().header("Retry-After") != null, words);
    }

    /** Register, register again elsewhere, resend, resend a minute later, register again: what each answered. */
    private List<Seen> sequence(String address, String email, int offset) {
        List<Seen> seen = new ArrayList<>();
        timeOffSet.set(offset);
        FormBrowser first = Journey.register(FormBrowser.from(address), "Someone", email);
        seen.add(seen(first, email));
        seen.add(seen(Journey.register(FormBrowser.from(address), "Someone", email), email));
        first.submit(Journey.MAILBOX_FORM, Map.of("action", "resend"));
        seen.add(seen(first, email));
        timeOffSet.set(offset + 70);
        first.submit(Journey.MAILBOX_FORM, Map.of("action", "resend"));
        seen.add(seen(first, email));
        seen.add(seen(Journey.register(FormBrowser.from(address), "Someone", email), email));
        return seen;
    }

    @Test
    void newUnfinishedAndFinishedAddressesLookTheSameForEverySequence() {
        String fresh = Accounts.newEmail("private-new");
        String unfinished = Accounts.newEmail("private-unfinished");
        String finished = Accounts.newEmail("private-finished");
        Journey.register(FormBrowser.from("127.0.0.24"), "Someone", unfinished);
        Mails.await(mail, unfinished, 1);
        Accounts.existingMerchant(realm, finished, "an-old-Password-123");

        try (var ignored = MailboxStepConfig.change(realm, Map.of("alreadyUsedMode", "private"))) {
            // Two hours on: the setup's own emails no longer count for any limit.
            List<Seen> forNew = sequence("127.0.0.21", fresh, 7200);
            List<Seen> forUnfinished = sequence("127.0.0.22", unfinished, 7400);
            List<Seen> forFinished = sequence("127.0.0.23", finished, 7600);

            assertEquals(forNew, forUnfinished, "an unfinished account shows through");
            assertEquals(forNew, forFinished, "a finished account shows through");
            // And the sequence did meet the limits: "wait" after the first, allowed again a minute later.
            assertEquals(List.of(200, 429, 429, 200, 429), forNew.stream().map(Seen::status).toList(), forNew.toString());
        }
        // Only the emails differ: the owner of the finished account is warned, the others get a welcome email.
        assertTrue(Mails.subject(Mails.newest(mail, finished)).equals(Texts.email("en", "merchantSomeoneTriedSubject")));
        assertTrue(Mails.subject(Mails.newest(mail, fresh)).equals(Texts.email("en", "merchantWelcomeSubject")));
    }

    /**
     * Not a timed assertion: the figures for docs/DEPLOYING.md ("what still differs is time"), written to
     * target/benchmarks/private-mode-timing.txt. Each submit is a first one for its address (no limit answers).
     */
    @Test
    void theTimeASubmitTakesForNewAndExistingAddressesIsWrittenDown() throws Exception {
        int rounds = 15;
        List<Long> forNew = new ArrayList<>();
        List<Long> forExisting = new ArrayList<>();
        try (var ignored = MailboxStepConfig.change(realm, Map.of("alreadyUsedMode", "private"))) {
            for (int i = 0; i < rounds; i++) {
                String existing = Accounts.newEmail("timing-existing");
                Accounts.existingMerchant(realm, existing, "an-old-Password-123");
                // Alternate, so that a warming server favours neither.
                forNew.add(timedSubmit(Accounts.newEmail("timing-new")));
                forExisting.add(timedSubmit(existing));
            }
        }
        java.nio.file.Path out = java.nio.file.Path.of("target/benchmarks/private-mode-timing.txt");
        java.nio.file.Files.createDirectories(out.getParent());
        java.nio.file.Files.writeString(out, "private mode, sign-up submit to the mailbox page, " + rounds + " each, ms\n"
                + "new address: median " + median(forNew) + " " + forNew + "\n"
                + "finished account: median " + median(forExisting) + " " + forExisting + "\n");
    }

    private static long timedSubmit(String email) {
        FormBrowser browser = Journey.openRegistration(FormBrowser.from("127.0.0.26"));
        String solution = com.merchantsupport.it.support.AltchaSolver.solvePage(browser);
        long start = System.nanoTime();
        browser.submit(Journey.REGISTER_FORM, Map.of("name", "Timed Merchant", "email", email, "altcha", solution));
        long took = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, browser.status(), browser.text());
        return took;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    @Test
    void aBadNameGetsTheSameFormErrorWithANewAndWithAnExistingAddress() {
        String fresh = Accounts.newEmail("badname-new");
        String existing = Accounts.newEmail("badname-existing");
        Accounts.existingMerchant(realm, existing, "an-old-Password-123");
        String tooLong = "N".repeat(300);
        for (String mode : List.of("reveal", "private")) {
            try (var ignored = MailboxStepConfig.change(realm, Map.of("alreadyUsedMode", mode))) {
                FormBrowser forNew = Journey.register(FormBrowser.from("127.0.0.25"), tooLong, fresh);
                FormBrowser forExisting = Journey.register(FormBrowser.from("127.0.0.25"), tooLong, existing);
                assertEquals(200, forNew.status());
                assertEquals(seen(forNew, fresh), seen(forExisting, existing), mode);
                assertTrue(forNew.page().selectFirst(Journey.REGISTER_FORM) != null, forNew.text());
            }
        }
        assertTrue(Accounts.withEmail(realm, fresh).isEmpty());
    }
}
