package com.merchantsupport.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.merchantsupport.it.support.AltchaSolver;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.KeycloakDistribution;
import com.merchantsupport.it.support.KeycloakNode;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.Pages;
import com.merchantsupport.it.support.PostgresServer;
import com.merchantsupport.it.support.Shutdown;
import com.merchantsupport.it.support.Texts;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticatorConfigRepresentation;
import org.keycloak.representations.idm.EventRepresentation;

/**
 * Two Keycloak nodes from the distribution in production mode, sharing one PostgreSQL and clustered by
 * Infinispan's default JDBC discovery, on loopback: what a deployer gets when one machine is not enough.
 *
 * <p>Both nodes are configured with one public URL ({@code --hostname}), as behind a load balancer, so a
 * link or redirect made by one node works on the other. Nothing listens on that URL: each browser
 * ({@link FormBrowser#via}) plays the load balancer and the test decides which node gets each request,
 * switching between two requests of one journey the way a load balancer without sticky sessions does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoNodeClusterTest {

    /** The load balancer's URL, the one every node names in links, redirects and token issuers. */
    static final String PUBLIC = "http://localhost:8100";
    private static final Pattern VIEW = Pattern.compile("ISPN000094: Received new cluster view for channel ISPN: \\[[^\\]]*\\] \\((\\d+)\\)");

    private final ObjectMapper json = new ObjectMapper();
    private PostgresServer database;
    private GreenMail mail;
    private KeycloakDistribution built;
    private KeycloakNode a;
    private KeycloakNode b;
    private final Map<String, Long> logStart = new HashMap<>();

    @BeforeAll
    void startCluster() throws IOException {
        // Below the kernel's ephemeral range (32768-60999): a client connection cannot hold the port by chance.
        database = PostgresServer.start(15432);
        mail = new GreenMail(new ServerSetup(3125, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        built = KeycloakNode.buildForPostgres();
        a = KeycloakNode.on(built, "node-a", 8180, 7800, database, 3125).withOptions("--hostname=" + PUBLIC);
        b = KeycloakNode.on(built, "node-b", 8280, 7801, database, 3125).withOptions("--hostname=" + PUBLIC);
        // The node logs under target/kc-logs/ grow run after run: read only this run's part.
        for (KeycloakNode node : List.of(a, b)) {
            Path log = built.log(node.name() + ".log");
            logStart.put(node.name(), Files.exists(log) ? Files.size(log) : 0L);
        }
        a.start();
        b.start();
    }

    @AfterAll
    void stopCluster() {
        admins.values().forEach(Keycloak::close);
        Shutdown.all(b, a, built, database, mail == null ? null : mail::stop);
    }

    @Test
    @Order(8)
    void theSignUpsOfOneNetworkAddressAreCountedAcrossBothNodes() {
        try (var ignored = mailboxStepSettings(a, Map.of("addressSignUpsPer10Minutes", "4"))) {
            for (KeycloakNode node : List.of(a, b, a, b)) {
                String email = newEmail("address");
                FormBrowser browser = submitRegistrationVia(node, FormBrowser.from("127.0.0.31"), "Busy Network", email);
                assertTrue(browser.text().contains(Texts.en("merchantMailboxSent", email)), node.name() + ": " + browser.text());
            }
            for (KeycloakNode node : List.of(a, b)) {
                String email = newEmail("address-refused");
                FormBrowser refused = submitRegistrationVia(node, FormBrowser.from("127.0.0.31"), "Busy Network", email);
                assertEquals(429, refused.status(), node.name() + ": " + refused.text());
                assertTrue(refused.text().contains(Texts.en("merchantTryLaterTitle")), refused.text());
                assertEquals(0, accounts(email), "nothing made past the limit");
            }
            String neighbour = newEmail("address-neighbour");
            FormBrowser other = submitRegistrationVia(b, FormBrowser.from("127.0.0.32"), "Quiet Network", neighbour);
            assertTrue(other.text().contains(Texts.en("merchantMailboxSent", neighbour)), other.text());
        }
    }

    // ---------------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void theTwoNodesFormedOneCluster() {
        for (KeycloakNode node : List.of(a, b)) {
            // What an operator sees: the management interface's metric (metrics on) and the log's view line.
            awaitTrue(() -> node.clusterSize() == 2, 60, node.name() + "'s vendor_cluster_size never said 2");
            awaitTrue(() -> lastView(node) == 2, 60, node.name() + " never logged a 2-member view:\n" + runLog(node));
        }
    }

    @Test
    @Order(2)
    void aChallengeFromNodeAIsAcceptedOnNodeBAndRefusedWhenReplayedOnNodeA() throws Exception {
        // The registration page comes from B; the widget's refetch (the page's own challenge expired, say) lands on A;
        // the form goes to B.
        String email = newEmail("widget-on-a");
        FormBrowser merchant = new FormBrowser().via(PUBLIC, b.base());
        openRegistration(merchant);
        String solution = solveWidgetChallengeOn(a, merchant);
        merchant.submit("#kc-register-form", Map.of("name", "Ada Cluster", "email", email, "altcha", solution));

        assertTrue(merchant.text().contains(Texts.en("merchantMailboxSent", email)), merchant.text());
        assertEquals(1, accounts(email), "the account exists");
        assertEquals(1, Mails.await(mail::getReceivedMessages, email, 1).size(), "the welcome email arrives");

        // The same solution, replayed by another browser to node A, which issued the challenge.
        String replayEmail = newEmail("replay-on-a");
        FormBrowser replay = new FormBrowser().via(PUBLIC, a.base());
        openRegistration(replay);
        replay.submit("#kc-register-form", Map.of("name", "Replay Robot", "email", replayEmail, "altcha", solution));

        assertEquals(200, replay.status(), replay.text());
        assertTrue(replay.text().contains(Texts.en("captchaExpired")), replay.text());
        assertNotNull(replay.page().selectFirst("#kc-register-form"), "the form comes back");
        assertEquals(0, accounts(replayEmail), "no account for the replay");
        assertTrue(Mails.to(mail.getReceivedMessages(), replayEmail).isEmpty(), "no email for the replay");
        List<EventRepresentation> refusals = realm(a).getEvents(List.of("REGISTER_ERROR"), null, null, null, null, null, 0, 100);
        assertTrue(refusals.stream().anyMatch(e -> e.getDetails() != null && "replayed".equals(e.getDetails().get("captcha_reason"))),
                "a REGISTER_ERROR event says replayed: " + refusals);
    }

    @Test
    @Order(3)
    void aWelcomeLinkUsedOnNodeBIsRefusedOnNodeA() {
        String email = newEmail("link");
        registerVia(a, "Grace Cluster", email);
        String link = Mails.welcomeLink(Mails.await(mail::getReceivedMessages, email, 1).get(0));
        assertTrue(link.startsWith(PUBLIC + "/realms/"), "links name the public URL: " + link);

        // A mail scanner opens the link through node A first: that spends nothing.
        FormBrowser scanner = new FormBrowser().via(PUBLIC, a.base()).open(link);
        assertTrue(scanner.text().contains(Texts.en("merchantCreatePasswordTitle")), scanner.text());

        FormBrowser phone = new FormBrowser().via(PUBLIC, b.base()).open(link);
        assertTrue(phone.text().contains(Texts.en("merchantCreatePasswordTitle")), phone.text());
        Journey.createPassword(phone);
        assertEquals(email, Journey.idTokenClaims(Journey.tokensAt(b.base(),
                Journey.signInAgainFromHomeAt(phone, PUBLIC, "phone-own-state"))).get("email").asText());

        FormBrowser again = new FormBrowser().via(PUBLIC, a.base()).open(link);
        assertEquals(410, again.status(), again.text());
        assertTrue(again.text().contains(Texts.en("merchantLink_used_title")), again.text());
        assertNotNull(again.page().selectFirst("#merchant-sign-in"), "points to sign in");

        FormBrowser newLink = new FormBrowser().via(PUBLIC, a.base()).post(resendUrl(), Map.of("key", Pages.keyOf(link)));
        assertEquals(410, newLink.status(), newLink.text());
        assertTrue(newLink.text().contains(Texts.en("merchantLink_used_title")), newLink.text());
        assertEquals(1, Mails.to(mail.getReceivedMessages(), email).size(), "no new link once the password exists");
    }

    @Test
    @Order(3)
    void theSameLinkPostedOnBothNodesAtTheSameInstantSignsInOnce() throws Exception {
        ExecutorService both = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                String email = newEmail("race" + round);
                registerVia(a, "Racing Cluster", email);
                String link = Mails.welcomeLink(Mails.await(mail::getReceivedMessages, email, 1).get(0));
                FormBrowser onA = new FormBrowser().via(PUBLIC, a.base()).open(link);
                FormBrowser onB = new FormBrowser().via(PUBLIC, b.base()).open(link);
                java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
                List<Future<FormBrowser>> posts = new ArrayList<>();
                for (FormBrowser browser : List.of(onA, onB)) {
                    posts.add(both.submit(() -> {
                        together.await();
                        return Journey.createPassword(browser);
                    }));
                }
                int signedIn = 0;
                for (Future<FormBrowser> post : posts) {
                    FormBrowser browser = post.get();
                    if (MerchantRealm.atHelpCenter(browser.location())) {
                        signedIn++;
                    } else {
                        assertEquals(410, browser.status(), browser.text());
                        assertTrue(browser.text().contains(Texts.en("merchantLink_used_title")), browser.text());
                    }
                }
                assertEquals(1, signedIn, "round " + round + ": exactly one node signed the merchant in");
            }
        } finally {
            both.shutdownNow();
        }
    }

    @Test
    @Order(4)
    void theOneEmailAMinuteLimitCountsSendsOfBothNodes() {
        String email = newEmail("minute");
        FormBrowser merchant = registerVia(a, "Impatient Cluster", email);

        merchant.via(PUBLIC, b.base()).submit("#merchant-mailbox-form", Map.of("action", "resend"));

        assertTrue(merchant.text().contains(Texts.en("merchantMailboxLimited")), merchant.text());
        assertEquals(1, Mails.await(mail::getReceivedMessages, email, 1).size(), "one email: B counted A's send");
    }

    @Test
    @Order(5)
    void theFiveEmailsAnHourLimitCountsSendsOfBothNodesAndBothResendButtons() {
        // One minute is too short for five sends: the hour's limit is the one under test (set on A, read by B).
        try (var ignored = mailboxStepSettings(a, Map.of("resendPerMinute", "10"))) {
            String email = newEmail("hour");
            FormBrowser merchant = registerVia(a, "Eager Cluster", email); // email 1, through A
            String key = Pages.keyOf(Mails.welcomeLink(Mails.await(mail::getReceivedMessages, email, 1).get(0)));

            merchant.via(PUBLIC, b.base()).submit("#merchant-mailbox-form", Map.of("action", "resend")); // 2, B
            assertTrue(merchant.text().contains(Texts.en("merchantMailboxResent")), merchant.text());
            merchant.via(PUBLIC, a.base()).submit("#merchant-mailbox-form", Map.of("action", "resend")); // 3, A
            assertTrue(merchant.text().contains(Texts.en("merchantMailboxResent")), merchant.text());

            // The welcome link's page has its own "send me a new link" button: same account, same limit.
            FormBrowser link = new FormBrowser().via(PUBLIC, b.base()).post(resendUrl(), Map.of("key", key)); // 4, B
            assertEquals(200, link.status(), link.text());
            assertTrue(link.text().contains(Texts.en("merchantLink_resent_text")), link.text());
            link.via(PUBLIC, a.base()).post(resendUrl(), Map.of("key", key)); // 5, A
            assertEquals(200, link.status(), link.text());

            link.via(PUBLIC, b.base()).post(resendUrl(), Map.of("key", key)); // 6th, B: refused
            assertEquals(429, link.status(), link.text());
            assertTrue(link.text().contains(Texts.en("merchantLink_resend-limited_title")), link.text());
            merchant.via(PUBLIC, b.base()).submit("#merchant-mailbox-form", Map.of("action", "resend")); // 6th, B: refused
            assertTrue(merchant.text().contains(Texts.en("merchantMailboxLimited")), merchant.text());

            assertEquals(5, Mails.await(mail::getReceivedMessages, email, 5).size(), "five emails in the hour across both nodes, not six");
            sleep(2000);
            assertEquals(5, Mails.to(mail.getReceivedMessages(), email).size(), "and no late sixth");
        }
    }

    @Test
    @Order(6)
    void simultaneousNewLinkRequestsOnBothNodesSendNoMoreThanTheLimit() throws Exception {
        try (var ignored = mailboxStepSettings(b, Map.of("resendPerMinute", "10"))) {
            String email = newEmail("burst");
            registerVia(b, "Burst Cluster", email); // email 1
            String key = Pages.keyOf(Mails.welcomeLink(Mails.await(mail::getReceivedMessages, email, 1).get(0)));

            // Ten "send me a new link" clicks at once, five to each node: four more emails fit in the hour.
            List<Callable<Integer>> clicks = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                KeycloakNode node = i % 2 == 0 ? a : b;
                clicks.add(() -> new FormBrowser().via(PUBLIC, node.base()).post(resendUrl(), Map.of("key", key)).status());
            }
            ExecutorService pool = Executors.newFixedThreadPool(10);
            List<Integer> statuses = new ArrayList<>();
            try {
                for (Future<Integer> answer : pool.invokeAll(clicks)) {
                    statuses.add(answer.get());
                }
            } finally {
                pool.shutdownNow();
            }

            assertEquals(4, statuses.stream().filter(s -> s == 200).count(), "four new links: " + statuses);
            assertEquals(6, statuses.stream().filter(s -> s == 429).count(), "six refused: " + statuses);
            assertEquals(5, Mails.await(mail::getReceivedMessages, email, 5).size());
            sleep(2000);
            assertEquals(5, Mails.to(mail.getReceivedMessages(), email).size(), "five emails in all, never more");
        }
    }

    /**
     * Issue 17: 200 registrations spread over both nodes (each one's pages on one node, its "Connect" on the other,
     * as a load balancer without sticky sessions may do), 8 at a time: every account gets its welcome email exactly
     * once, whichever node queued it and whichever node's worker or retry task sent it, and the outbox is empty after.
     */
    @Test
    @Order(7)
    void twoHundredRegistrationsOverBothNodesSendEachEmailExactlyOnce() throws Exception {
        String prefix = "cluster-outbox-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        int registrations = 200;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<String>> done = new ArrayList<>();
        for (int i = 0; i < registrations; i++) {
            int n = i;
            done.add(pool.submit(() -> {
                KeycloakNode pages = n % 2 == 0 ? a : b;
                KeycloakNode connect = n % 2 == 0 ? b : a;
                String email = prefix + n + "@shop.test";
                try (FormBrowser browser = new FormBrowser()) {
                    openRegistration(browser.via(PUBLIC, pages.base()));
                    String solution = solveWidgetChallengeOn(pages, browser);
                    browser.via(PUBLIC, connect.base()).submit("#kc-register-form",
                            Map.of("name", "Spread Merchant", "email", email, "altcha", solution));
                    return browser.text().contains(Texts.en("merchantMailboxSent", email)) ? email
                            : "FAILED " + email + ": " + browser.status() + " " + browser.reply().message();
                }
            }));
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES), "200 registrations within 5 minutes");
        List<String> emails = new ArrayList<>();
        for (Future<String> f : done) {
            emails.add(f.get());
        }
        assertEquals(List.of(), emails.stream().filter(e -> e.startsWith("FAILED")).toList());
        assertEquals(registrations, database.count("SELECT count(*) FROM user_entity WHERE email LIKE '" + prefix + "%'"));

        awaitTrue(() -> emails.stream().allMatch(e -> !Mails.to(mail.getReceivedMessages(), e).isEmpty()), 120,
                "every account's welcome email within 2 minutes");
        sleep(5000); // a second email would come from a second worker or the other node's retry task: give them time
        MimeMessage[] received = mail.getReceivedMessages();
        for (String email : emails) {
            assertEquals(1, Mails.to(received, email).size(), "exactly one welcome email to " + email);
        }
        assertEquals(0, database.count("SELECT count(*) FROM merchant_mail_outbox o JOIN user_entity u ON u.id = o.user_id"
                + " WHERE u.email LIKE '" + prefix + "%'"), "the outbox holds none of them once all is sent");
    }

    @Test
    @Order(9)
    void aMerchantContinuesOnNodeBWhenNodeADiesMidJourney() throws Exception {
        String email = newEmail("failover");
        FormBrowser merchant = registerVia(a, "Survivor Cluster", email);
        String link = Mails.welcomeLink(Mails.await(mail::getReceivedMessages, email, 1).get(0));

        a.kill();
        awaitTrue(() -> b.clusterSize() == 1, 90, "B never noticed that A left:\n" + runLog(b));

        // The load balancer sends the same browser to B: its sign-up (auth session) and its send count survived A.
        merchant.via(PUBLIC, b.base()).submit("#merchant-mailbox-form", Map.of("action", "resend"));
        assertTrue(merchant.text().contains(Texts.en("merchantMailboxLimited")), merchant.text());

        merchant.open(link);
        assertTrue(merchant.text().contains(Texts.en("merchantCreatePasswordTitle")), merchant.text());
        Journey.createPassword(merchant);
        assertEquals(email, Journey.idTokenClaims(Journey.tokensAt(b.base(), Journey.code(merchant))).get("email").asText());
        assertEquals(1, Mails.to(mail.getReceivedMessages(), email).size());
    }

    // ---------------------------------------------------------------------------------------------------

    private static String newEmail(String who) {
        return "cluster-" + who + "-" + UUID.randomUUID().toString().substring(0, 8) + "@shop.test";
    }

    private static FormBrowser openRegistration(FormBrowser browser) {
        browser.open(Pages.signInAt(PUBLIC, ""));
        return browser.open(browser.link("#kc-registration a"));
    }

    /** Registration, captcha (the page's own challenge) and form all through one node. */
    private FormBrowser registerVia(KeycloakNode node, String name, String email) {
        FormBrowser browser = submitRegistrationVia(node, new FormBrowser(), name, email);
        assertTrue(browser.text().contains(Texts.en("merchantMailboxSent", email)), browser.text());
        return browser;
    }

    private FormBrowser submitRegistrationVia(KeycloakNode node, FormBrowser browser, String name, String email) {
        openRegistration(browser.via(PUBLIC, node.base()));
        return browser.submit("#kc-register-form", Map.of("name", name, "email", email,
                "altcha", AltchaSolver.solvePage(browser)));
    }

    /**
     * What the ALTCHA widget does once its page's challenge has expired: GET its challenge URL (here routed to
     * {@code node}), solve it.
     */
    private String solveWidgetChallengeOn(KeycloakNode node, FormBrowser browser) {
        String challengeUrl = AltchaSolver.challengeUrl(browser.page());
        assertTrue(challengeUrl.startsWith(PUBLIC), challengeUrl);
        try {
            HttpResponse<String> challenge = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(node.base() + challengeUrl.substring(PUBLIC.length()))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, challenge.statusCode(), challenge.body());
            return AltchaSolver.solve(json.readTree(challenge.body()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String resendUrl() {
        return PUBLIC + "/realms/" + MerchantRealm.NAME + "/merchant-welcome/resend";
    }

    private long accounts(String email) {
        return database.count("SELECT count(*) FROM user_entity WHERE email = '" + email + "'");
    }

    private final Map<String, Keycloak> admins = new HashMap<>();

    private RealmResource realm(KeycloakNode node) {
        return admins.computeIfAbsent(node.name(), n -> node.admin()).realm(MerchantRealm.NAME);
    }

    /** The "check your mailbox" step's settings changed through {@code node}'s admin API, put back on close. */
    private AutoCloseable0 mailboxStepSettings(KeycloakNode node, Map<String, String> settings) {
        RealmResource realm = realm(node);
        AuthenticationExecutionInfoRepresentation execution = realm.flows().getExecutions("merchant registration").stream()
                .filter(e -> "merchant-check-your-mailbox".equals(e.getProviderId())).findFirst().orElseThrow();
        AuthenticatorConfigRepresentation config = realm.flows().getAuthenticatorConfig(execution.getAuthenticationConfig());
        Map<String, String> original = new HashMap<>(config.getConfig());
        Map<String, String> changed = new HashMap<>(original);
        changed.putAll(settings);
        config.setConfig(changed);
        realm.flows().updateAuthenticatorConfig(config.getId(), config);
        return () -> {
            config.setConfig(original);
            realm.flows().updateAuthenticatorConfig(config.getId(), config);
        };
    }

    @FunctionalInterface
    private interface AutoCloseable0 extends AutoCloseable {
        @Override
        void close();
    }

    /** The size of the latest cluster view in this run's part of the node's log; 0 before any. */
    private int lastView(KeycloakNode node) {
        Matcher views = VIEW.matcher(runLog(node));
        int last = 0;
        while (views.find()) {
            last = Integer.parseInt(views.group(1));
        }
        return last;
    }

    private String runLog(KeycloakNode node) {
        long offset = logStart.getOrDefault(node.name(), 0L);
        try {
            byte[] all = Files.readAllBytes(built.log(node.name() + ".log"));
            return new String(all, (int) Math.min(offset, all.length), (int) (all.length - Math.min(offset, all.length)),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void awaitTrue(Supplier<Boolean> condition, int seconds, String message) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(message);
            }
            sleep(500);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
