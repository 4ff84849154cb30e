package com.merchantsupport.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.FormBrowser.Reply;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

/** Bad input at the "Create your password" form: the form again with its message, or a 4xx; never half a password. */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class BadInputCreatePasswordTest extends BadInput {

    private static final String ENDPOINT = "create-password form (POST)";

    static List<Case> cases() {
        return List.of(
                new Case("P01 confirmation differs", ENDPOINT, "password-confirm ≠ password-new", "form again, confirmation error; no password",
                        c -> refusedPassword(c, "p01", FormBrowser.FORM, FormBrowser.form("password-new", Journey.PASSWORD, "password-confirm", Journey.PASSWORD + "x"),
                                "#input-error-password-confirm")),
                new Case("P02 both empty", ENDPOINT, "password-new= password-confirm=", "form again: 'Please specify password.'; no password",
                        c -> refusedPassword(c, "p02", FormBrowser.FORM, FormBrowser.form("password-new", "", "password-confirm", ""), "#input-error-password-new")),
                new Case("P03 100 KB password", ENDPOINT, "password = 100 KB (policy maxLength 128)", "form again, policy message; no password",
                        c -> refusedPassword(c, "p03", FormBrowser.FORM, FormBrowser.form("password-new", KB100, "password-confirm", KB100), "#input-error-password-new")),
                new Case("P04 1 MB body", ENDPOINT, "password = 1 MB", "4xx or the policy message; no password",
                        c -> refusedPassword(c, "p04", FormBrowser.FORM, FormBrowser.form("password-new", MB1, "password-confirm", MB1), null)),
                new Case("P05 JSON body", ENDPOINT, "Content-Type: application/json, matching passwords", "4xx or the form again; no password",
                        c -> refusedPassword(c, "p05", FormBrowser.JSON, FormBrowser.json(Map.of("password-new", Journey.PASSWORD, "password-confirm", Journey.PASSWORD)), null)),
                new Case("P06 two password-new values", ENDPOINT, "password-new=A&password-new=B&password-confirm=B", "the first counts: confirmation error; no password",
                        c -> refusedPassword(c, "p06", FormBrowser.FORM, FormBrowser.form("password-new", Journey.PASSWORD, "password-new", Journey.PASSWORD + "B",
                                "password-confirm", Journey.PASSWORD + "B"), "#input-error-password-confirm")),
                new Case("P07 multipart body", ENDPOINT, "multipart/form-data, matching passwords", "a 4xx, the form again, or the password created: never half",
                        c -> {
                            FormBrowser browser = new FormBrowser();
                            String email = Accounts.newEmail("bad-p07");
                            Reply form = Journey.createPasswordPage(browser, c.mail(), "Multipart Merchant", email).reply();
                            FormBrowser.Multipart body = FormBrowser.multipart(Map.of("password-new", Journey.PASSWORD, "password-confirm", Journey.PASSWORD));
                            Reply r = browser.send("POST", form.formAction(Journey.CREATE_PASSWORD_FORM), body.contentType(), body.body()).reply();
                            UserRepresentation user = Accounts.one(c.realm(), email);
                            if (Accounts.credentials(c.realm(), user.getId()).isEmpty()) {
                                assertTrue(r.status() >= 400 || r.page().selectFirst(Journey.CREATE_PASSWORD_FORM) != null, r::message);
                                assertEquals(List.of("awaiting-password"), user.getAttributes().get("merchantJourney"));
                            } else {
                                assertEquals(List.of("completed"), user.getAttributes().get("merchantJourney"), "whole: journey completed");
                            }
                            return r;
                        }),
                wrongMethod("P08", ENDPOINT, "PUT", BadInputCreatePasswordTest::createPasswordAction),
                wrongMethod("P09", ENDPOINT, "DELETE", BadInputCreatePasswordTest::createPasswordAction),
                wrongMethod("P10", ENDPOINT, "PATCH", BadInputCreatePasswordTest::createPasswordAction),
                new Case("P11 hostile name greeted", ENDPOINT, "account named " + IMG + ", its create-password page",
                        "page escapes the name in 'Welcome …!'",
                        c -> {
                            Reply r = Journey.createPasswordPage(new FormBrowser(), c.mail(), IMG, Accounts.newEmail("bad-p11")).reply();
                            page(r, 200, CREATE_PASSWORD);
                            assertTrue(r.body().contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), "greeting escaped");
                            return r;
                        }),
                new Case("P12 markup as password", ENDPOINT, "password = " + SCRIPT + "-2026 (both fields)",
                        "accepted (it is a valid password), never echoed; journey completed",
                        c -> {
                            FormBrowser browser = new FormBrowser();
                            String email = Accounts.newEmail("bad-p12");
                            Reply form = Journey.createPasswordPage(browser, c.mail(), "Markup Password", email).reply();
                            String password = SCRIPT + "-2026";
                            Reply r = browser.post(form.formAction(Journey.CREATE_PASSWORD_FORM), FormBrowser.FORM,
                                    FormBrowser.form("password-new", password, "password-confirm", password)).reply();
                            assertTrue(r.location() != null && r.location().startsWith(MerchantRealm.HELP_CENTER_REDIRECT_URI), r::message);
                            assertFalse(r.body().contains("alert(1)"), "password not echoed");
                            UserRepresentation user = Accounts.one(c.realm(), email);
                            assertEquals(1, Accounts.credentials(c.realm(), user.getId()).size());
                            assertEquals(List.of("completed"), user.getAttributes().get("merchantJourney"));
                            return r;
                        }));
    }

    static String createPasswordAction(Ctx c) {
        return Journey.createPasswordPage(new FormBrowser(), c.mail(), "Method Merchant", Accounts.newEmail("bad-p-method")).reply().formAction(Journey.CREATE_PASSWORD_FORM);
    }

    static Reply refusedPassword(Ctx c, String id, String contentType, String body, String errorSelector) {
        FormBrowser browser = new FormBrowser();
        String email = Accounts.newEmail("bad-" + id);
        Reply form = Journey.createPasswordPage(browser, c.mail(), "Password Merchant", email).reply();
        Reply r = browser.post(form.formAction(Journey.CREATE_PASSWORD_FORM), contentType, body).reply();
        if (errorSelector != null) {
            page(r, 200, CREATE_PASSWORD);
            assertNotNull(r.page().selectFirst(errorSelector), () -> errorSelector + " on:\n" + r.text());
        } else {
            assertTrue(r.status() >= 400 || r.page().selectFirst(Journey.CREATE_PASSWORD_FORM) != null, r::message);
        }
        assertFalse(r.body().contains(Journey.PASSWORD), "the password is never echoed");
        UserRepresentation user = Accounts.one(c.realm(), email);
        assertTrue(Accounts.credentials(c.realm(), user.getId()).isEmpty(), "no password");
        assertEquals(List.of("awaiting-password"), user.getAttributes().get("merchantJourney"));
        return r;
    }
}
