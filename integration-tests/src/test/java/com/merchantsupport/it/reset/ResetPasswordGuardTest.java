package com.merchantsupport.it.reset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;

/**
 * "Forgot my password" behind the registration's captcha and the reset limits (step merchant-reset-choose-user):
 * nothing sent without a solved captcha, one email with one, at most one a minute per typed address, a per-network
 * address cap, and the same statuses and pages for an address with an account and one without. Each test sends
 * from loopback addresses of its own (127.0.0.160 to 127.0.0.179, this class only), so counts never carry over.
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class ResetPasswordGuardTest {

    private static final String PASSWORD = "an-old-Password-123";

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    @Test
    void withoutASolvedCaptchaNothingIsSentAndWithOneOneEmailIs() {
        String email = Accounts.newEmail("reset-captcha");
        Accounts.existingMerchant(realm, email, PASSWORD);
        FormBrowser browser = FormBrowser.from("127.0.0.160");

        Journey.openForgotPassword(browser);
        assertEquals("altcha", browser.page().selectFirst("#kc-reset-password-form #merchant-captcha").attr("data-captcha-provider"),
                "the registration's captcha, on the reset page");
        browser.submit(Journey.RESET_FORM, Map.of("username", email));
        assertEquals(200, browser.status());
        assertTrue(browser.text().contains(Texts.en("captchaMissingReset")), browser.text());
        assertEquals(email, browser.page().selectFirst("input#username").val(), "the address kept in its field");

        browser.submit(Journey.RESET_FORM, Map.of("username", email, "altcha", "not-a-solution"));
        assertEquals(200, browser.status());
        assertTrue(browser.text().contains(Texts.en("captchaFailedReset")), browser.text());
        assertEquals(0, Mails.count(mail, email), "nothing sent without a solved captcha");

        List<EventRepresentation> refused = events("RESET_PASSWORD_ERROR", "127.0.0.160");
        assertEquals(List.of("malformed", "missing"), refused.stream().map(e -> e.getDetails().get("captcha_reason")).toList());
        assertTrue(refused.stream().allMatch(e -> "merchant_captcha_refused".equals(e.getError())
                && "altcha".equals(e.getDetails().get("captcha_provider"))), refused.toString());

        browser.submit(Journey.RESET_FORM, Map.of("username", email, "altcha", AltchaSolver.solvePage(browser)));
        assertEquals(200, browser.status());
        assertNotNull(browser.page().selectFirst("#kc-form-login"), "Keycloak's answer for any address: the sign-in page, "
                + "'you should receive an email shortly'\n" + browser.text());
        assertNotNull(Mails.actionTokenLink(Mails.newest(mail, email)), "Keycloak's own reset email, with its link");
        assertEquals(1, Mails.count(mail, email));
    }

    @Test
    void eightRequestsInAMinuteForOneAddressSendOneAndAnAddressWithoutAccountIsAnsweredAlike() {
        String existing = Accounts.newEmail("reset-flood");
        Accounts.existingMerchant(realm, existing, PASSWORD);
        String unknown = Accounts.newEmail("reset-nobody");

        long started = System.nanoTime();
        List<Answer> forExisting = eightRequests("127.0.0.161", existing);
        double seconds = (System.nanoTime() - started) / 1e9;
        List<Answer> forUnknown = eightRequests("127.0.0.162", unknown);

        int sent = Mails.count(mail, existing);
        assertTrue(sent >= 1 && sent <= 2, "at most two emails in a minute (one a minute), got " + sent);
        assertEquals(0, Mails.count(mail, unknown), "no email to an address without an account");
        assertEquals(200, forExisting.get(0).status(), forExisting.get(0).toString());
        long refused = forExisting.stream().filter(a -> a.status() == 429).count();
        assertTrue(refused >= 6, "the others get 429: " + forExisting);
        for (Answer answer : forExisting) {
            if (answer.status() == 429) {
                assertNotNull(answer.retryAfter(), "Retry-After on every 429");
                assertTrue(answer.page().contains(Texts.en("merchantTryLaterWhyReset")), answer.page());
            }
        }
        // The same statuses and the same pages, but for the address typed and the minutes to wait (which follow the
        // clock, not the account): nothing tells the account exists.
        assertEquals(forExisting.stream().map(Answer::statuses).toList(), forUnknown.stream().map(Answer::statuses).toList());
        assertEquals(forExisting.stream().map(a -> masked(a.page(), existing)).toList(),
                forUnknown.stream().map(a -> masked(a.page(), unknown)).toList());
        for (String source : List.of("127.0.0.161", "127.0.0.162")) {
            List<EventRepresentation> limited = events("RESET_PASSWORD_ERROR", source).stream()
                    .filter(e -> "merchant_rate_limited".equals(e.getError())).toList();
            assertEquals(refused, limited.size(), source + ": one event per refusal " + limited);
            assertTrue(limited.stream().allMatch(e -> "account_resets".equals(e.getDetails().get("reason"))), limited.toString());
        }
        System.out.printf("reset flood: 8 requests in %.1f s for one address with an account: %d email(s), statuses %s, "
                        + "Retry-After %s s; an address without an account: the same statuses and pages, no email%n",
                seconds, sent, forExisting.stream().map(Answer::status).toList(),
                forExisting.stream().map(Answer::retryAfter).filter(java.util.Objects::nonNull).distinct().toList());
    }

    @Test
    void oneNetworkAddressIsRefusedPastItsHourlyResetsAndAnotherIsNot() {
        try (var ignored = MailboxStepConfig.resetStep(realm, Map.of("addressResetsPerHour", "3"))) {
            List<Integer> statuses = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                String typed = Accounts.newEmail("reset-address-" + i);
                statuses.add(Journey.forgotPassword(FormBrowser.from("127.0.0.163"), typed).status());
            }
            assertEquals(List.of(200, 200, 200, 429), statuses, "three an hour from 127.0.0.163");
            List<EventRepresentation> limited = events("RESET_PASSWORD_ERROR", "127.0.0.163").stream()
                    .filter(e -> "merchant_rate_limited".equals(e.getError())).toList();
            assertEquals(1, limited.size(), limited.toString());
            assertEquals("address_resets", limited.get(0).getDetails().get("reason"));

            String other = Accounts.newEmail("reset-address-other");
            Accounts.existingMerchant(realm, other, PASSWORD);
            FormBrowser neighbour = Journey.forgotPassword(FormBrowser.from("127.0.0.164"), other);
            assertEquals(200, neighbour.status(), "another network address is not affected");
            assertEquals(1, Mails.await(mail, other, 1).size());
            System.out.println("reset per network address (limit set to 3): statuses " + statuses + "; another address: 200, one email");
        }
    }

    /**
     * A signed-in browser opening "Forgot my password": Keycloak skips the page (no captcha) and emails the session's
     * account at once; the limits still count it, and the second request within the minute is refused.
     */
    @Test
    void aSignedInBrowserThatSkipsThePageIsLimitedToo() {
        String email = Accounts.newEmail("reset-signed-in");
        Accounts.existingMerchant(realm, email, PASSWORD);
        FormBrowser browser = FormBrowser.from("127.0.0.165").open(Pages.signIn());
        browser.submit("#kc-form-login", Map.of("username", email, "password", PASSWORD));
        assertTrue(MerchantRealm.atHelpCenter(browser.location()), "signed in: " + browser.text());

        String reset = Pages.realmUrl() + "/login-actions/reset-credentials?client_id=" + MerchantRealm.HELP_CENTER_CLIENT;
        browser.open(reset);
        assertNotEquals(429, browser.status(), browser.text());
        assertTrue(!browser.reply().anyServerError(), browser.reply().statuses());
        assertEquals(1, Mails.await(mail, email, 1).size(), "Keycloak emails the signed-in account without a page");

        browser.open(reset);
        assertEquals(429, browser.status(), browser.text());
        assertNotNull(browser.reply().header("Retry-After"));
        assertEquals(1, Mails.count(mail, email), "no second email within the minute");
        List<EventRepresentation> limited = events("RESET_PASSWORD_ERROR", "127.0.0.165").stream()
                .filter(e -> "merchant_rate_limited".equals(e.getError())).toList();
        assertEquals(1, limited.size(), limited.toString());
        assertEquals("account_resets", limited.get(0).getDetails().get("reason"));
    }

    /** What one request got: the statuses of its redirect chain, its Retry-After, the text of its last page. */
    record Answer(int status, String statuses, String retryAfter, String page) {
    }

    /** Eight "Forgot my password" requests for {@code typed}, each from a fresh browser at {@code source}, each with a solved captcha. */
    private List<Answer> eightRequests(String source, String typed) {
        List<Answer> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            try (FormBrowser browser = FormBrowser.from(source)) {
                FormBrowser.Reply reply = Journey.forgotPassword(browser, typed).reply();
                answers.add(new Answer(reply.status(), reply.statuses(), reply.header("Retry-After"), reply.text()));
            }
        }
        return answers;
    }

    private static String masked(String page, String typed) {
        return page.replace(typed, "ADDRESS").replaceAll("\\d+", "N");
    }

    private List<EventRepresentation> events(String type, String source) {
        return realm.admin().getEvents(List.of(type), null, null, null, null, source, 0, 100);
    }
}
