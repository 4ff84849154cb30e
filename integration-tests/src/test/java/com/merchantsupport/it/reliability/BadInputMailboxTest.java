package com.merchantsupport.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.FormBrowser.Reply;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Texts;
import org.jsoup.nodes.Element;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

/** Bad input at the "Check your mailbox" page's actions: the page again, never an email more than asked for. */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class BadInputMailboxTest extends BadInput {

    private static final String ENDPOINT = "mailbox page (POST action=)";
    /** Marker for {@link #mailboxAction}: the page as first shown, "We sent an email to ADDRESS". */
    static final String SENT_TO = "merchantMailboxSent";

    static List<Case> cases() {
        return List.of(
                new Case("M01 resend at once", ENDPOINT, "action=resend", "429 '" + MAILBOX_LIMITED + "' with Retry-After; still one email",
                        c -> mailboxAction(c, "m01", FormBrowser.FORM, FormBrowser.form("action", "resend"), MAILBOX_LIMITED, 1)),
                new Case("M02 restart", ENDPOINT, "action=restart", "the registration form",
                        c -> mailboxAction(c, "m02", FormBrowser.FORM, FormBrowser.form("action", "restart"), "#kc-register-form", 1)),
                new Case("M03 script as action", ENDPOINT, "action=" + SCRIPT,
                        "the mailbox page again as it was ('We sent an email to …'); nothing sent, no 'please wait'; not echoed",
                        c -> mailboxAction(c, "m03", FormBrowser.FORM, FormBrowser.form("action", SCRIPT), SENT_TO, 1)),
                new Case("M04 no action", ENDPOINT, "empty form", "the mailbox page again as it was; nothing sent, no 'please wait'",
                        c -> mailboxAction(c, "m04", FormBrowser.FORM, "", SENT_TO, 1)),
                new Case("M05 two action= values", ENDPOINT, "action=restart&action=resend", "the first counts: the registration form",
                        c -> mailboxAction(c, "m05", FormBrowser.FORM, FormBrowser.form("action", "restart", "action", "resend"), "#kc-register-form", 1)),
                new Case("M06 1 MB action", ENDPOINT, "action = 1 MB", "4xx or the mailbox page; still one email",
                        c -> mailboxAction(c, "m06", FormBrowser.FORM, FormBrowser.form("action", MB1), null, 1)),
                new Case("M07 JSON body", ENDPOINT, "Content-Type: application/json {\"action\":\"resend\"}",
                        "the body is not read: the mailbox page as it was; nothing sent",
                        c -> mailboxAction(c, "m07", FormBrowser.JSON, "{\"action\":\"resend\"}", SENT_TO, 1)),
                wrongMethod("M08", ENDPOINT, "PUT", BadInputMailboxTest::mailboxActionUrl),
                wrongMethod("M09", ENDPOINT, "DELETE", BadInputMailboxTest::mailboxActionUrl),
                wrongMethod("M10", ENDPOINT, "PATCH", BadInputMailboxTest::mailboxActionUrl),
                new Case("M11 without the session's parameters", ENDPOINT, "POST …/login-actions/authenticate, no query",
                        "a 4xx or Keycloak's restart page; still one email",
                        c -> {
                            String email = Accounts.newEmail("bad-m11");
                            FormBrowser browser = new FormBrowser();
                            String action = Journey.register(browser, "Mailbox Merchant", email).reply().formAction(Journey.MAILBOX_FORM);
                            Reply r = browser.post(action.substring(0, action.indexOf('?')), FormBrowser.FORM, FormBrowser.form("action", "resend")).reply();
                            assertTrue(r.status() < 500, r::statuses);
                            Mails.await(c.mail(), email, 1); // sent after the commit
                            Thread.sleep(500);
                            assertEquals(1, Mails.count(c.mail(), email));
                            return r;
                        }),
                new Case("M13 reload, then 'continue'", ENDPOINT,
                        "GET on the page's own URL (Enter in the address bar): Keycloak's 'Page has expired', then its 'continue' link",
                        "the mailbox page as it was ('We sent an email to …'); nothing sent, no 'please wait'",
                        c -> {
                            String email = Accounts.newEmail("bad-m13");
                            FormBrowser browser = new FormBrowser();
                            Reply mailbox = Journey.register(browser, "Mailbox Merchant", email).reply();
                            Mails.newest(c.mail(), email);
                            Reply expired = browser.open(mailbox.uri().toString()).reply();
                            assertTrue(expired.status() < 500, expired::statuses);
                            Element next = expired.page().selectFirst("#loginContinueLink");
                            Reply r = next == null ? expired : browser.open(next.absUrl("href")).reply();
                            page(r, 200, MAILBOX, Texts.en(SENT_TO, email));
                            assertFalse(r.text().contains(MAILBOX_LIMITED), "nothing was asked for");
                            Thread.sleep(500);
                            assertEquals(1, Mails.count(c.mail(), email));
                            return r;
                        }),
                new Case("M12 junk client_data", ENDPOINT, "the page's action URL with client_data=!!!", "a 4xx or the mailbox page; still one email",
                        c -> {
                            String email = Accounts.newEmail("bad-m12");
                            FormBrowser browser = new FormBrowser();
                            String action = Journey.register(browser, "Mailbox Merchant", email).reply().formAction(Journey.MAILBOX_FORM);
                            String junk = action.contains("client_data=") ? action.replaceAll("client_data=[^&]*", "client_data=!!!")
                                    : action + "&client_data=!!!";
                            Reply r = browser.post(junk, FormBrowser.FORM, FormBrowser.form("action", "resend")).reply();
                            assertTrue(r.status() < 500, r::statuses);
                            Mails.await(c.mail(), email, 1); // sent after the commit
                            Thread.sleep(500);
                            assertEquals(1, Mails.count(c.mail(), email));
                            return r;
                        }));
    }

    static String mailboxActionUrl(Ctx c) {
        return Journey.register(new FormBrowser(), "Mailbox Merchant", Accounts.newEmail("bad-m-method")).reply().formAction(Journey.MAILBOX_FORM);
    }

    /** Registered (one welcome email), then the action posted on the mailbox page. */
    static Reply mailboxAction(Ctx c, String id, String contentType, String body, String expect, int mails) throws InterruptedException {
        String email = Accounts.newEmail("bad-" + id);
        FormBrowser browser = new FormBrowser();
        Reply mailbox = Journey.register(browser, "Mailbox Merchant", email).reply();
        Mails.newest(c.mail(), email);
        Reply r = browser.post(mailbox.formAction(Journey.MAILBOX_FORM), contentType, body).reply();
        if (expect == null) {
            assertTrue(r.status() >= 400 || r.text().contains(MAILBOX), r::message);
        } else if (expect.equals(SENT_TO)) {
            page(r, 200, MAILBOX, Texts.en(SENT_TO, email));
            assertFalse(r.text().contains(MAILBOX_LIMITED), "nothing was asked for: " + r.message());
        } else if (expect.startsWith("#")) {
            assertEquals(200, r.status(), r::message);
            assertNotNull(r.page().selectFirst(expect), () -> expect + " on:\n" + r.text());
        } else if (expect.equals(MAILBOX_LIMITED)) {
            page(r, 429, expect);
            assertNotNull(r.header("Retry-After"), r::message);
        } else {
            page(r, 200, expect);
        }
        Thread.sleep(500);
        assertEquals(mails, Mails.count(c.mail(), email), "welcome emails to " + email);
        assertEquals(1, Accounts.withEmail(c.realm(), email).size(), "one account");
        return r;
    }
}
