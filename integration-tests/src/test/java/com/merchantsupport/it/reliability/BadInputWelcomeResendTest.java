package com.merchantsupport.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.ForgedKeys;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.FormBrowser.Reply;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import com.merchantsupport.it.support.Texts;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

/** Bad input at "Send me a new link": a 4xx or the page that says why, never an email it should not send. */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class BadInputWelcomeResendTest extends BadInput {

    private static final BadInputAccounts ACCOUNTS = new BadInputAccounts();

    private static final String ENDPOINT = "POST /merchant-welcome/resend";

    static List<Case> cases() {
        return List.of(
                new Case("S01 empty body", ENDPOINT, "empty form", "400 '" + DAMAGED + "'",
                        c -> damaged(new FormBrowser().post(Pages.welcomeResend(), FormBrowser.FORM, "").reply())),
                new Case("S02 junk key", ENDPOINT, "key = " + SCRIPT, "400 '" + DAMAGED + "', not echoed",
                        c -> damaged(new FormBrowser().post(Pages.welcomeResend(), FormBrowser.FORM, FormBrowser.form("key", SCRIPT)).reply())),
                new Case("S03 10 KB key", ENDPOINT, "key = 10 KB", "400 '" + DAMAGED + "'",
                        c -> damaged(new FormBrowser().post(Pages.welcomeResend(), FormBrowser.FORM, FormBrowser.form("key", "eyJ" + "A".repeat(10 * 1024))).reply())),
                new Case("S04 JSON body", ENDPOINT, "Content-Type: application/json {\"key\": <real>}",
                        "the body is not read: 400 '" + DAMAGED + "' (or 415); no email sent",
                        c -> {
                            BadInputAccounts.Account a = ACCOUNTS.awaiting(c);
                            int mails = Mails.count(c.mail(), a.email());
                            Reply r = new FormBrowser().post(Pages.welcomeResend(), FormBrowser.JSON, FormBrowser.json(Map.of("key", a.key()))).reply();
                            assertTrue(r.status() == 415 || r.status() == 400 && r.text().contains(DAMAGED), r::message);
                            assertEquals(mails, Mails.count(c.mail(), a.email()), "no email");
                            return r;
                        }),
                new Case("S05 multipart body", ENDPOINT, "multipart/form-data key=<real>",
                        "read like the form: 200 'new link' or 429 'please wait' (limits hold); at most one email",
                        c -> {
                            BadInputAccounts.Account a = ACCOUNTS.awaiting(c);
                            int mails = Mails.count(c.mail(), a.email());
                            FormBrowser.Multipart body = FormBrowser.multipart(Map.of("key", a.key()));
                            Reply r = new FormBrowser().send("POST", Pages.welcomeResend(), body.contentType(), body.body()).reply();
                            if (r.status() == 429) {
                                page(r, 429, Texts.en("merchantLink_resend-limited_title"));
                                assertEquals(mails, Mails.count(c.mail(), a.email()), "no email past the limit");
                            } else {
                                page(r, 200, Texts.en("merchantLink_resent_title"));
                                assertEquals(mails + 1, Mails.await(c.mail(), a.email(), mails + 1).size(), "one new email");
                            }
                            assertEquals(a.snapshot(), Accounts.snapshot(c.realm(), a.id()));
                            return r;
                        }),
                wrongMethod("S06", ENDPOINT, "GET", 404, c -> Pages.welcomeResend()),
                wrongMethod("S07", ENDPOINT, "PUT", c -> Pages.welcomeResend()),
                wrongMethod("S08", ENDPOINT, "DELETE", c -> Pages.welcomeResend()),
                wrongMethod("S09", ENDPOINT, "PATCH", c -> Pages.welcomeResend()),
                new Case("S10 two key= values", ENDPOINT, "key=<junk>&key=<real>", "the first counts: 400 '" + DAMAGED + "'; no email",
                        c -> {
                            BadInputAccounts.Account a = ACCOUNTS.awaiting(c);
                            int mails = Mails.count(c.mail(), a.email());
                            Reply r = damaged(new FormBrowser().post(Pages.welcomeResend(), FormBrowser.FORM, FormBrowser.form("key", "junk", "key", a.key())).reply());
                            assertEquals(mails, Mails.count(c.mail(), a.email()), "no email");
                            return r;
                        }),
                new Case("S11 key of a finished account", ENDPOINT, "the real key, after the password was created", "410 '" + USED + "'; no email",
                        c -> {
                            BadInputAccounts.Account done = ACCOUNTS.completed(c);
                            int mails = Mails.count(c.mail(), done.email());
                            Reply r = new FormBrowser().post(Pages.welcomeResend(), FormBrowser.FORM, FormBrowser.form("key", done.key())).reply();
                            page(r, 410, USED);
                            assertEquals(mails, Mails.count(c.mail(), done.email()), "no email");
                            return r;
                        }),
                new Case("S12 1 MB body", ENDPOINT, "key = 1 MB", "4xx",
                        c -> {
                            Reply r = new FormBrowser().post(Pages.welcomeResend(), FormBrowser.FORM, FormBrowser.form("key", MB1)).reply();
                            assertClientError(r);
                            return r;
                        }),
                new Case("S13 alg none key", ENDPOINT, "header alg none, real payload", "400 '" + DAMAGED + "'; no email",
                        c -> {
                            BadInputAccounts.Account a = ACCOUNTS.awaiting(c);
                            int mails = Mails.count(c.mail(), a.email());
                            String none = ForgedKeys.algNone(a.key());
                            Reply r = damaged(new FormBrowser().post(Pages.welcomeResend(), FormBrowser.FORM, FormBrowser.form("key", none)).reply());
                            assertEquals(mails, Mails.count(c.mail(), a.email()), "no email");
                            return r;
                        }));
    }
}
