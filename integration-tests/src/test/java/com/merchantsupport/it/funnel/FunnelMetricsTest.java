package com.merchantsupport.it.funnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.merchantsupport.it.broker.BrokerRealm;
import com.merchantsupport.it.broker.UpstreamProvider;
import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.MetricsPage;
import com.merchantsupport.it.support.Pages;
import com.merchantsupport.it.support.Texts;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectHttpServer;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.oauth.OAuthIdentityProvider;
import org.keycloak.testframework.oauth.annotations.InjectOAuthIdentityProvider;
import org.keycloak.testframework.realm.ManagedRealm;

/**
 * Issue 19: the sign-up funnel on Keycloak's {@code /metrics} (management port), as an operator scrapes it. Each
 * scripted step moves its counter by exactly one, a reload moves nothing, and no label holds an email or an id.
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class FunnelMetricsTest {

    static final String STEPS = "merchant_support_journey_steps_total";
    static final String COMPLETION_COUNT = "merchant_support_journey_completion_seconds_count";

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    @InjectHttpServer
    HttpServer httpServer;

    @InjectOAuthIdentityProvider
    OAuthIdentityProvider keys;

    @InjectAdminClient
    Keycloak admin;

    /** Steps of this realm, by step (and reason when given). */
    private static double steps(MetricsPage page, String step, String reason) {
        Map<String, String> labels = new HashMap<>(Map.of("realm", MerchantRealm.NAME, "step", step));
        if (reason != null) {
            labels.put("reason", reason);
        }
        return page.sum(STEPS, labels);
    }

    private static double completions(MetricsPage page, String how) {
        return page.sum(COMPLETION_COUNT, Map.of("realm", MerchantRealm.NAME, "step", how));
    }

    /**
     * Emails queued by earlier test classes may still be leaving: wait until the funnel's counters stand still for
     * three seconds, so that what moves next is this test's doing.
     */
    private static MetricsPage quiet() throws InterruptedException {
        MetricsPage before = MetricsPage.now();
        for (int i = 0; i < 30; i++) {
            Thread.sleep(3000);
            MetricsPage now = MetricsPage.now();
            if (funnelOf(now).equals(funnelOf(before))) {
                return now;
            }
            before = now;
        }
        return before;
    }

    private static Map<String, Double> funnelOf(MetricsPage page) {
        Map<String, Double> funnel = new LinkedHashMap<>();
        page.all().forEach((k, v) -> {
            if (k.startsWith(STEPS) || k.startsWith("merchant_support_journey_completion")) {
                funnel.put(k, v);
            }
        });
        return funnel;
    }

    /** Waits (10 s at most) for the outbox's after-commit send to show on the counter. */
    private static MetricsPage awaitSteps(String step, String reason, double expected) throws InterruptedException {
        MetricsPage page = MetricsPage.now();
        for (int i = 0; i < 50 && steps(page, step, reason) < expected; i++) {
            Thread.sleep(200);
            page = MetricsPage.now();
        }
        return page;
    }

    @Test
    void aWholeJourneyMovesEachStepOnceAndAReloadMovesNothing() throws Exception {
        MetricsPage before = quiet();
        String email = Accounts.newEmail("funnel-journey");
        FormBrowser browser = new FormBrowser();
        Journey.register(browser, "Funnel Merchant", email);
        assertTrue(browser.text().contains(Texts.en("merchantMailboxSent", email)), browser.text());
        MetricsPage registered = awaitSteps("welcome_email_sent", "welcome", steps(before, "welcome_email_sent", "welcome") + 1);

        // The mailbox page again (the address bar's Enter): Keycloak's "page has expired", then "continue".
        String mailboxPage = browser.reply().uri().toString();
        browser.open(mailboxPage);
        if (browser.page().selectFirst("#loginContinueLink") != null) {
            browser.open(browser.page().selectFirst("#loginContinueLink").absUrl("href"));
        }
        assertTrue(browser.text().contains(Texts.en("merchantMailboxTitle")), browser.text());
        Thread.sleep(1000);
        MetricsPage reloaded = MetricsPage.now();
        assertEquals(funnelOf(registered), funnelOf(reloaded), "a reload of the mailbox page counts nothing");

        browser.open(Mails.welcomeLink(mail, email));
        Journey.createPassword(browser);
        Journey.code(browser);
        MetricsPage after = MetricsPage.now();

        assertEquals(1, steps(after, "registration_submitted", null) - steps(before, "registration_submitted", null));
        assertEquals(1, steps(after, "welcome_email_queued", "welcome") - steps(before, "welcome_email_queued", "welcome"));
        assertEquals(1, steps(after, "welcome_email_sent", "welcome") - steps(before, "welcome_email_sent", "welcome"));
        assertEquals(1, steps(after, "link_opened", null) - steps(before, "link_opened", null));
        assertEquals(1, steps(after, "password_created", null) - steps(before, "password_created", null));
        assertEquals(1, completions(after, "password_created") - completions(before, "password_created"));
        for (String untouched : List.of("captcha_refused", "already_used", "rate_limited", "link_refused", "welcome_email_failed",
                "passkey_created", "provider_account_new", "provider_linked", "provider_refused")) {
            assertEquals(steps(before, untouched, null), steps(after, untouched, null), untouched + " did not move");
        }

        // The spent link opened again: refused, by its state.
        FormBrowser again = new FormBrowser().open(Mails.welcomeLink(mail, email));
        assertEquals(410, again.status());
        MetricsPage refused = MetricsPage.now();
        assertEquals(1, steps(refused, "link_refused", "used") - steps(after, "link_refused", "used"));
        assertNoPersonalLabels(refused, email);
    }

    @Test
    void aRefusedCaptchaAnAlreadyUsedAddressAndAResendTooSoonAreCountedByReason() throws Exception {
        String owner = Accounts.newEmail("funnel-owner");
        FormBrowser first = new FormBrowser();
        Journey.completeJourney(first, mail, "Funnel Owner", owner);
        MetricsPage before = quiet();

        // No captcha solution at all.
        FormBrowser noCaptcha = Journey.openRegistration(new FormBrowser());
        noCaptcha.submit("#kc-register-form", Map.of("name", "Robot", "email", Accounts.newEmail("funnel-robot")));
        assertEquals(200, noCaptcha.status());
        // The address of a finished account (the realm JSON's mode: reveal), then its page reloaded.
        FormBrowser already = Journey.register(new FormBrowser(), "Funnel Owner", owner);
        assertTrue(already.page().selectFirst("#merchant-already-used") != null, already.text());
        String alreadyPage = already.reply().uri().toString();
        already.open(alreadyPage);
        if (already.page().selectFirst("#loginContinueLink") != null) {
            already.open(already.page().selectFirst("#loginContinueLink").absUrl("href"));
        }
        assertTrue(already.page().selectFirst("#merchant-already-used") != null, "the reload shows the page again: " + already.text());
        // A new address, then "Send the email again" at once: the one-a-minute limit.
        String hurried = Accounts.newEmail("funnel-hurried");
        FormBrowser mailbox = Journey.register(new FormBrowser(), "Hurried Merchant", hurried);
        mailbox.submit("#merchant-mailbox-form", Map.of("action", "resend"));
        assertEquals(429, mailbox.status(), mailbox.text());
        Thread.sleep(1000);
        MetricsPage after = MetricsPage.now();

        assertEquals(3, steps(after, "registration_submitted", null) - steps(before, "registration_submitted", null));
        assertEquals(1, steps(after, "captcha_refused", "missing") - steps(before, "captcha_refused", "missing"));
        assertEquals(1, steps(after, "already_used", "reveal") - steps(before, "already_used", "reveal"), "counted once, the reload not");
        assertEquals(1, steps(after, "rate_limited", "resend_limit") - steps(before, "rate_limited", "resend_limit"));
        assertEquals(1, steps(after, "welcome_email_queued", null) - steps(before, "welcome_email_queued", null),
                "only the hurried merchant's welcome email was queued");
        assertNoPersonalLabels(after, owner);
        assertNoPersonalLabels(after, hurried);
    }

    @Test
    void aNewGoogleAccountIsCountedByProviderWithItsCompletion() throws Exception {
        UpstreamProvider google = new UpstreamProvider(httpServer, keys);
        try {
            BrokerRealm.addStandIn(realm);
            MetricsPage before = quiet();
            String email = BrokerRealm.forgetAfterTest(realm, Accounts.newEmail("funnel-google"));
            google.signsInAs(UpstreamProvider.identity(UpstreamProvider.newSubject(), email, true, "Ada Funnel"));
            Journey.code(BrokerRealm.signInWithGoogle(new FormBrowser()));
            MetricsPage after = MetricsPage.now();

            Map<String, String> labels = Map.of("realm", MerchantRealm.NAME, "step", "provider_account_new",
                    "provider", BrokerRealm.ALIAS);
            assertEquals(1, after.sum(STEPS, labels) - before.sum(STEPS, labels));
            assertEquals(1, completions(after, "provider_account_new") - completions(before, "provider_account_new"));
            assertEquals(steps(before, "registration_submitted", null), steps(after, "registration_submitted", null),
                    "no registration form was used");
            UserRepresentation user = Accounts.one(realm, email);
            assertNoPersonalLabels(after, email);
            assertFalse(after.text().contains(user.getId()), "the account's id is nowhere on /metrics");
        } finally {
            google.close();
        }
    }

    /**
     * The admin API's report reads the daily totals (this node's pending counts added first): a whole journey moves
     * today's row of each of its steps by one. A bad range is a 400 in JSON, no token a 401.
     */
    @Test
    void theAdminApisFunnelReportCountsTodaysJourney() throws Exception {
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        String url = Pages.base() + "/admin/realms/" + MerchantRealm.NAME + "/merchant-journey/funnel?from=" + today + "&to=" + today;
        quiet();
        JsonNode before = report(url);
        String email = Accounts.newEmail("funnel-report");
        FormBrowser browser = new FormBrowser();
        Journey.register(browser, "Report Merchant", email);
        browser.open(Mails.welcomeLink(mail, email));
        Journey.createPassword(browser);
        JsonNode after = report(url);
        // The send is counted once the worker's transaction commits, a moment after the mail server has the email.
        for (int i = 0; i < 25 && after.at("/steps/welcome_email_sent").asLong() == before.at("/steps/welcome_email_sent").asLong(); i++) {
            Thread.sleep(200);
            after = report(url);
        }

        assertEquals(today, after.get("from").asText());
        assertEquals(MerchantRealm.NAME, after.get("realm").asText());
        for (String step : List.of("registration_submitted", "welcome_email_queued", "welcome_email_sent", "link_opened", "password_created")) {
            assertEquals(1, after.at("/steps/" + step).asLong() - before.at("/steps/" + step).asLong(), step + ": " + after);
        }
        assertEquals(before.at("/steps/captcha_refused").asLong(), after.at("/steps/captcha_refused").asLong());
        assertTrue(after.get("rows").isArray() && after.get("rows").size() > 0, after.toString());
        assertFalse(after.toString().contains(email), "no address in the report");

        java.net.http.HttpResponse<String> bad = get(url.replace("from=" + today, "from=yesterday"), admin.tokenManager().getAccessTokenString());
        assertEquals(400, bad.statusCode(), bad.body());
        assertEquals("invalid_range", new ObjectMapper().readTree(bad.body()).get("error").asText());
        assertEquals(400, get(url.replace("from=" + today, "from=2020-01-01"), admin.tokenManager().getAccessTokenString()).statusCode(),
                "more than 366 days");
        assertEquals(401, get(url, null).statusCode());
    }

    private JsonNode report(String url) throws Exception {
        java.net.http.HttpResponse<String> reply = get(url, admin.tokenManager().getAccessTokenString());
        assertEquals(200, reply.statusCode(), reply.body());
        return new ObjectMapper().readTree(reply.body());
    }

    private static java.net.http.HttpResponse<String> get(String url, String token) throws Exception {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .header("Accept", "application/json").GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return java.net.http.HttpClient.newHttpClient().send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    private static final Pattern METRIC_NAME = Pattern.compile("\\b(merchant_support_[a-z_]+|vendor_[a-z_]+|keycloak_[a-z_]+)\\b");

    /** docs/grafana's dashboard asks only for what /metrics serves, once a journey has run (a new meter appears then). */
    @Test
    void everyMetricTheDashboardQueriesIsServed() throws Exception {
        Journey.completeJourney(new FormBrowser(), mail, "Dashboard Merchant", Accounts.newEmail("funnel-dashboard"));
        JsonNode dashboard = new ObjectMapper().readTree(
                Path.of(System.getProperty("project.root"), "docs", "grafana", "merchant-support-funnel.json").toFile());
        java.util.Set<String> names = new java.util.TreeSet<>();
        dashboard.findValues("expr").forEach(expr -> {
            Matcher m = METRIC_NAME.matcher(expr.asText());
            while (m.find()) {
                names.add(m.group(1));
            }
        });
        names.add(dashboard.path("templating").path("list").get(1).path("definition").asText()
                .replaceAll("label_values\\(([a-z_]+),.*", "$1"));
        assertTrue(names.size() >= 6, "the dashboard's metrics: " + names);
        MetricsPage page = awaitSteps("welcome_email_sent", null, 1);
        // The scrape scripts/render_dashboard.py draws docs/grafana/dashboard.svg from.
        java.nio.file.Files.writeString(Path.of(System.getProperty("screenshots.dir", "target/screenshots")).resolveSibling("funnel-metrics.txt"),
                page.text());
        for (String name : names) {
            assertTrue(page.serves(name), name + " (a dashboard query) is not on /metrics:\n"
                    + page.text().lines().filter(l -> l.startsWith("merchant")).toList());
        }
    }

    private static final Pattern LABEL_VALUES = Pattern.compile("=\"([^\"]*)\"");
    private static final Pattern UUID_LIKE = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** The whole /metrics text: no label value holds an email, the merchant's address or an id. */
    private static void assertNoPersonalLabels(MetricsPage page, String email) {
        assertFalse(page.text().contains(email), email + " appears on /metrics");
        Matcher values = LABEL_VALUES.matcher(page.text());
        while (values.find()) {
            String value = values.group(1);
            assertFalse(value.contains("@"), "a label value looks like an email: " + value);
            assertFalse(UUID_LIKE.matcher(value).find(), "a label value holds an id: " + value);
        }
    }
}
