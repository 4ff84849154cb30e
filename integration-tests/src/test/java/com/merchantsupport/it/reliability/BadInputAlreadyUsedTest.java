package com.merchantsupport.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;

import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.FormBrowser.Reply;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantSupportServer;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

/** Bad input at the "You already have an account" page: the page again or the form, the owner's account untouched. */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class BadInputAlreadyUsedTest extends BadInput {

    private static final BadInputAccounts ACCOUNTS = new BadInputAccounts();

    private static final String ENDPOINT = "already-used page";

    static List<Case> cases() {
        return List.of(
                new Case("A01 the page", ENDPOINT, "register with an address that has an account", "200 '" + ALREADY_USED + "'; account unchanged; no email",
                        c -> alreadyUsed(c, null, ALREADY_USED)),
                new Case("A02 resend", ENDPOINT, "action=resend", "the already-used page again; account unchanged; no email",
                        c -> alreadyUsed(c, FormBrowser.form("action", "resend"), ALREADY_USED)),
                new Case("A03 script as action", ENDPOINT, "action=" + SCRIPT, "the already-used page again; not echoed",
                        c -> alreadyUsed(c, FormBrowser.form("action", SCRIPT), ALREADY_USED)),
                new Case("A04 restart", ENDPOINT, "action=restart", "the registration form; account unchanged",
                        c -> alreadyUsed(c, FormBrowser.form("action", "restart"), "#kc-register-form")),
                new Case("A05 wrong method", ENDPOINT, "PUT on the page's form action", "405; account unchanged",
                        c -> {
                            BadInputAccounts.Account owner = ACCOUNTS.existing(c);
                            FormBrowser browser = new FormBrowser();
                            Reply page = Journey.register(browser, "Someone", owner.email()).reply();
                            Reply r = browser.send("PUT", page.formAction("form:has(#merchant-restart)"), FormBrowser.FORM, FormBrowser.form("action", "restart")).reply();
                            assertEquals(405, r.status());
                            assertEquals(owner.snapshot(), Accounts.snapshot(c.realm(), owner.id()));
                            return r;
                        }));
    }

    /** An address that has an account: the already-used page, then (optionally) a post on it. */
    static Reply alreadyUsed(Ctx c, String body, String expect) {
        BadInputAccounts.Account owner = ACCOUNTS.existing(c);
        int mails = Mails.count(c.mail(), owner.email());
        FormBrowser browser = new FormBrowser();
        Reply r = Journey.register(browser, "Someone Else", owner.email().toUpperCase()).reply();
        page(r, 200, ALREADY_USED, owner.email());
        if (body != null) {
            r = browser.post(r.formAction("form:has(#merchant-restart)"), FormBrowser.FORM, body).reply();
        }
        Reply last = r;
        if (expect.startsWith("#")) {
            assertEquals(200, last.status(), last::message);
            assertNotNull(last.page().selectFirst(expect), () -> expect + " on:\n" + last.text());
        } else {
            page(last, 200, expect);
        }
        assertEquals(owner.snapshot(), Accounts.snapshot(c.realm(), owner.id()), "the owner's account unchanged");
        assertEquals(1, Accounts.withEmail(c.realm(), owner.email()).size());
        assertEquals(mails, Mails.count(c.mail(), owner.email()), "reveal mode mails nobody");
        return last;
    }
}
