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
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Texts;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

/** Bad input at the registration form's POST ("Connect"): the form again with its message and no account, or a 4xx. */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class BadInputRegistrationFormTest extends BadInput {

    private static final String ENDPOINT = "registration form (POST)";

    static final String NAME_TOO_LONG = Texts.en("merchantNameTooLong", 255);
    static final String NAME_CONTROL = Texts.en("merchantNameControlCharacters");
    static final String NAME_MISSING = Texts.en("merchantNameMissing");
    static final String EMAIL_MISSING = Texts.en("merchantEmailMissing");
    static final String EMAIL_TOO_LONG = Texts.en("merchantEmailTooLong", 254);
    static final String EMAIL_INVALID = Texts.en("merchantEmailInvalid");
    static final String CAPTCHA_MISSING = Texts.en("captchaMissing");
    static final String CAPTCHA_FAILED = Texts.en("captchaFailed");
    /** Keycloak's own, from the user profile's email validator (the pack's first sieve lets the address through). */
    static final String EMAIL_INVALID_KEYCLOAK = "Invalid email address.";
    /** Keycloak's own. */
    static final String EMAIL_NOT_ASCII = "Local part of the address must contain only ASCII characters.";

    static List<Case> cases() {
        return List.of(
                new Case("R01 oversize name", ENDPOINT, "name = 100 KB", "form again: '" + NAME_TOO_LONG + "'; no account",
                        c -> refusedRegistration(c, "r01", KB100, null, NAME_TOO_LONG)),
                new Case("R02 oversize email", ENDPOINT, "email = 10 KB", "form again: '" + EMAIL_TOO_LONG + "'; no account",
                        c -> {
                            String marker = marker("r02");
                            Reply r = Journey.register(new FormBrowser(), "Ada", marker + "a".repeat(10 * 1024) + "@shop.test").reply();
                            formRefusal(r, EMAIL_TOO_LONG);
                            assertNoAccount(c, marker);
                            return r;
                        }),
                new Case("R03 1 MB body", ENDPOINT, "name = 1 MB (body ≈ 1 MB)", "refused (4xx or name message); no account",
                        c -> {
                            String email = Accounts.newEmail("bad-r03");
                            FormBrowser browser = new FormBrowser();
                            String action = Journey.openRegistration(browser).reply().formAction(Journey.REGISTER_FORM);
                            Reply r = browser.post(action, FormBrowser.FORM, FormBrowser.form("name", MB1, "email", email,
                                    "altcha", solve())).reply();
                            assertTrue(r.status() >= 400 || r.text().contains(NAME_TOO_LONG), r::message);
                            assertNoAccount(c, email);
                            return r;
                        }),
                new Case("R04 Arabic name", ENDPOINT, "name = مريم الأحمد", "mailbox page; account with the name as typed",
                        c -> acceptedRegistration(c, "r04", "مريم الأحمد")),
                new Case("R05 Hebrew name", ENDPOINT, "name = דוד בן־גוריון", "mailbox page; account with the name as typed",
                        c -> acceptedRegistration(c, "r05", "דוד בן־גוריון")),
                new Case("R06 RLO in name", ENDPOINT, "name = Ada\u202Egnp.exe", "form again: '" + NAME_CONTROL + "'; no account",
                        c -> refusedRegistration(c, "r06", "Ada\u202Egnp.exe", null, NAME_CONTROL)),
                new Case("R07 control characters in name", ENDPOINT, "name = Ada\u0000\u0007", "form again: '" + NAME_CONTROL + "'; no account",
                        c -> refusedRegistration(c, "r07", "Ada\u0000\u0007Lovelace", null, NAME_CONTROL)),
                new Case("R08 CR/LF header injection in name", ENDPOINT, "name = Ada\r\nBcc: " + EVIL,
                        "form again: '" + NAME_CONTROL + "'; no account; no mail to " + EVIL,
                        c -> {
                            Reply r = refusedRegistration(c, "r08", "Ada\r\nBcc: " + EVIL, null, NAME_CONTROL);
                            assertEquals(0, Mails.count(c.mail(), EVIL), "no mail to the injected address");
                            return r;
                        }),
                new Case("R09 CR/LF header injection in email", ENDPOINT, "email = …@shop.test\r\nBcc: " + EVIL,
                        "form again: '" + EMAIL_INVALID + "'; no account; no mail to " + EVIL,
                        c -> {
                            String email = Accounts.newEmail("bad-r09");
                            Reply r = Journey.register(new FormBrowser(), "Ada", email + "\r\nBcc: " + EVIL).reply();
                            formRefusal(r, EMAIL_INVALID);
                            assertNoAccount(c, email);
                            assertEquals(0, Mails.count(c.mail(), EVIL), "no mail to the injected address");
                            return r;
                        }),
                new Case("R10 script in name, echoed", ENDPOINT, "name = " + SCRIPT + ", email invalid",
                        "form again, name escaped (&lt;script&gt;)",
                        c -> {
                            Reply r = refusedRegistration(c, "r10", SCRIPT, "not-an-email", EMAIL_INVALID);
                            assertTrue(r.body().contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "name echoed escaped");
                            return r;
                        }),
                new Case("R11 attribute breakout in name, echoed", ENDPOINT, "name = " + IMG + ", email invalid",
                        "form again, name escaped (&quot;&gt;&lt;img…)",
                        c -> {
                            Reply r = refusedRegistration(c, "r11", IMG, "not-an-email", EMAIL_INVALID);
                            assertTrue(r.body().contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), "name echoed escaped");
                            return r;
                        }),
                new Case("R12 script name, welcome email", ENDPOINT, "name = " + SCRIPT + ", valid email",
                        "account (names may hold '<'); the welcome email's HTML escapes the name",
                        c -> {
                            String email = Accounts.newEmail("bad-r12");
                            Reply r = Journey.register(new FormBrowser(), SCRIPT, email).reply();
                            page(r, 200, MAILBOX);
                            assertEquals(List.of(SCRIPT), Accounts.one(c.realm(), email).getAttributes().get("name"));
                            String html = Mails.html(Mails.newest(c.mail(), email));
                            assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "name escaped in the email's HTML:\n" + html);
                            assertFalse(html.toLowerCase().contains("<script"), "no script element in the email");
                            return r;
                        }),
                new Case("R13 script in email", ENDPOINT, "email = " + SCRIPT + "…@shop.test", "form again: '" + EMAIL_INVALID_KEYCLOAK + "', escaped",
                        c -> {
                            String marker = marker("r13");
                            Reply r = Journey.register(new FormBrowser(), marker, SCRIPT + marker + "@shop.test").reply();
                            formRefusal(r, EMAIL_INVALID_KEYCLOAK);
                            assertTrue(r.body().contains("&lt;script&gt;alert(1)&lt;/script&gt;" + marker), "email echoed escaped");
                            assertNoAccount(c, marker + "@shop.test");
                            return r;
                        }),
                new Case("R14 SQL-looking name", ENDPOINT, "name = " + SQL, "mailbox page; one account, name stored verbatim",
                        c -> acceptedRegistration(c, "r14", SQL)),
                new Case("R15 SQL-looking email", ENDPOINT, "email = " + SQL + "@shop.test", "form again: '" + EMAIL_INVALID + "'; no account",
                        c -> {
                            Reply r = Journey.register(new FormBrowser(), "Ada", SQL + "@shop.test").reply();
                            formRefusal(r, EMAIL_INVALID);
                            assertTrue(c.realm().admin().users().search("OR 1=1", 0, 5).isEmpty(), "no account");
                            return r;
                        }),
                new Case("R16 name missing", ENDPOINT, "no name= parameter", "form again: '" + NAME_MISSING + "'; no account",
                        c -> {
                            String email = Accounts.newEmail("bad-r16");
                            Reply r = registerRaw(FormBrowser.FORM, FormBrowser.form("email", email, "altcha", solve()));
                            formRefusal(r, NAME_MISSING);
                            assertNoAccount(c, email);
                            return r;
                        }),
                new Case("R17 email missing", ENDPOINT, "no email= parameter", "form again: '" + EMAIL_MISSING + "'",
                        c -> formRefusal(registerRaw(FormBrowser.FORM, FormBrowser.form("name", "Ada", "altcha", solve())), EMAIL_MISSING)),
                new Case("R18 captcha missing", ENDPOINT, "no altcha= parameter", "form again: '" + CAPTCHA_MISSING + "'; no account",
                        c -> {
                            String email = Accounts.newEmail("bad-r18");
                            Reply r = registerRaw(FormBrowser.FORM, FormBrowser.form("name", "Ada", "email", email));
                            formRefusal(r, CAPTCHA_MISSING);
                            assertNoAccount(c, email);
                            return r;
                        }),
                new Case("R19 empty body", ENDPOINT, "empty form", "form again: '" + CAPTCHA_MISSING + "'",
                        c -> formRefusal(registerRaw(FormBrowser.FORM, ""), CAPTCHA_MISSING)),
                new Case("R20 two email= values", ENDPOINT, "email=a…&email=b…", "the first counts: one account for a, none for b",
                        c -> {
                            String first = Accounts.newEmail("bad-r20a");
                            String second = Accounts.newEmail("bad-r20b");
                            Reply r = registerRaw(FormBrowser.FORM, FormBrowser.form("name", "Ada", "email", first, "email", second, "altcha", solve()));
                            page(r, 200, MAILBOX, first);
                            assertEquals(1, Accounts.withEmail(c.realm(), first).size());
                            assertNoAccount(c, second);
                            return r;
                        }),
                new Case("R21 two name= values", ENDPOINT, "name=First&name=Second", "the first counts",
                        c -> {
                            String email = Accounts.newEmail("bad-r21");
                            Reply r = registerRaw(FormBrowser.FORM, FormBrowser.form("name", "First", "name", "Second", "email", email, "altcha", solve()));
                            page(r, 200, MAILBOX);
                            assertEquals(List.of("First"), Accounts.one(c.realm(), email).getAttributes().get("name"));
                            return r;
                        }),
                new Case("R22 two altcha= values", ENDPOINT, "altcha=<junk>&altcha=<valid>", "the first counts: '" + CAPTCHA_FAILED + "'; no account",
                        c -> {
                            String email = Accounts.newEmail("bad-r22");
                            Reply r = registerRaw(FormBrowser.FORM, FormBrowser.form("name", "Ada", "email", email, "altcha", "junk", "altcha", solve()));
                            formRefusal(r, CAPTCHA_FAILED);
                            assertNoAccount(c, email);
                            return r;
                        }),
                new Case("R23 captcha payload is script", ENDPOINT, "altcha = " + SCRIPT, "form again: '" + CAPTCHA_FAILED + "'",
                        c -> {
                            String email = Accounts.newEmail("bad-r23");
                            Reply r = registerRaw(FormBrowser.FORM, FormBrowser.form("name", "Ada", "email", email, "altcha", SCRIPT));
                            formRefusal(r, CAPTCHA_FAILED);
                            assertNoAccount(c, email);
                            return r;
                        }),
                new Case("R24 JSON body", ENDPOINT, "Content-Type: application/json, valid fields", "no form fields read: a 4xx or the form again; no account",
                        c -> {
                            String email = Accounts.newEmail("bad-r24");
                            Reply r = registerRaw(FormBrowser.JSON, FormBrowser.json(Map.of("name", "Ada", "email", email, "altcha", solve())));
                            assertTrue(r.status() >= 400 || r.text().contains(CAPTCHA_MISSING), r::message);
                            assertNoAccount(c, email);
                            return r;
                        }),
                new Case("R25 multipart body", ENDPOINT, "multipart/form-data, valid fields", "a 4xx or handled like the form; never half an account",
                        c -> {
                            String email = Accounts.newEmail("bad-r25");
                            FormBrowser browser = new FormBrowser();
                            String action = Journey.openRegistration(browser).reply().formAction(Journey.REGISTER_FORM);
                            FormBrowser.Multipart body = FormBrowser.multipart(Map.of("name", "Ada", "email", email, "altcha", solve()));
                            Reply r = browser.send("POST", action, body.contentType(), body.body()).reply();
                            List<UserRepresentation> made = Accounts.withEmail(c.realm(), email);
                            if (made.isEmpty()) {
                                assertTrue(r.status() >= 400 || r.page().selectFirst(Journey.REGISTER_FORM) != null, r::message);
                            } else {
                                page(r, 200, MAILBOX);
                                assertEquals(List.of("merchant-create-password"), made.get(0).getRequiredActions(), "a whole account");
                            }
                            return r;
                        }),
                wrongMethod("R26", ENDPOINT, "PUT", BadInputRegistrationFormTest::registrationAction),
                wrongMethod("R27", ENDPOINT, "DELETE", BadInputRegistrationFormTest::registrationAction),
                wrongMethod("R28", ENDPOINT, "PATCH", BadInputRegistrationFormTest::registrationAction),
                new Case("R29 emoji with joiner in name", ENDPOINT, "name = 👩‍💻 Ada", "mailbox page; account with the name as typed",
                        c -> acceptedRegistration(c, "r29", "👩‍💻 Ada")),
                new Case("R30 internationalized email", ENDPOINT, "email = müller-…@bücher.test",
                        "either the mailbox page and one account, or '" + EMAIL_NOT_ASCII + "' and none",
                        c -> {
                            String marker = marker("r30");
                            String email = "müller-" + marker + "@bücher.test";
                            Reply r = Journey.register(new FormBrowser(), "Jürgen Müller", email).reply();
                            List<UserRepresentation> made = c.realm().admin().users().search(marker, 0, 5);
                            if (made.isEmpty()) {
                                formRefusal(r, EMAIL_NOT_ASCII);
                            } else {
                                page(r, 200, MAILBOX);
                                assertEquals(1, made.size());
                            }
                            return r;
                        }));
    }

    static String registrationAction(Ctx c) {
        return Journey.openRegistration(new FormBrowser()).reply().formAction(Journey.REGISTER_FORM);
    }

    static Reply registerRaw(String contentType, String body) {
        FormBrowser browser = new FormBrowser();
        String action = Journey.openRegistration(browser).reply().formAction(Journey.REGISTER_FORM);
        return browser.post(action, contentType, body).reply();
    }

    /** Registration refused on the form itself: the form again, with the message, and no account. */
    static Reply refusedRegistration(Ctx c, String id, String name, String email, String message) {
        String address = email == null ? Accounts.newEmail("bad-" + id) : email;
        Reply r = Journey.register(new FormBrowser(), name, address).reply();
        formRefusal(r, message);
        if (email == null) {
            assertNoAccount(c, address);
        }
        return r;
    }

    static Reply acceptedRegistration(Ctx c, String id, String name) {
        String email = Accounts.newEmail("bad-" + id);
        Reply r = Journey.register(new FormBrowser(), name, email).reply();
        page(r, 200, MAILBOX, email);
        UserRepresentation user = Accounts.one(c.realm(), email);
        assertEquals(List.of(name), user.getAttributes().get("name"), "name stored as typed");
        assertEquals(List.of("merchant-create-password"), user.getRequiredActions());
        return r;
    }

    static Reply formRefusal(Reply r, String message) {
        assertTrue(r.status() == 200 || r.status() == 400, () -> "form refusal answered " + r.statuses() + ": " + r.message());
        assertNotNull(r.page().selectFirst(Journey.REGISTER_FORM), () -> "the form again:\n" + r.text());
        assertTrue(r.text().contains(message), () -> "message '" + message + "' on:\n" + r.text());
        return r;
    }
}
