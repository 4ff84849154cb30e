package com.merchantsupport.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import com.merchantsupport.it.support.AltchaSolver;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.FormBrowser.Reply;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.Texts;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;
import org.opentest4j.TestAbortedException;

/**
 * Issue 8, "Bad input": every form and endpoint the pack adds, fed what no merchant would send, one test class per
 * endpoint ({@code BadInput*Test}, each listing its cases in {@code static List<Case> cases()}). Each case must end
 * with a clear message on the page or a 4xx, never a 5xx; no account may be made or changed by it; nothing sent
 * back may run as script. Every case and what the server answered goes into one table,
 * {@code target/reliability-table.md} (docs/RELIABILITY.md holds a reviewed copy).
 */
abstract class BadInput {

    static final String SCRIPT = "<script>alert(1)</script>";
    static final String IMG = "\"><img src=x onerror=alert(1)>";
    static final String SQL = "' OR 1=1 --";
    static final String KB100 = "A".repeat(100 * 1024);
    static final String MB1 = "A".repeat(1024 * 1024);
    static final String EVIL = "x@evil.test";

    // What the pack's pages say (its login bundle), shared by several endpoints.
    static final String MAILBOX = Texts.en("merchantMailboxTitle");
    static final String MAILBOX_LIMITED = Texts.en("merchantMailboxLimited");
    static final String ALREADY_USED = Texts.en("merchantAlreadyUsedTitle");
    static final String CREATE_PASSWORD = Texts.en("merchantCreatePasswordTitle");
    static final String DAMAGED = Texts.en("merchantLink_damaged_title");
    static final String USED = Texts.en("merchantLink_used_title");

    /** One table for every bad-input class of the run. */
    private static final ReliabilityTable TABLE = new ReliabilityTable();

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    /** What a case runs against. */
    record Ctx(ManagedRealm realm, MailServer mail) {
    }

    @FunctionalInterface
    interface Run {
        Reply run(Ctx ctx) throws Exception;
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

    @AfterAll
    static void writeTable() throws Exception {
        TABLE.write(ReliabilityTable.file("reliability-table.md"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void endsOnAClearPageOrA4xxAndSendsNothingBackAsScript(Case c) throws Throwable {
        Reply reply;
        try {
            reply = c.run().run(new Ctx(realm, mail));
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

    /** Nothing sent back may run as script: hostile input comes back escaped or not at all. */
    static void assertNoActiveMarkup(Reply r) {
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

    // ------------------------------------------------------------------------------------------------ shared checks

    @FunctionalInterface
    interface UrlOf {
        String of(Ctx c) throws Exception;
    }

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
            FormBrowser browser = new FormBrowser().noRedirects();
            Reply r = method.equals("GET") ? browser.send("GET", url.of(c)).reply()
                    : browser.send(method, url.of(c), FormBrowser.FORM, "x=1".getBytes(StandardCharsets.UTF_8)).reply();
            assertEquals(status, r.status(), r::message);
            return r;
        });
    }

    static String solve() {
        return AltchaSolver.solve(MerchantRealm.NAME);
    }

    /** A unique marker to find (or not find) the account a case may have made. */
    static String marker(String id) {
        return "bad-" + id + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Reply page(Reply r, int status, String... texts) {
        assertEquals(status, r.status(), () -> "status of " + r.uri() + ": " + r.message());
        for (String text : texts) {
            assertTrue(r.text().contains(text), () -> "'" + text + "' on:\n" + r.text());
        }
        return r;
    }

    static Reply damaged(Reply r) {
        return page(r, 400, DAMAGED);
    }

    static void assertClientError(Reply r) {
        assertTrue(r.status() >= 400 && r.status() < 500, () -> "a 4xx, got " + r.statuses() + ": " + r.message());
    }

    static void assertNoAccount(Ctx c, String emailOrMarker) {
        List<UserRepresentation> found = c.realm().admin().users().search(emailOrMarker, 0, 5);
        assertTrue(found.isEmpty(), () -> "no account for " + emailOrMarker + ", found " + found.size());
    }
}
