package com.merchantsupport.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.AltchaSolver;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;
import org.opentest4j.TestAbortedException;

/**
 * Issue 8, "Bad input": every form and endpoint the pack adds, fed what no merchant would send. Each case must end
 * with a clear message on the page or a 4xx, never a 5xx; no account may be made or changed by it; nothing sent
 * back may run as script. The table of cases and what the server answered is written to
 * {@code target/reliability-table.md} (docs/RELIABILITY.md holds a reviewed copy).
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class BadInputTest {

    static final String SCRIPT = "<script>alert(1)</script>";
    static final String IMG = "\"><img src=x onerror=alert(1)>";
    static final String SQL = "' OR 1=1 --";
    static final String KB100 = "A".repeat(100 * 1024);
    static final String MB1 = "A".repeat(1024 * 1024);
    static final String EVIL = "x@evil.test";

    // Messages of the login theme (messages_en.properties) and of Keycloak.
    static final String NAME_TOO_LONG = "Your name can have at most 255 characters.";
    static final String NAME_CONTROL = "Your name contains characters that cannot be used";
    static final String NAME_MISSING = "Please fill in your name.";
    static final String EMAIL_MISSING = "Please fill in your email address.";
    static final String EMAIL_TOO_LONG = "An email address can have at most 254 characters.";
    static final String EMAIL_INVALID = "This is not a valid email address";
    /** Keycloak's own, from the user profile's email validator (the pack's first sieve lets the address through). */
    static final String EMAIL_INVALID_KEYCLOAK = "Invalid email address.";
    static final String EMAIL_NOT_ASCII = "Local part of the address must contain only ASCII characters.";
    static final String CAPTCHA_MISSING = "The anti-robot check did not run";
    static final String CAPTCHA_FAILED = "We could not confirm that you are not a robot";
    static final String MAILBOX = "Check your mailbox";
    static final String MAILBOX_LIMITED = "Please wait a minute";
    /** Marker for {@link #mailboxAction}: the page as first shown, "We sent an email to ADDRESS". */
    static final String SENT_TO = "We sent an email to";
    static final String ALREADY_USED = "You already have an account";
    static final String CREATE_PASSWORD = "Create your password";
    static final String DAMAGED = "This link cannot be used";
    static final String USED = "Your password is already created";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ReliabilityTable TABLE = new ReliabilityTable();
    private static Shared shared;

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    /** What a case runs against. */
    record Ctx(ManagedRealm realm, MailServer mail, Shared shared) {
    }

    @FunctionalInterface
    interface Run {
        Http.Reply run(Ctx ctx) throws Exception;
    }

    /**
     * One row of the table. {@code upstream}: a defect of Keycloak itself (not the pack) that this case pins: the case
     * asserts Keycloak's current answer, so an upgrade that fixes it shows here.
     */
    record Case(String id, String endpoint, String input, String expected, Run run, String upstream) {
        Case(String id, String endpoint, String input, String expected, Run run) {
            this(id, endpoint, input, expected, run, null);
        }

        @Override
        public String toString() {
            return id + " " + endpoint + " " + ReliabilityTable.cell(input.length() > 60 ? input.substring(0, 60) + "…" : input);
        }
    }

    @BeforeAll
    static void fresh() {
        TABLE.clear();
        shared = null;
    }

    @BeforeEach
    void share() {
        if (shared == null) {
            shared = new Shared(realm, mail);
        }
    }

    @AfterAll
    static void writeTable() throws Exception {
        TABLE.write(ReliabilityTable.file("reliability-table.md"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInput(Case c) throws Throwable {
        Http.Reply reply;
        try {
            reply = c.run().run(new Ctx(realm, mail, shared));
            assertNotNull(reply, "the case returns the answer it checked");
            if (c.upstream() == null) {
                assertFalse(reply.anyServerError(), () -> "a 5xx: " + reply.statuses() + " at " + reply.uri() + "\n" + reply.message());
            }
            assertNoActiveMarkup(reply);
        } catch (TestAbortedException skipped) {
            TABLE.add(new ReliabilityTable.Row(c.id(), c.endpoint(), c.input(), c.expected(), "not run: " + skipped.getMessage(), "skipped"));
            throw skipped;
        } catch (Throwable failed) {
            TABLE.add(new ReliabilityTable.Row(c.id(), c.endpoint(), c.input(), c.expected(),
                    "FAILED: " + String.valueOf(failed.getMessage()).lines().findFirst().orElse(""), "FAIL"));
            throw failed;
        }
        TABLE.add(new ReliabilityTable.Row(c.id(), c.endpoint(), c.input(), c.expected(),
                reply.statuses() + ": " + reply.message(), c.upstream() == null ? "pass" : "pass (pinned): " + c.upstream()));
    }

    // ------------------------------------------------------------------------------------------------ the table

    static Stream<Case> cases() {
        List<Case> all = new ArrayList<>();
        all.addAll(registration());
        all.addAll(challenge());
        all.addAll(welcomeOpen());
        all.addAll(welcomeResend());
        all.addAll(createPassword());
        all.addAll(mailbox());
        all.addAll(alreadyUsed());
        all.addAll(broker());
        return all.stream();
    }

    private static final String REG = "registration form (POST)";

    static List<Case> registration() {
        return List.of(
                new Case("R01 oversize name", REG, "name = 100 KB", "form again: '" + NAME_TOO_LONG + "'; no account",
                        c -> refusedRegistration(c, "r01", KB100, null, NAME_TOO_LONG)),
                new Case("R02 oversize email", REG, "email = 10 KB", "form again: '" + EMAIL_TOO_LONG + "'; no account",
                        c -> {
                            String marker = marker("r02");
                            Http.Reply r = Journeys.register(new Http(), "Ada", marker + "a".repeat(10 * 1024) + "@shop.test");
                            formRefusal(r, EMAIL_TOO_LONG);
                            assertNoAccount(c, marker);
                            return r;
                        }),
                new Case("R03 1 MB body", REG, "name = 1 MB (body ≈ 1 MB)", "refused (4xx or name message); no account",
                        c -> {
                            String email = Accounts.newEmail("bad-r03");
                            Http http = new Http();
                            String action = Journeys.registrationPage(http).formAction(Journeys.REGISTER_FORM);
                            Http.Reply r = http.post(action, Http.FORM, Http.form("name", MB1, "email", email,
                                    "altcha", AltchaSolver.solve(MerchantRealm.NAME)));
                            assertTrue(r.status() >= 400 || r.text().contains(NAME_TOO_LONG), r::message);
                            assertNoAccount(c, email);
                            return r;
                        }),
                new Case("R04 Arabic name", REG, "name = مريم الأحمد", "mailbox page; account with the name as typed",
                        c -> acceptedRegistration(c, "r04", "مريم الأحمد")),
                new Case("R05 Hebrew name", REG, "name = דוד בן־גוריון", "mailbox page; account with the name as typed",
                        c -> acceptedRegistration(c, "r05", "דוד בן־גוריון")),
                new Case("R06 RLO in name", REG, "name = Ada\u202Egnp.exe", "form again: '" + NAME_CONTROL + "'; no account",
                        c -> refusedRegistration(c, "r06", "Ada\u202Egnp.exe", null, NAME_CONTROL)),
                new Case("R07 control characters in name", REG, "name = Ada\u0000\u0007", "form again: '" + NAME_CONTROL + "'; no account",
                        c -> refusedRegistration(c, "r07", "Ada\u0000\u0007Lovelace", null, NAME_CONTROL)),
                new Case("R08 CR/LF header injection in name", REG, "name = Ada\r\nBcc: " + EVIL,
                        "form again: '" + NAME_CONTROL + "'; no account; no mail to " + EVIL,
                        c -> {
                            Http.Reply r = refusedRegistration(c, "r08", "Ada\r\nBcc: " + EVIL, null, NAME_CONTROL);
                            assertEquals(0, Journeys.mailCount(c.mail(), EVIL), "no mail to the injected address");
                            return r;
                        }),
                new Case("R09 CR/LF header injection in email", REG, "email = …@shop.test\r\nBcc: " + EVIL,
                        "form again: '" + EMAIL_INVALID + "'; no account; no mail to " + EVIL,
                        c -> {
                            String email = Accounts.newEmail("bad-r09");
                            Http.Reply r = Journeys.register(new Http(), "Ada", email + "\r\nBcc: " + EVIL);
                            formRefusal(r, EMAIL_INVALID);
                            assertNoAccount(c, email);
                            assertEquals(0, Journeys.mailCount(c.mail(), EVIL), "no mail to the injected address");
                            return r;
                        }),
                new Case("R10 script in name, echoed", REG, "name = " + SCRIPT + ", email invalid",
                        "form again, name escaped (&lt;script&gt;)",
                        c -> {
                            Http.Reply r = refusedRegistration(c, "r10", SCRIPT, "not-an-email", EMAIL_INVALID);
                            assertTrue(r.body().contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "name echoed escaped");
                            return r;
                        }),
                new Case("R11 attribute breakout in name, echoed", REG, "name = " + IMG + ", email invalid",
                        "form again, name escaped (&quot;&gt;&lt;img…)",
                        c -> {
                            Http.Reply r = refusedRegistration(c, "r11", IMG, "not-an-email", EMAIL_INVALID);
                            assertTrue(r.body().contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), "name echoed escaped");
                            return r;
                        }),
                new Case("R12 script name, welcome email", REG, "name = " + SCRIPT + ", valid email",
                        "account (names may hold '<'); the welcome email's HTML escapes the name",
                        c -> {
                            String email = Accounts.newEmail("bad-r12");
                            Http.Reply r = Journeys.register(new Http(), SCRIPT, email);
                            page(r, 200, MAILBOX);
                            assertEquals(List.of(SCRIPT), Accounts.one(c.realm(), email).getAttributes().get("name"));
                            String html = Mails.html(Journeys.awaitMail(c.mail(), email, "Welcome"));
                            assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "name escaped in the email's HTML:\n" + html);
                            assertFalse(html.toLowerCase().contains("<script"), "no script element in the email");
                            return r;
                        }),
                new Case("R13 script in email", REG, "email = " + SCRIPT + "…@shop.test", "form again: '" + EMAIL_INVALID_KEYCLOAK + "', escaped",
                        c -> {
                            String marker = marker("r13");
                            Http.Reply r = Journeys.register(new Http(), marker, SCRIPT + marker + "@shop.test");
                            formRefusal(r, EMAIL_INVALID_KEYCLOAK);
                            assertTrue(r.body().contains("&lt;script&gt;alert(1)&lt;/script&gt;" + marker), "email echoed escaped");
                            assertNoAccount(c, marker + "@shop.test");
                            return r;
                        }),
                new Case("R14 SQL-looking name", REG, "name = " + SQL, "mailbox page; one account, name stored verbatim",
                        c -> acceptedRegistration(c, "r14", SQL)),
                new Case("R15 SQL-looking email", REG, "email = " + SQL + "@shop.test", "form again: '" + EMAIL_INVALID + "'; no account",
                        c -> {
                            Http.Reply r = Journeys.register(new Http(), "Ada", SQL + "@shop.test");
                            formRefusal(r, EMAIL_INVALID);
                            assertTrue(c.realm().admin().users().search("OR 1=1", 0, 5).isEmpty(), "no account");
                            return r;
                        }),
                new Case("R16 name missing", REG, "no name= parameter", "form again: '" + NAME_MISSING + "'; no account",
                        c -> {
                            String email = Accounts.newEmail("bad-r16");
                            Http.Reply r = registerRaw(Http.FORM, Http.form("email", email, "altcha", solve()));
                            formRefusal(r, NAME_MISSING);
                            assertNoAccount(c, email);
                            return r;
                        }),
                new Case("R17 email missing", REG, "no email= parameter", "form again: '" + EMAIL_MISSING + "'",
                        c -> formRefusal(registerRaw(Http.FORM, Http.form("name", "Ada", "altcha", solve())), EMAIL_MISSING)),
                new Case("R18 captcha missing", REG, "no altcha= parameter", "form again: '" + CAPTCHA_MISSING + "…'; no account",
                        c -> {
                            String email = Accounts.newEmail("bad-r18");
                            Http.Reply r = registerRaw(Http.FORM, Http.form("name", "Ada", "email", email));
                            formRefusal(r, CAPTCHA_MISSING);
                            assertNoAccount(c, email);
                            return r;
                        }),
                new Case("R19 empty body", REG, "empty form", "form again: '" + CAPTCHA_MISSING + "…'",
                        c -> formRefusal(registerRaw(Http.FORM, ""), CAPTCHA_MISSING)),
                new Case("R20 two email= values", REG, "email=a…&email=b…", "the first counts: one account for a, none for b",
                        c -> {
                            String first = Accounts.newEmail("bad-r20a");
                            String second = Accounts.newEmail("bad-r20b");
                            Http.Reply r = registerRaw(Http.FORM, Http.form("name", "Ada", "email", first, "email", second, "altcha", solve()));
                            page(r, 200, MAILBOX, first);
                            assertEquals(1, Accounts.withEmail(c.realm(), first).size());
                            assertNoAccount(c, second);
                            return r;
                        }),
                new Case("R21 two name= values", REG, "name=First&name=Second", "the first counts",
                        c -> {
                            String email = Accounts.newEmail("bad-r21");
                            Http.Reply r = registerRaw(Http.FORM, Http.form("name", "First", "name", "Second", "email", email, "altcha", solve()));
                            page(r, 200, MAILBOX);
                            assertEquals(List.of("First"), Accounts.one(c.realm(), email).getAttributes().get("name"));
                            return r;
                        }),
                new Case("R22 two altcha= values", REG, "altcha=<junk>&altcha=<valid>", "the first counts: '" + CAPTCHA_FAILED + "…'; no account",
                        c -> {
                            String email = Accounts.newEmail("bad-r22");
                            Http.Reply r = registerRaw(Http.FORM, Http.form("name", "Ada", "email", email, "altcha", "junk", "altcha", solve()));
                            formRefusal(r, CAPTCHA_FAILED);
                            assertNoAccount(c, email);
                            return r;
                        }),
                new Case("R23 captcha payload is script", REG, "altcha = " + SCRIPT, "form again: '" + CAPTCHA_FAILED + "…'",
                        c -> {
                            String email = Accounts.newEmail("bad-r23");
                            Http.Reply r = registerRaw(Http.FORM, Http.form("name", "Ada", "email", email, "altcha", SCRIPT));
                            formRefusal(r, CAPTCHA_FAILED);
                            assertNoAccount(c, email);
                            return r;
                        }),
                new Case("R24 JSON body", REG, "Content-Type: application/json, valid fields", "no form fields read: a 4xx or the form again; no account",
                        c -> {
                            String email = Accounts.newEmail("bad-r24");
                            Http.Reply r = registerRaw(Http.JSON, Http.json(Map.of("name", "Ada", "email", email, "altcha", solve())));
                            assertTrue(r.status() >= 400 || r.text().contains(CAPTCHA_MISSING), r::message);
                            assertNoAccount(c, email);
                            return r;
                        }),
                new Case("R25 multipart body", REG, "multipart/form-data, valid fields", "a 4xx or handled like the form; never half an account",
                        c -> {
                            String email = Accounts.newEmail("bad-r25");
                            Http http = new Http();
                            String action = Journeys.registrationPage(http).formAction(Journeys.REGISTER_FORM);
                            Http.Multipart body = Http.multipart(Map.of("name", "Ada", "email", email, "altcha", solve()));
                            Http.Reply r = http.send("POST", action, body.contentType(), body.body(), true);
                            List<UserRepresentation> made = Accounts.withEmail(c.realm(), email);
                            if (made.isEmpty()) {
                                assertTrue(r.status() >= 400 || r.page().selectFirst(Journeys.REGISTER_FORM) != null, r::message);
                            } else {
                                page(r, 200, MAILBOX);
                                assertEquals(List.of("merchant-create-password"), made.get(0).getRequiredActions(), "a whole account");
                            }
                            return r;
                        }),
                wrongMethod("R26", REG, "PUT", BadInputTest::registrationAction),
                wrongMethod("R27", REG, "DELETE", BadInputTest::registrationAction),
                wrongMethod("R28", REG, "PATCH", BadInputTest::registrationAction),
                new Case("R29 emoji with joiner in name", REG, "name = 👩‍💻 Ada", "mailbox page; account with the name as typed",
                        c -> acceptedRegistration(c, "r29", "👩‍💻 Ada")),
                new Case("R30 internationalized email", REG, "email = müller-…@bücher.test",
                        "either the mailbox page and one account, or '" + EMAIL_NOT_ASCII + "' and none",
                        c -> {
                            String marker = marker("r30");
                            String email = "müller-" + marker + "@bücher.test";
                            Http.Reply r = Journeys.register(new Http(), "Jürgen Müller", email);
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

    private static final String CHALLENGE = "GET /altcha/challenge";

    static List<Case> challenge() {
        return List.of(
                new Case("C01 junk query parameters", CHALLENGE, "?maxnumber=1&algorithm=none&realm=master&x=" + SCRIPT,
                        "200, the realm's own challenge (parameters ignored), nothing echoed",
                        c -> {
                            Http.Reply r = new Http().get(challengeUrl() + "?maxnumber=1&algorithm=none&realm=master&x=" + Http.enc(SCRIPT));
                            assertEquals(200, r.status());
                            JsonNode challenge = JSON.readTree(r.body());
                            assertEquals("SHA-256", challenge.get("algorithm").asText());
                            assertTrue(challenge.get("maxnumber").asLong() >= 1000, "difficulty from the realm, not the query");
                            assertTrue(challenge.get("salt").asText().contains("realm=" + MerchantRealm.NAME));
                            assertFalse(r.body().contains("alert"), "nothing echoed");
                            return r;
                        }),
                wrongMethod("C02", CHALLENGE, "POST", c -> challengeUrl()),
                wrongMethod("C03", CHALLENGE, "PUT", c -> challengeUrl()),
                wrongMethod("C04", CHALLENGE, "DELETE", c -> challengeUrl()),
                wrongMethod("C05", CHALLENGE, "PATCH", c -> challengeUrl()),
                new Case("C06 1 MB POST body", CHALLENGE, "POST, 1 MB JSON body", "4xx (405 or 413)",
                        c -> {
                            Http.Reply r = new Http().post(challengeUrl(), Http.JSON, "{\"x\":\"" + MB1 + "\"}");
                            assertClientError(r);
                            return r;
                        }),
                new Case("C07 Accept: text/html", CHALLENGE, "Accept: text/html only", "the JSON challenge, or 406",
                        c -> {
                            Http.Reply r = new Http().get(challengeUrl(), Map.of("Accept", "text/html"));
                            assertTrue(r.status() == 200 || r.status() == 406, r::statuses);
                            return r;
                        }),
                new Case("C08 HEAD", CHALLENGE, "HEAD", "200 or 405, no body",
                        c -> {
                            Http.Reply r = new Http().send("HEAD", challengeUrl(), null, (byte[]) null, false);
                            assertTrue(r.status() == 200 || r.status() == 405, r::statuses);
                            assertEquals("", r.body());
                            return r;
                        }),
                new Case("C09 path junk", CHALLENGE, "/altcha/" + SCRIPT, "4xx (404, or 400 for the encoded slash)",
                        c -> {
                            Http.Reply r = new Http().get(Pages.realmUrl() + "/altcha/" + Http.enc(SCRIPT));
                            assertClientError(r);
                            return r;
                        }),
                new Case("C10 unknown realm", CHALLENGE, "/realms/no-such-realm/altcha/challenge", "404",
                        c -> {
                            Http.Reply r = new Http().get(Pages.base() + "/realms/no-such-realm/altcha/challenge");
                            assertEquals(404, r.status());
                            return r;
                        }));
    }

    private static final String OPEN = "GET /merchant-welcome/open";

    static List<Case> welcomeOpen() {
        return List.of(
                new Case("W01 key missing", OPEN, "no key=", "400 '" + DAMAGED + "'",
                        c -> damaged(new Http().get(Pages.realmUrl() + "/merchant-welcome/open"))),
                new Case("W02 key empty", OPEN, "key=", "400 '" + DAMAGED + "'",
                        c -> damaged(new Http().get(Journeys.openUrl("")))),
                new Case("W03 key cut in half", OPEN, "first half of a real key", "400 '" + DAMAGED + "'; account unchanged",
                        c -> forged(c, key -> key.substring(0, key.length() / 2))),
                new Case("W04 one character of the signature changed", OPEN, "real key, signature altered", "400 '" + DAMAGED + "'; account unchanged",
                        c -> forged(c, BadInputTest::flipSignature)),
                new Case("W05 payload altered", OPEN, "real key, sub/eml changed to another account, old signature",
                        "400 '" + DAMAGED + "'; neither account changed",
                        c -> {
                            Shared.Account victim = c.shared().completed();
                            Journeys.Snapshot before = Journeys.snapshot(c.realm(), victim.id());
                            Http.Reply r = forged(c, key -> withClaims(key, Map.of("sub", victim.id(), "eml", victim.email())));
                            assertEquals(before, Journeys.snapshot(c.realm(), victim.id()));
                            return r;
                        }),
                new Case("W06 alg none", OPEN, "header {\"alg\":\"none\"}, real payload, no signature", "400 '" + DAMAGED + "'; account unchanged",
                        c -> forged(c, key -> jwt("{\"alg\":\"none\",\"typ\":\"JWT\"}", part(key, 1), ""))),
                new Case("W07 HS256 with a guessed key", OPEN, "real payload signed HS256 with 'secret'", "400 '" + DAMAGED + "'; account unchanged",
                        c -> forged(c, key -> hs256(key, "secret"))),
                new Case("W08 10 KB key", OPEN, "key = 10 KB of base64url", "400 '" + DAMAGED + "'",
                        c -> damaged(new Http().get(Journeys.openUrl("eyJ" + "A".repeat(10 * 1024))))),
                new Case("W09 script as key", OPEN, "key = " + SCRIPT, "400 '" + DAMAGED + "', key not echoed",
                        c -> {
                            Http.Reply r = damaged(new Http().get(Journeys.openUrl(SCRIPT)));
                            assertFalse(r.body().contains("alert(1)"), "the key is not echoed");
                            return r;
                        }),
                new Case("W10 CR/LF after a real key", OPEN, "key = <real>\r\nSet-Cookie: injected=1",
                        "400 '" + DAMAGED + "'; no injected header",
                        c -> {
                            Http.Reply r = forged(c, key -> key + "\r\nSet-Cookie: injected=1");
                            assertTrue(r.headers().allValues("Set-Cookie").stream().noneMatch(v -> v.contains("injected")));
                            return r;
                        }),
                new Case("W11 two key= values", OPEN, "key=<junk>&key=<real>", "the first counts: 400 '" + DAMAGED + "'; account unchanged",
                        c -> {
                            Shared.Account awaiting = c.shared().awaiting();
                            Http.Reply r = damaged(new Http().get(Pages.realmUrl() + "/merchant-welcome/open?key=junk&key=" + Http.enc(awaiting.key())));
                            assertEquals(awaiting.snapshot(), Journeys.snapshot(c.realm(), awaiting.id()));
                            return r;
                        }),
                new Case("W12 a refresh token", OPEN, "the help center's refresh token (same realm, same HS512 key)", "400 '" + DAMAGED + "'",
                        c -> damaged(new Http().get(Journeys.openUrl(c.shared().tokens().get("refresh_token").asText())))),
                new Case("W13 an ID token", OPEN, "the help center's ID token (RS256, same realm)", "400 '" + DAMAGED + "'",
                        c -> damaged(new Http().get(Journeys.openUrl(c.shared().tokens().get("id_token").asText())))),
                new Case("W14 Keycloak's reset-credentials action token", OPEN, "key from a real 'Forgot my password' email",
                        "400 '" + DAMAGED + "'; account unchanged",
                        c -> {
                            Shared.Account owner = c.shared().existing();
                            String resetKey = c.shared().resetKey();
                            Http.Reply r = damaged(new Http().get(Journeys.openUrl(resetKey)));
                            assertEquals(owner.snapshot(), Journeys.snapshot(c.realm(), owner.id()));
                            return r;
                        }),
                wrongMethod("W15", OPEN, "POST", 404, c -> Journeys.openUrl(c.shared().awaiting().key())),
                wrongMethod("W16", OPEN, "PUT", c -> Journeys.openUrl(c.shared().awaiting().key())),
                wrongMethod("W17", OPEN, "DELETE", c -> Journeys.openUrl(c.shared().awaiting().key())),
                wrongMethod("W18", OPEN, "PATCH", c -> Journeys.openUrl(c.shared().awaiting().key())),
                new Case("W19 link of a finished account", OPEN, "the real key, after the password was created",
                        "410 '" + USED + "'; account unchanged",
                        c -> {
                            Shared.Account done = c.shared().completed();
                            Http.Reply r = new Http().get(Journeys.openUrl(done.key()));
                            page(r, 410, USED);
                            assertEquals(done.snapshot(), Journeys.snapshot(c.realm(), done.id()));
                            return r;
                        }));
    }

    private static final String RESEND = "POST /merchant-welcome/resend";

    static List<Case> welcomeResend() {
        return List.of(
                new Case("S01 empty body", RESEND, "empty form", "400 '" + DAMAGED + "'",
                        c -> damaged(new Http().post(Journeys.resendUrl(), Http.FORM, ""))),
                new Case("S02 junk key", RESEND, "key = " + SCRIPT, "400 '" + DAMAGED + "', not echoed",
                        c -> damaged(new Http().post(Journeys.resendUrl(), Http.FORM, Http.form("key", SCRIPT)))),
                new Case("S03 10 KB key", RESEND, "key = 10 KB", "400 '" + DAMAGED + "'",
                        c -> damaged(new Http().post(Journeys.resendUrl(), Http.FORM, Http.form("key", "eyJ" + "A".repeat(10 * 1024))))),
                new Case("S04 JSON body", RESEND, "Content-Type: application/json {\"key\": <real>}",
                        "the body is not read: 400 '" + DAMAGED + "' (or 415); no email sent",
                        c -> {
                            Shared.Account a = c.shared().awaiting();
                            int mails = Journeys.mailCount(c.mail(), a.email());
                            Http.Reply r = new Http().post(Journeys.resendUrl(), Http.JSON, Http.json(Map.of("key", a.key())));
                            assertTrue(r.status() == 415 || r.status() == 400 && r.text().contains(DAMAGED), r::message);
                            assertEquals(mails, Journeys.mailCount(c.mail(), a.email()), "no email");
                            return r;
                        }),
                new Case("S05 multipart body", RESEND, "multipart/form-data key=<real>",
                        "read like the form: 200 'new link' or 429 'please wait' (limits hold); at most one email",
                        c -> {
                            Shared.Account a = c.shared().awaiting();
                            int mails = Journeys.mailCount(c.mail(), a.email());
                            Http.Multipart body = Http.multipart(Map.of("key", a.key()));
                            Http.Reply r = new Http().send("POST", Journeys.resendUrl(), body.contentType(), body.body(), true);
                            if (r.status() == 429) {
                                page(r, 429, "Please wait a moment");
                                assertEquals(mails, Journeys.mailCount(c.mail(), a.email()), "no email past the limit");
                            } else {
                                page(r, 200, "Check your mailbox");
                                assertEquals(mails + 1, Journeys.awaitCount(c.mail(), a.email(), mails + 1), "one new email");
                            }
                            assertEquals(a.snapshot(), Journeys.snapshot(c.realm(), a.id()));
                            return r;
                        }),
                wrongMethod("S06", RESEND, "GET", 404, c -> Journeys.resendUrl()),
                wrongMethod("S07", RESEND, "PUT", c -> Journeys.resendUrl()),
                wrongMethod("S08", RESEND, "DELETE", c -> Journeys.resendUrl()),
                wrongMethod("S09", RESEND, "PATCH", c -> Journeys.resendUrl()),
                new Case("S10 two key= values", RESEND, "key=<junk>&key=<real>", "the first counts: 400 '" + DAMAGED + "'; no email",
                        c -> {
                            Shared.Account a = c.shared().awaiting();
                            int mails = Journeys.mailCount(c.mail(), a.email());
                            Http.Reply r = damaged(new Http().post(Journeys.resendUrl(), Http.FORM, Http.form("key", "junk", "key", a.key())));
                            assertEquals(mails, Journeys.mailCount(c.mail(), a.email()), "no email");
                            return r;
                        }),
                new Case("S11 key of a finished account", RESEND, "the real key, after the password was created", "410 '" + USED + "'; no email",
                        c -> {
                            Shared.Account done = c.shared().completed();
                            int mails = Journeys.mailCount(c.mail(), done.email());
                            Http.Reply r = new Http().post(Journeys.resendUrl(), Http.FORM, Http.form("key", done.key()));
                            page(r, 410, USED);
                            assertEquals(mails, Journeys.mailCount(c.mail(), done.email()), "no email");
                            return r;
                        }),
                new Case("S12 1 MB body", RESEND, "key = 1 MB", "4xx",
                        c -> {
                            Http.Reply r = new Http().post(Journeys.resendUrl(), Http.FORM, Http.form("key", MB1));
                            assertClientError(r);
                            return r;
                        }),
                new Case("S13 alg none key", RESEND, "header alg none, real payload", "400 '" + DAMAGED + "'; no email",
                        c -> {
                            Shared.Account a = c.shared().awaiting();
                            int mails = Journeys.mailCount(c.mail(), a.email());
                            String none = jwt("{\"alg\":\"none\",\"typ\":\"JWT\"}", part(a.key(), 1), "");
                            Http.Reply r = damaged(new Http().post(Journeys.resendUrl(), Http.FORM, Http.form("key", none)));
                            assertEquals(mails, Journeys.mailCount(c.mail(), a.email()), "no email");
                            return r;
                        }));
    }

    private static final String PASSWORD = "create-password form (POST)";

    static List<Case> createPassword() {
        return List.of(
                new Case("P01 confirmation differs", PASSWORD, "password-confirm ≠ password-new", "form again, confirmation error; no password",
                        c -> refusedPassword(c, "p01", Http.FORM, Http.form("password-new", Journeys.PASSWORD, "password-confirm", Journeys.PASSWORD + "x"),
                                "#input-error-password-confirm")),
                new Case("P02 both empty", PASSWORD, "password-new= password-confirm=", "form again: 'Please specify password.'; no password",
                        c -> refusedPassword(c, "p02", Http.FORM, Http.form("password-new", "", "password-confirm", ""), "#input-error-password-new")),
                new Case("P03 100 KB password", PASSWORD, "password = 100 KB (policy maxLength 128)", "form again, policy message; no password",
                        c -> refusedPassword(c, "p03", Http.FORM, Http.form("password-new", KB100, "password-confirm", KB100), "#input-error-password-new")),
                new Case("P04 1 MB body", PASSWORD, "password = 1 MB", "4xx or the policy message; no password",
                        c -> refusedPassword(c, "p04", Http.FORM, Http.form("password-new", MB1, "password-confirm", MB1), null)),
                new Case("P05 JSON body", PASSWORD, "Content-Type: application/json, matching passwords", "4xx or the form again; no password",
                        c -> refusedPassword(c, "p05", Http.JSON, Http.json(Map.of("password-new", Journeys.PASSWORD, "password-confirm", Journeys.PASSWORD)), null)),
                new Case("P06 two password-new values", PASSWORD, "password-new=A&password-new=B&password-confirm=B", "the first counts: confirmation error; no password",
                        c -> refusedPassword(c, "p06", Http.FORM, Http.form("password-new", Journeys.PASSWORD, "password-new", Journeys.PASSWORD + "B",
                                "password-confirm", Journeys.PASSWORD + "B"), "#input-error-password-confirm")),
                new Case("P07 multipart body", PASSWORD, "multipart/form-data, matching passwords", "a 4xx, the form again, or the password created: never half",
                        c -> {
                            Http http = new Http();
                            String email = Accounts.newEmail("bad-p07");
                            Http.Reply form = Journeys.createPasswordPage(http, c.mail(), "Multipart Merchant", email);
                            Http.Multipart body = Http.multipart(Map.of("password-new", Journeys.PASSWORD, "password-confirm", Journeys.PASSWORD));
                            Http.Reply r = http.send("POST", form.formAction(Journeys.CREATE_PASSWORD_FORM), body.contentType(), body.body(), true);
                            UserRepresentation user = Accounts.one(c.realm(), email);
                            if (Accounts.credentials(c.realm(), user.getId()).isEmpty()) {
                                assertTrue(r.status() >= 400 || r.page().selectFirst(Journeys.CREATE_PASSWORD_FORM) != null, r::message);
                                assertEquals(List.of("awaiting-password"), user.getAttributes().get("merchantJourney"));
                            } else {
                                assertEquals(List.of("completed"), user.getAttributes().get("merchantJourney"), "whole: journey completed");
                            }
                            return r;
                        }),
                wrongMethod("P08", PASSWORD, "PUT", BadInputTest::createPasswordAction),
                wrongMethod("P09", PASSWORD, "DELETE", BadInputTest::createPasswordAction),
                wrongMethod("P10", PASSWORD, "PATCH", BadInputTest::createPasswordAction),
                new Case("P11 hostile name greeted", PASSWORD, "account named " + IMG + ", its create-password page",
                        "page escapes the name in 'Welcome …!'",
                        c -> {
                            Http.Reply r = Journeys.createPasswordPage(new Http(), c.mail(), IMG, Accounts.newEmail("bad-p11"));
                            page(r, 200, CREATE_PASSWORD);
                            assertTrue(r.body().contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), "greeting escaped");
                            return r;
                        }),
                new Case("P12 markup as password", PASSWORD, "password = " + SCRIPT + "-2026 (both fields)",
                        "accepted (it is a valid password), never echoed; journey completed",
                        c -> {
                            Http http = new Http();
                            String email = Accounts.newEmail("bad-p12");
                            Http.Reply form = Journeys.createPasswordPage(http, c.mail(), "Markup Password", email);
                            String password = SCRIPT + "-2026";
                            Http.Reply r = http.post(form.formAction(Journeys.CREATE_PASSWORD_FORM), Http.FORM,
                                    Http.form("password-new", password, "password-confirm", password));
                            assertTrue(r.location() != null && r.location().startsWith(MerchantRealm.HELP_CENTER_REDIRECT_URI), r::message);
                            assertFalse(r.body().contains("alert(1)"), "password not echoed");
                            UserRepresentation user = Accounts.one(c.realm(), email);
                            assertEquals(1, Accounts.credentials(c.realm(), user.getId()).size());
                            assertEquals(List.of("completed"), user.getAttributes().get("merchantJourney"));
                            return r;
                        }));
    }

    private static final String MAILBOX_ACTIONS = "mailbox page (POST action=)";

    static List<Case> mailbox() {
        return List.of(
                new Case("M01 resend at once", MAILBOX_ACTIONS, "action=resend", "200 '" + MAILBOX_LIMITED + "…'; still one email",
                        c -> mailboxAction(c, "m01", Http.FORM, Http.form("action", "resend"), MAILBOX_LIMITED, 1)),
                new Case("M02 restart", MAILBOX_ACTIONS, "action=restart", "the registration form",
                        c -> mailboxAction(c, "m02", Http.FORM, Http.form("action", "restart"), "#kc-register-form", 1)),
                new Case("M03 script as action", MAILBOX_ACTIONS, "action=" + SCRIPT,
                        "the mailbox page again as it was ('We sent an email to …'); nothing sent, no 'please wait'; not echoed",
                        c -> mailboxAction(c, "m03", Http.FORM, Http.form("action", SCRIPT), SENT_TO, 1)),
                new Case("M04 no action", MAILBOX_ACTIONS, "empty form", "the mailbox page again as it was; nothing sent, no 'please wait'",
                        c -> mailboxAction(c, "m04", Http.FORM, "", SENT_TO, 1)),
                new Case("M05 two action= values", MAILBOX_ACTIONS, "action=restart&action=resend", "the first counts: the registration form",
                        c -> mailboxAction(c, "m05", Http.FORM, Http.form("action", "restart", "action", "resend"), "#kc-register-form", 1)),
                new Case("M06 1 MB action", MAILBOX_ACTIONS, "action = 1 MB", "4xx or the mailbox page; still one email",
                        c -> mailboxAction(c, "m06", Http.FORM, Http.form("action", MB1), null, 1)),
                new Case("M07 JSON body", MAILBOX_ACTIONS, "Content-Type: application/json {\"action\":\"resend\"}",
                        "the body is not read: the mailbox page as it was; nothing sent",
                        c -> mailboxAction(c, "m07", Http.JSON, "{\"action\":\"resend\"}", SENT_TO, 1)),
                wrongMethod("M08", MAILBOX_ACTIONS, "PUT", BadInputTest::mailboxActionUrl),
                wrongMethod("M09", MAILBOX_ACTIONS, "DELETE", BadInputTest::mailboxActionUrl),
                wrongMethod("M10", MAILBOX_ACTIONS, "PATCH", BadInputTest::mailboxActionUrl),
                new Case("M11 without the session's parameters", MAILBOX_ACTIONS, "POST …/login-actions/authenticate, no query",
                        "a 4xx or Keycloak's restart page; still one email",
                        c -> {
                            String email = Accounts.newEmail("bad-m11");
                            Http http = new Http();
                            String action = Journeys.register(http, "Mailbox Merchant", email).formAction(Journeys.MAILBOX_FORM);
                            Http.Reply r = http.post(action.substring(0, action.indexOf('?')), Http.FORM, Http.form("action", "resend"));
                            assertTrue(r.status() < 500, r::statuses);
                            assertEquals(1, Journeys.mailCount(c.mail(), email));
                            return r;
                        }),
                new Case("M13 reload, then 'continue'", MAILBOX_ACTIONS,
                        "GET on the page's own URL (Enter in the address bar): Keycloak's 'Page has expired', then its 'continue' link",
                        "the mailbox page as it was ('We sent an email to …'); nothing sent, no 'please wait'",
                        c -> {
                            String email = Accounts.newEmail("bad-m13");
                            Http http = new Http();
                            Http.Reply mailbox = Journeys.register(http, "Mailbox Merchant", email);
                            Journeys.awaitMail(c.mail(), email, "Welcome");
                            Http.Reply expired = http.get(mailbox.uri().toString());
                            assertTrue(expired.status() < 500, expired::statuses);
                            org.jsoup.nodes.Element next = expired.page().selectFirst("#loginContinueLink");
                            Http.Reply r = next == null ? expired : http.get(next.absUrl("href"));
                            page(r, 200, MAILBOX, "We sent an email to " + email);
                            assertFalse(r.text().contains(MAILBOX_LIMITED), "nothing was asked for");
                            Journeys.sleep(500);
                            assertEquals(1, Journeys.mailCount(c.mail(), email));
                            return r;
                        }),
                new Case("M12 junk client_data", MAILBOX_ACTIONS, "the page's action URL with client_data=!!!", "a 4xx or the mailbox page; still one email",
                        c -> {
                            String email = Accounts.newEmail("bad-m12");
                            Http http = new Http();
                            String action = Journeys.register(http, "Mailbox Merchant", email).formAction(Journeys.MAILBOX_FORM);
                            String junk = action.contains("client_data=") ? action.replaceAll("client_data=[^&]*", "client_data=!!!")
                                    : action + "&client_data=!!!";
                            Http.Reply r = http.post(junk, Http.FORM, Http.form("action", "resend"));
                            assertTrue(r.status() < 500, r::statuses);
                            assertEquals(1, Journeys.mailCount(c.mail(), email));
                            return r;
                        }));
    }

    private static final String ALREADY = "already-used page";

    static List<Case> alreadyUsed() {
        return List.of(
                new Case("A01 the page", ALREADY, "register with an address that has an account", "200 '" + ALREADY_USED + "'; account unchanged; no email",
                        c -> alreadyUsed(c, null, ALREADY_USED)),
                new Case("A02 resend", ALREADY, "action=resend", "the already-used page again; account unchanged; no email",
                        c -> alreadyUsed(c, Http.form("action", "resend"), ALREADY_USED)),
                new Case("A03 script as action", ALREADY, "action=" + SCRIPT, "the already-used page again; not echoed",
                        c -> alreadyUsed(c, Http.form("action", SCRIPT), ALREADY_USED)),
                new Case("A04 restart", ALREADY, "action=restart", "the registration form; account unchanged",
                        c -> alreadyUsed(c, Http.form("action", "restart"), "#kc-register-form")),
                new Case("A05 wrong method", ALREADY, "PUT on the page's form action", "405; account unchanged",
                        c -> {
                            Shared.Account owner = c.shared().existing();
                            Http http = new Http();
                            Http.Reply page = Journeys.register(http, "Someone", owner.email());
                            Http.Reply r = http.send("PUT", page.formAction("form:has(#merchant-restart)"), Http.FORM, Http.form("action", "restart"));
                            assertEquals(405, r.status());
                            assertEquals(owner.snapshot(), Journeys.snapshot(c.realm(), owner.id()));
                            return r;
                        }));
    }

    private static final String BROKER = "GET /broker/google/endpoint";

    static List<Case> broker() {
        return List.of(
                new Case("B01 no parameters", BROKER, "no state, no code", "4xx error page",
                        c -> brokerCall(c, "google", "GET", "")),
                new Case("B02 junk state and code", BROKER, "state=junk&code=junk", "4xx error page; no call to Google",
                        c -> brokerCall(c, "google", "GET", "?state=junk&code=junk")),
                new Case("B03 error=access_denied", BROKER, "state=junk&error=access_denied", "4xx error page",
                        c -> brokerCall(c, "google", "GET", "?state=junk&error=access_denied")),
                new Case("B04 script in state", BROKER, "state=" + SCRIPT + "&code=x", "4xx error page; not echoed",
                        c -> brokerCall(c, "google", "GET", "?code=x&state=" + Http.enc(SCRIPT))),
                new Case("B05 state with a non-base64 client part", BROKER, "state=a.b.!!!&code=x",
                        "4xx; Keycloak 26.7.3 answers 500 with its generic error page (nothing echoed, no stack trace, no account)",
                        c -> {
                            Http.Reply r = brokerSend(c, "google", "GET", "?code=x&state=" + Http.enc("a.b.!!!"));
                            assertEquals(500, r.status(), "Keycloak's answer changed: update the table and docs/RELIABILITY.md");
                            assertTrue(r.text().contains("Unexpected error when authenticating with identity provider"), r::text);
                            assertFalse(r.body().contains("Exception") || r.body().contains("at org.keycloak"), "no stack trace");
                            return r;
                        }, "Keycloak 26.7.3 IdentityBrokerState.encoded() lets Base64Url's IllegalArgumentException escape; "
                        + "the broker endpoint turns it into 500 (sibling of keycloak#32515, keycloak#49257)"),
                new Case("B06 state with a well-formed but unknown client", BROKER, "state=a.b.<base64url of 16 bytes>&code=x", "4xx error page",
                        c -> brokerCall(c, "google", "GET", "?code=x&state=a.b." + b64("0123456789abcdef"))),
                new Case("B07 10 KB state", BROKER, "state = 10 KB", "4xx",
                        c -> brokerCall(c, "google", "GET", "?code=x&state=" + "A".repeat(10 * 1024))),
                new Case("B08 POST with junk", BROKER, "POST state=junk&code=junk (form)", "4xx",
                        c -> brokerCall(c, "google", "POST", "state=junk&code=junk")),
                new Case("B09 PUT", BROKER, "PUT", "405",
                        c -> brokerCall(c, "google", "PUT", "")),
                new Case("B10 unknown provider", "GET /broker/nonexistent/endpoint", "state=junk&code=junk", "4xx",
                        c -> brokerCall(c, "nonexistent", "GET", "?state=junk&code=junk")));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** A wrong method on an endpoint: 405, nothing else. */
    static Case wrongMethod(String id, String endpoint, String method, UrlOf url) {
        return wrongMethod(id, endpoint, method, 405, url);
    }

    /**
     * A wrong method, answered {@code status}: 405, or 404 where JAX-RS matches the pack's resource by path and
     * method together (GET on /resend, POST on /open: no resource method, so "not found").
     */
    static Case wrongMethod(String id, String endpoint, String method, int status, UrlOf url) {
        return new Case(id + " " + method, endpoint, method + " instead of " + (endpoint.startsWith("POST") || endpoint.contains("(POST") ? "POST" : "GET"),
                Integer.toString(status), c -> {
            Http.Reply r = new Http().send(method, url.of(c), method.equals("GET") ? null : Http.FORM,
                    method.equals("GET") ? null : "x=1".getBytes(StandardCharsets.UTF_8), false);
            assertEquals(status, r.status(), r::message);
            return r;
        });
    }

    @FunctionalInterface
    interface UrlOf {
        String of(Ctx c) throws Exception;
    }

    static String challengeUrl() {
        return Pages.realmUrl() + "/altcha/challenge";
    }

    static String solve() {
        return AltchaSolver.solve(MerchantRealm.NAME);
    }

    static String marker(String id) {
        return "bad-" + id + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String registrationAction(Ctx c) {
        return Journeys.registrationPage(new Http()).formAction(Journeys.REGISTER_FORM);
    }

    static String mailboxActionUrl(Ctx c) {
        return Journeys.register(new Http(), "Mailbox Merchant", Accounts.newEmail("bad-m-method")).formAction(Journeys.MAILBOX_FORM);
    }

    static String createPasswordAction(Ctx c) {
        return Journeys.createPasswordPage(new Http(), c.mail(), "Method Merchant", Accounts.newEmail("bad-p-method"))
                .formAction(Journeys.CREATE_PASSWORD_FORM);
    }

    static Http.Reply registerRaw(String contentType, String body) {
        Http http = new Http();
        String action = Journeys.registrationPage(http).formAction(Journeys.REGISTER_FORM);
        return http.post(action, contentType, body);
    }

    /** Registration refused on the form itself: the form again, with the message, and no account. */
    static Http.Reply refusedRegistration(Ctx c, String id, String name, String email, String message) {
        String address = email == null ? Accounts.newEmail("bad-" + id) : email;
        Http.Reply r = Journeys.register(new Http(), name, address);
        formRefusal(r, message);
        if (email == null) {
            assertNoAccount(c, address);
        }
        return r;
    }

    static Http.Reply acceptedRegistration(Ctx c, String id, String name) {
        String email = Accounts.newEmail("bad-" + id);
        Http.Reply r = Journeys.register(new Http(), name, email);
        page(r, 200, MAILBOX, email);
        UserRepresentation user = Accounts.one(c.realm(), email);
        assertEquals(List.of(name), user.getAttributes().get("name"), "name stored as typed");
        assertEquals(List.of("merchant-create-password"), user.getRequiredActions());
        return r;
    }

    static Http.Reply formRefusal(Http.Reply r, String message) {
        assertTrue(r.status() == 200 || r.status() == 400, () -> "form refusal answered " + r.statuses() + ": " + r.message());
        assertNotNull(r.page().selectFirst(Journeys.REGISTER_FORM), () -> "the form again:\n" + r.text());
        assertTrue(r.text().contains(message), () -> "message '" + message + "' on:\n" + r.text());
        return r;
    }

    static Http.Reply page(Http.Reply r, int status, String... texts) {
        assertEquals(status, r.status(), () -> "status of " + r.uri() + ": " + r.message());
        for (String text : texts) {
            assertTrue(r.text().contains(text), () -> "'" + text + "' on:\n" + r.text());
        }
        return r;
    }

    static Http.Reply damaged(Http.Reply r) {
        return page(r, 400, DAMAGED);
    }

    static void assertClientError(Http.Reply r) {
        assertTrue(r.status() >= 400 && r.status() < 500, () -> "a 4xx, got " + r.statuses() + ": " + r.message());
    }

    static void assertNoAccount(Ctx c, String emailOrMarker) {
        List<UserRepresentation> found = c.realm().admin().users().search(emailOrMarker, 0, 5);
        assertTrue(found.isEmpty(), () -> "no account for " + emailOrMarker + ", found " + found.size());
    }

    /** Nothing sent back may run as script: hostile input comes back escaped or not at all. */
    static void assertNoActiveMarkup(Http.Reply r) {
        String body = r.body().toLowerCase();
        assertFalse(body.contains("<script>alert(1)"), "an unescaped script element");
        assertFalse(body.contains("<img src=x onerror=alert(1)>"), "an unescaped event handler");
        String type = r.header("Content-Type");
        if (type != null && type.startsWith("text/html")) {
            Document page = r.page();
            assertTrue(page.select("img[onerror]").isEmpty(), "an img with onerror");
            assertTrue(page.select("script").stream().noneMatch(s -> s.data().contains("alert(1)")), "a script with the payload");
        }
    }

    /** The welcome link of the shared awaiting account, forged: refused, and the account untouched. */
    static Http.Reply forged(Ctx c, java.util.function.UnaryOperator<String> forge) {
        Shared.Account a = c.shared().awaiting();
        Http.Reply r = damaged(new Http().get(Journeys.openUrl(forge.apply(a.key()))));
        assertEquals(a.snapshot(), Journeys.snapshot(c.realm(), a.id()), "account unchanged");
        return r;
    }

    static Http.Reply refusedPassword(Ctx c, String id, String contentType, String body, String errorSelector) {
        Http http = new Http();
        String email = Accounts.newEmail("bad-" + id);
        Http.Reply form = Journeys.createPasswordPage(http, c.mail(), "Password Merchant", email);
        Http.Reply r = http.post(form.formAction(Journeys.CREATE_PASSWORD_FORM), contentType, body);
        if (errorSelector != null) {
            page(r, 200, CREATE_PASSWORD);
            assertNotNull(r.page().selectFirst(errorSelector), () -> errorSelector + " on:\n" + r.text());
        } else {
            assertTrue(r.status() >= 400 || r.page().selectFirst(Journeys.CREATE_PASSWORD_FORM) != null, r::message);
        }
        assertFalse(r.body().contains(Journeys.PASSWORD), "the password is never echoed");
        UserRepresentation user = Accounts.one(c.realm(), email);
        assertTrue(Accounts.credentials(c.realm(), user.getId()).isEmpty(), "no password");
        assertEquals(List.of("awaiting-password"), user.getAttributes().get("merchantJourney"));
        return r;
    }

    /** Registered (one welcome email), then the action posted on the mailbox page. */
    static Http.Reply mailboxAction(Ctx c, String id, String contentType, String body, String expect, int mails) {
        String email = Accounts.newEmail("bad-" + id);
        Http http = new Http();
        Http.Reply mailbox = Journeys.register(http, "Mailbox Merchant", email);
        Journeys.awaitMail(c.mail(), email, "Welcome");
        Http.Reply r = http.post(mailbox.formAction(Journeys.MAILBOX_FORM), contentType, body);
        if (expect == null) {
            assertTrue(r.status() >= 400 || r.text().contains(MAILBOX), r::message);
        } else if (expect.equals(SENT_TO)) {
            page(r, 200, MAILBOX, "We sent an email to " + email);
            assertFalse(r.text().contains(MAILBOX_LIMITED), "nothing was asked for: " + r.message());
        } else if (expect.startsWith("#")) {
            assertEquals(200, r.status(), r::message);
            assertNotNull(r.page().selectFirst(expect), () -> expect + " on:\n" + r.text());
        } else {
            page(r, 200, expect);
        }
        Journeys.sleep(500);
        assertEquals(mails, Journeys.mailCount(c.mail(), email), "welcome emails to " + email);
        assertEquals(1, Accounts.withEmail(c.realm(), email).size(), "one account");
        return r;
    }

    /** An address that has an account: the already-used page, then (optionally) a post on it. */
    static Http.Reply alreadyUsed(Ctx c, String body, String expect) {
        Shared.Account owner = c.shared().existing();
        int mails = Journeys.mailCount(c.mail(), owner.email());
        Http http = new Http();
        Http.Reply r = Journeys.register(http, "Someone Else", owner.email().toUpperCase());
        page(r, 200, ALREADY_USED, owner.email());
        if (body != null) {
            r = http.post(r.formAction("form:has(#merchant-restart)"), Http.FORM, body);
        }
        Http.Reply last = r;
        if (expect.startsWith("#")) {
            assertEquals(200, last.status(), last::message);
            assertNotNull(last.page().selectFirst(expect), () -> expect + " on:\n" + last.text());
        } else {
            page(last, 200, expect);
        }
        assertEquals(owner.snapshot(), Journeys.snapshot(c.realm(), owner.id()), "the owner's account unchanged");
        assertEquals(1, Accounts.withEmail(c.realm(), owner.email()).size());
        assertEquals(mails, Journeys.mailCount(c.mail(), owner.email()), "reveal mode mails nobody");
        return last;
    }

    /** Junk at the broker's callback: an error page (4xx); Keycloak never reaches Google (the state is junk). */
    static Http.Reply brokerCall(Ctx c, String alias, String method, String queryOrBody) {
        Http.Reply r = brokerSend(c, alias, method, queryOrBody);
        if (method.equals("PUT")) {
            assertEquals(405, r.status(), r::message);
        } else {
            assertClientError(r);
        }
        return r;
    }

    static Http.Reply brokerSend(Ctx c, String alias, String method, String queryOrBody) {
        if (alias.equals("google")) {
            Assumptions.assumeTrue(c.realm().admin().identityProviders().findAll().stream().anyMatch(i -> "google".equals(i.getAlias())),
                    "no identity provider 'google' in the realm");
        }
        String url = Pages.realmUrl() + "/broker/" + alias + "/endpoint";
        Http.Reply r = switch (method) {
            case "GET" -> new Http().send("GET", url + queryOrBody, null, (byte[]) null, false);
            case "POST" -> new Http().send("POST", url, Http.FORM, queryOrBody.getBytes(StandardCharsets.UTF_8), false);
            default -> new Http().send(method, url, Http.FORM, "x=1".getBytes(StandardCharsets.UTF_8), false);
        };
        return r;
    }

    // ------------------------------------------------------------------------------------------------ tokens

    static String part(String jwt, int index) {
        return jwt.split("\\.", -1)[index];
    }

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String jwt(String headerJson, String payload, String signature) {
        return b64(headerJson) + "." + payload + "." + signature;
    }

    static String flipSignature(String key) {
        String signature = part(key, 2);
        int i = signature.length() / 2;
        char flipped = signature.charAt(i) == 'A' ? 'B' : 'A';
        return key.substring(0, key.lastIndexOf('.') + 1) + signature.substring(0, i) + flipped + signature.substring(i + 1);
    }

    static String withClaims(String key, Map<String, String> claims) {
        try {
            ObjectNode payload = (ObjectNode) JSON.readTree(Base64.getUrlDecoder().decode(part(key, 1)));
            claims.forEach(payload::put);
            String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(payload));
            return part(key, 0) + "." + encoded + "." + part(key, 2);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String hs256(String key, String secret) {
        try {
            String signingInput = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + part(key, 1);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------------------ fixtures

    /** Accounts several cases start from, made once per run of the class. */
    static final class Shared {

        record Account(String id, String email, String key, Journeys.Snapshot snapshot) {
        }

        private final ManagedRealm realm;
        private final MailServer mail;
        private Account awaiting;
        private Account completed;
        private Account existing;
        private JsonNode tokens;
        private String resetKey;

        Shared(ManagedRealm realm, MailServer mail) {
            this.realm = realm;
            this.mail = mail;
        }

        /** Registered, link not used: no password, email not verified. */
        synchronized Account awaiting() {
            if (awaiting == null) {
                String email = Accounts.newEmail("bad-awaiting");
                Journeys.register(new Http(), "Awaiting Merchant", email);
                String key = Journeys.key(Journeys.welcomeLink(mail, email));
                String id = Accounts.one(realm, email).getId();
                awaiting = new Account(id, email, key, Journeys.snapshot(realm, id));
                assertFalse(awaiting.snapshot().emailVerified());
                assertTrue(awaiting.snapshot().credentials().isEmpty());
            }
            return awaiting;
        }

        /** The whole journey done: a password, signed in at the help center (its tokens kept). */
        synchronized Account completed() {
            if (completed == null) {
                String email = Accounts.newEmail("bad-completed");
                String location = Journeys.completeJourney(new Http(), mail, "Completed Merchant", email);
                tokens = Journey.tokens(Journeys.code(location));
                String key = Journeys.key(Journeys.welcomeLink(mail, email));
                String id = Accounts.one(realm, email).getId();
                completed = new Account(id, email, key, Journeys.snapshot(realm, id));
            }
            return completed;
        }

        synchronized JsonNode tokens() {
            completed();
            return tokens;
        }

        /** A merchant with a password from long ago (for "already used" and Keycloak's own reset email). */
        synchronized Account existing() {
            if (existing == null) {
                String email = Accounts.newEmail("bad-existing");
                String id = Accounts.existingMerchant(realm, email, Journeys.PASSWORD);
                existing = new Account(id, email, null, Journeys.snapshot(realm, id));
            }
            return existing;
        }

        synchronized String resetKey() {
            if (resetKey == null) {
                resetKey = Journeys.resetCredentialsKey(new Http(), mail, existing().email());
            }
            return resetKey;
        }
    }
}
