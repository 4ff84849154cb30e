package com.merchantsupport.it.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.MailboxStepConfig;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import com.merchantsupport.it.support.Texts;
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
 * Floods as a script sends them: many sign-ups from one network address, mail triggered from one address, the
 * realm's hourly budget, a forged X-Forwarded-For, and the captcha that climbs with an address's sign-ups. Each
 * test sends from loopback addresses of its own (127.0.0.11–19), so the cluster-wide counters never carry over.
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class SignUpLimitsTest {

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

    private static FormBrowser register(FormBrowser browser, String email) {
        return Journey.register(browser, "Flood Merchant", email);
    }

    private static void assertTryLater(FormBrowser browser) {
        assertEquals(429, browser.status(), browser.reply().message());
        String retryAfter = browser.reply().header("Retry-After");
        assertNotNull(retryAfter, "no Retry-After");
        assertTrue(Long.parseLong(retryAfter) > 0, retryAfter);
        assertTrue(browser.text().contains(Texts.en("merchantTryLaterTitle")), browser.text());
    }

    @Test
    void theEleventhSignUpFromOneAddressWithinTenMinutesIsRefusedAndAnotherAddressIsNot() {
        try (var ignored = MailboxStepConfig.change(realm, Map.of("addressSignUpsPer10Minutes", "10"))) {
            for (int i = 1; i <= 10; i++) {
                FormBrowser browser = register(FormBrowser.from("127.0.0.11"), Accounts.newEmail("flood" + i));
                assertEquals(200, browser.status(), "sign-up " + i + ": " + browser.reply().message());
                assertNotNull(browser.page().selectFirst("#merchant-mailbox"), "sign-up " + i + ": " + browser.text());
            }
            String eleventh = Accounts.newEmail("flood11");
            FormBrowser refused = register(FormBrowser.from("127.0.0.11"), eleventh);
            assertTryLater(refused);
            assertTrue(Accounts.withEmail(realm, eleventh).isEmpty(), "the refused sign-up made an account");

            FormBrowser neighbour = register(FormBrowser.from("127.0.0.12"), Accounts.newEmail("neighbour"));
            assertEquals(200, neighbour.status(), neighbour.reply().message());
            assertNotNull(neighbour.page().selectFirst("#merchant-mailbox"), neighbour.text());

            // "Back to the sign-up form" on the refusal page leads to the form, not to an error.
            refused.submit("#merchant-try-later-form", Map.of("action", "restart"));
            assertNotNull(refused.page().selectFirst(Journey.REGISTER_FORM), refused.text());

            // Ten minutes later the address may sign up again.
            timeOffSet.set(11 * 60);
            FormBrowser later = register(FormBrowser.from("127.0.0.11"), eleventh);
            assertNotNull(later.page().selectFirst("#merchant-mailbox"), later.text());
            assertTrue(mail.waitForIncomingEmail(1));
            assertEquals(1, Accounts.withEmail(realm, eleventh).size());
        }
    }

    @Test
    void twentySimultaneousSignUpsFromOneAddressGetExactlyTheTenItMayMake() throws Exception {
        try (var ignored = MailboxStepConfig.change(realm, Map.of("addressSignUpsPer10Minutes", "10"))) {
            int merchants = 20;
            List<FormBrowser> browsers = new java.util.ArrayList<>();
            List<String> solutions = new java.util.ArrayList<>();
            List<String> emails = new java.util.ArrayList<>();
            for (int i = 0; i < merchants; i++) {
                FormBrowser browser = Journey.openRegistration(FormBrowser.from("127.0.0.19"));
                browsers.add(browser);
                solutions.add(com.merchantsupport.it.support.AltchaSolver.solvePage(browser));
                emails.add(Accounts.newEmail("burst" + i));
            }
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(merchants);
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<FormBrowser>> results = new java.util.ArrayList<>();
            for (int i = 0; i < merchants; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    start.await();
                    return browsers.get(n).submit(Journey.REGISTER_FORM, Map.of("name", "Burst", "email", emails.get(n), "altcha", solutions.get(n)));
                }));
            }
            start.countDown();
            int accepted = 0;
            int refused = 0;
            for (java.util.concurrent.Future<FormBrowser> result : results) {
                FormBrowser page = result.get();
                if (page.status() == 200 && page.page().selectFirst("#merchant-mailbox") != null) {
                    accepted++;
                } else {
                    assertTryLater(page);
                    refused++;
                }
            }
            pool.shutdown();
            assertEquals(10, accepted, "one address, ten sign-ups, however simultaneous");
            assertEquals(10, refused);
            assertEquals(10, emails.stream().filter(e -> !Accounts.withEmail(realm, e).isEmpty()).count(), "ten accounts");
        }
    }

    @Test
    void oneAddressTriggersAtMostItsEmailsPerHourAndMakesNoAccountPastThem() {
        try (var ignored = MailboxStepConfig.change(realm, Map.of("addressEmailsPerHour", "3"))) {
            FormBrowser first = null;
            for (int i = 1; i <= 3; i++) {
                FormBrowser browser = register(FormBrowser.from("127.0.0.13"), Accounts.newEmail("relay" + i));
                assertNotNull(browser.page().selectFirst("#merchant-mailbox"), "sign-up " + i + ": " + browser.text());
                first = first == null ? browser : first;
            }
            String fourth = Accounts.newEmail("relay4");
            assertTryLater(register(FormBrowser.from("127.0.0.13"), fourth));
            assertTrue(Accounts.withEmail(realm, fourth).isEmpty(), "an account without its welcome email");

            // A resend from that address is refused too, on the mailbox page, with how long to wait.
            timeOffSet.set(2 * 60);
            first.submit(Journey.MAILBOX_FORM, Map.of("action", "resend"));
            assertEquals(429, first.status(), first.reply().message());
            assertNotNull(first.reply().header("Retry-After"));
            assertTrue(first.text().contains(Texts.en("merchantMailboxLimited")), first.text());
        }
    }

    @Test
    void pastTheRealmsHourlyBudgetSignUpsWaitLinksAlreadySentKeepWorkingAndAdminsAreTold() {
        String early = Accounts.newEmail("before-budget");
        FormBrowser earlyBrowser = register(FormBrowser.from("127.0.0.14"), early);
        String link = Mails.welcomeLink(mail, early);
        // Any email this hour (this test's own, at least) spends a budget of one.
        try (var ignored = MailboxStepConfig.change(realm, Map.of("realmEmailsPerHour", "1"))) {
            String late = Accounts.newEmail("after-budget");
            assertTryLater(register(FormBrowser.from("127.0.0.15"), late));
            assertTrue(Accounts.withEmail(realm, late).isEmpty());

            FormBrowser phone = new FormBrowser().open(link);
            assertEquals(200, phone.status(), phone.text());
            Journey.createPassword(phone);
            assertTrue(phone.reply().chain().stream().allMatch(status -> status < 400), phone.reply().statuses());
            assertTrue(Accounts.credentials(realm, Accounts.one(realm, early).getId()).stream()
                    .anyMatch(c -> "password".equals(c.getType())), "the link sent before the budget ran out made the password");

            List<AdminEventRepresentation> events = realm.admin().getAdminEvents();
            assertTrue(events.stream().anyMatch(e -> "merchant_email_budget_spent".equals(e.getError())
                            && "merchant-journey/email-budget".equals(e.getResourcePath())),
                    "no admin event for the spent budget: " + events.stream().map(AdminEventRepresentation::getResourcePath).toList());
        }
        assertNotNull(earlyBrowser);
    }

    @Test
    void aForgedForwardedForFromAnUntrustedAddressDoesNotMoveTheCountAndTheTrustedProxysDoes() {
        try (var ignored = MailboxStepConfig.change(realm, Map.of("addressSignUpsPer10Minutes", "2"))) {
            for (int i = 1; i <= 2; i++) {
                FormBrowser browser = register(FormBrowser.from("127.0.0.16").forwardedFor("10.66.0." + i), Accounts.newEmail("forged" + i));
                assertNotNull(browser.page().selectFirst("#merchant-mailbox"), browser.text());
            }
            // A new forged address each time changes nothing: Keycloak counts the real source, 127.0.0.16.
            assertTryLater(register(FormBrowser.from("127.0.0.16").forwardedFor("10.66.0.3"), Accounts.newEmail("forged3")));

            // Behind the trusted proxy (127.0.0.2), each merchant is counted by the address the proxy saw.
            String proxy = MerchantSupportServer.TRUSTED_PROXY;
            for (int i = 1; i <= 2; i++) {
                FormBrowser browser = register(FormBrowser.from(proxy).forwardedFor("10.77.0.1"), Accounts.newEmail("proxied" + i));
                assertNotNull(browser.page().selectFirst("#merchant-mailbox"), browser.text());
            }
            assertTryLater(register(FormBrowser.from(proxy).forwardedFor("10.77.0.1"), Accounts.newEmail("proxied3")));
            FormBrowser other = register(FormBrowser.from(proxy).forwardedFor("10.77.0.2"), Accounts.newEmail("proxied-other"));
            assertNotNull(other.page().selectFirst("#merchant-mailbox"), other.text());
        }
    }

    @Test
    void theCaptchaGrowsHarderWhileAnAddressIsBusyAndCalmsDownAfter() {
        String address = "127.0.0.17";
        assertEquals(100_000, maxNumber(address));
        try (var ignored = MailboxStepConfig.change(realm, Map.of("captchaClimbAfterSignUps", "3"))) {
            register(FormBrowser.from(address), Accounts.newEmail("busy1"));
            register(FormBrowser.from(address), Accounts.newEmail("busy2"));
            assertEquals(100_000, maxNumber(address));
            register(FormBrowser.from(address), Accounts.newEmail("busy3"));
            assertEquals(200_000, maxNumber(address));
            register(FormBrowser.from(address), Accounts.newEmail("busy4"));
            assertEquals(400_000, maxNumber(address));
            assertEquals(100_000, maxNumber("127.0.0.18"), "a calm neighbour's captcha stays easy");

            timeOffSet.set(11 * 60);
            assertEquals(100_000, maxNumber(address));
        }
    }

    private static long maxNumber(String address) {
        FormBrowser browser = FormBrowser.from(address).open(Pages.challenge());
        assertEquals(200, browser.status(), browser.reply().body());
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(browser.reply().body()).get("maxnumber").asLong();
        } catch (java.io.IOException e) {
            throw new AssertionError(browser.reply().body(), e);
        }
    }
}
