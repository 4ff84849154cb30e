package com.merchantsupport.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.merchantsupport.it.reliability.NodeRegistrations;
import com.merchantsupport.it.support.AltchaSolver;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Haproxy;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.KeycloakDistribution;
import com.merchantsupport.it.support.KeycloakNode;
import com.merchantsupport.it.support.MailboxStepConfig;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.Pages;
import com.merchantsupport.it.support.PostgresServer;
import com.merchantsupport.it.support.Shutdown;
import com.merchantsupport.it.support.Texts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;

/**
 * Issue 20: three {@code kc.sh start} nodes on one PostgreSQL, clustered by Keycloak's own Infinispan over JGroups, behind
 * Debian's HAProxy started with {@code deploy/haproxy/haproxy.cfg} as it is in the repository: round robin, no sticky
 * sessions, health checks on the management port, {@code X-Forwarded-For} overwritten. The nodes start with the options
 * docs/DEPLOYING.md gives ({@code --hostname}, {@code --proxy-headers xforwarded}, {@code --proxy-trusted-addresses},
 * {@code --shutdown-delay}). Every merchant goes through HAProxy ({@link ClusterMerchants}) from an address of its own.
 *
 * <p>One cluster for every scenario, in order: the nodes start on the pack of the previous version of providers/
 * ({@code scripts/build-previous-pack.sh}) with that version's realm JSON, are upgraded one at a time under load
 * (and, with one node new and two old, serve each other's links, challenges, sessions and queued emails), the realm
 * is brought to this version's JSON by {@code scripts/upgrade-realm.py}, then the limits behind the proxy, 200
 * merchants for two minutes with a node SIGKILLed in the middle, and the sizing figures (target/cluster-sizing.md).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ThreeNodesBehindHaproxyTest {

    /** HAProxy's frontend (deploy/haproxy/haproxy.cfg): the one URL every node names in links, redirects and issuers. */
    static final String PUBLIC = "http://localhost:8100";
    static final int SMTP = 3327;
    /** Nothing listens there: the realm's mail pointed at it refuses every email. */
    static final int CLOSED_PORT = 3399;
    static final Duration SPACING = Duration.ofMillis(600);
    /** The load with the kill: 200 merchants at once, started over 30 s, journey after journey for two minutes. */
    static final int USERS = 200;
    static final Duration RAMP_UP = Duration.ofSeconds(30);
    static final Duration SUSTAINED = Duration.ofMinutes(2);

    private final Path root = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private PostgresServer database;
    private GreenMail mail;
    private MailIndex mails;
    private KeycloakDistribution oldBuilt;
    private KeycloakDistribution newBuilt;
    private final KeycloakNode[] nodes = new KeycloakNode[3];
    private Haproxy haproxy;
    private String previousCommit;
    private final List<String> completedEmails = new ArrayList<>();
    private final Map<String, String> sizing = new LinkedHashMap<>();

    @BeforeAll
    void startCluster() throws Exception {
        Path previous = Path.of(System.getProperty("screenshots.dir", "target/screenshots")).resolveSibling("previous-pack");
        previousCommit = buildPreviousPack(previous);
        // Below the kernel's ephemeral range (32768-60999): a client connection cannot hold the port by chance.
        database = PostgresServer.start(15632);
        mail = new GreenMail(new ServerSetup(SMTP, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        mails = new MailIndex(mail);
        // The deployer's realm was imported from the previous version's realm JSON (its real limits, not the tests' copy).
        oldBuilt = KeycloakNode.buildForPostgres(previous.resolve("merchant-support-keycloak.jar"),
                previous.resolve("realm-export/merchant-support-realm.json"));
        newBuilt = KeycloakNode.buildForPostgres(Path.of(System.getProperty("pack.jar")), Path.of(System.getProperty("realm.json")));
        for (int i = 0; i < 3; i++) {
            nodes[i] = KeycloakNode.on(oldBuilt, "kc" + (i + 1), 8181 + i, 7810 + i, database, SMTP).withOptions(
                    "--hostname=" + PUBLIC,
                    "--proxy-headers=xforwarded",
                    // HAProxy's own address as the nodes see it: a header from anywhere else is ignored.
                    "--proxy-trusted-addresses=127.0.0.1",
                    // Longer than HAProxy's 3 x 2 s to take a stopping node out (DEPLOYING, "Rolling upgrades of the pack").
                    "--shutdown-delay=8s",
                    // The retry task every 2 s (30 s by default): a node's lost emails are sent again within seconds.
                    "--spi-jpa-entity-provider--merchant-support--outbox-retry-seconds=2");
        }
        for (KeycloakNode node : nodes) {
            node.start(); // one at a time: the first imports the realm, the others find it
        }
        haproxy = Haproxy.start(root.resolve("deploy/haproxy/haproxy.cfg"));
        for (KeycloakNode node : nodes) {
            haproxy.await(node.name(), "UP", Duration.ofSeconds(30));
        }
        try (Keycloak admin = nodes[0].admin()) {
            RealmResource realm = admin.realm(MerchantRealm.NAME);
            // The merchants' browsers share the test machine's two cores with the three nodes: the proof of work at its
            // lowest (the server's check costs one hash at any difficulty). See LoadOnPostgresTest.
            NodeRegistrations.captchaDifficulty(realm, "1000");
            // This class sends some 800 emails in its half hour; the realm's budget is 1000 an hour. The per-address and
            // per-account limits stay as the realm JSON has them (each merchant has an address of its own).
            MailboxStepConfig.change(realm, Map.of("realmEmailsPerHour", "100000")); // kept for the whole class
        }
    }

    @AfterAll
    void stopCluster() {
        Shutdown.all(haproxy, nodes[0], nodes[1], nodes[2], oldBuilt, newBuilt, database, mails, mail == null ? null : mail::stop);
    }

    @Test
    @Order(1)
    void threeNodesFormOneClusterAndHaproxySpreadsTheRequestsOverThem() {
        for (KeycloakNode node : nodes) {
            awaitTrue(() -> node.clusterSize() == 3, 90, node.name() + "'s vendor_cluster_size never said 3");
        }
        Map<String, Long> before = requestsPerNode();
        for (int i = 0; i < 30; i++) {
            try (FormBrowser browser = FormBrowser.from("127.0.2.1")) {
                browser.open(Pages.signInAt(PUBLIC, ""));
                assertEquals(200, browser.status(), browser.text());
            }
        }
        Map<String, Long> after = requestsPerNode();
        for (KeycloakNode node : nodes) {
            long served = after.get(node.name()) - before.get(node.name());
            assertTrue(served >= 5, node.name() + " served " + served + " of 30 sign-in pages: " + after);
        }
    }

    /**
     * The previous version's three nodes are replaced one at a time (SIGTERM, the new installation, start) while
     * merchants keep arriving; between the first and the second, one new node and two old ones serve each other's
     * journeys.
     */
    @Test
    @Order(2)
    void aRollingUpgradeUnderLoadLosesNothingAndOldAndNewServeEachOther() throws Exception {
        ClusterMerchants load = new ClusterMerchants(PUBLIC, mails, "upgrade-" + run + "-", 20).start(800, SPACING);
        List<long[]> stops = new ArrayList<>(); // {when, requests in flight}
        ClusterMerchants.sleep(10_000);
        Set<String> oldProviders;
        try (Keycloak admin = nodes[1].admin()) {
            oldProviders = providerIds(admin);
        }
        for (int i = 0; i < 3; i++) {
            KeycloakNode old = nodes[i];
            stops.add(new long[] {System.nanoTime(), load.inFlight.get()});
            old.stop();
            old.close();
            nodes[i] = old.replacedBy(newBuilt).start();
            haproxy.await(nodes[i].name(), "UP", Duration.ofSeconds(60));
            awaitTrue(() -> List.of(nodes).stream().allMatch(n -> n.clusterSize() == 3), 90, "the cluster never had 3 members again");
            if (i == 0) {
                KeycloakNode newer = nodes[0];
                KeycloakNode older = nodes[1];
                // Both ways: each version's challenge, sign-up, link and session honoured by the other.
                crossVersionJourney("old-to-new", older, newer, "127.0.3.1");
                crossVersionJourney("new-to-old", newer, older, "127.0.3.2");
                queuedEmailsOfBothVersionsAreSentOnce(older, newer);
                try (Keycloak admin = newer.admin()) {
                    Set<String> missing = new TreeSet<>(oldProviders);
                    missing.removeAll(providerIds(admin));
                    assertEquals(Set.of(), missing, "every provider id of the previous version exists in this one");
                }
            }
        }
        load.stopArriving();
        load.await(Duration.ofMinutes(5));

        String report = loadReport("Rolling upgrade", load, stops);
        System.out.println(report);
        assertTrue(load.outcomes().size() >= 100, "merchants arrived during the upgrade: " + load.outcomes().size());
        assertOnlyInFlightRequestsFailed(load, stops, report);
        assertEveryAccountHasExactlyOneEmail(load, Set.of(), report);
    }

    /** --import-realm skips the existing realm: the deployer brings it to this version's JSON with the script, twice. */
    @Test
    @Order(3)
    void theUpgradedRealmGetsThisVersionsSettingsFromTheScript() throws Exception {
        String first = upgradeRealm();
        assertTrue(first.contains("change(s) made") || first.contains("No change"), first);
        String second = upgradeRealm();
        assertTrue(second.contains("No change"), "the second run changes nothing:\n" + second);
        try (Keycloak admin = nodes[2].admin()) {
            RealmResource realm = admin.realm(MerchantRealm.NAME);
            NodeRegistrations.captchaDifficulty(realm, "1000");
            MailboxStepConfig.change(realm, Map.of("realmEmailsPerHour", "100000")); // kept for the whole class
            assertTrue(realm.toRepresentation().getEventsListeners().contains("merchant-journey"),
                    "the realm has this version's event listener");
        }
    }

    /**
     * HAProxy overwrites X-Forwarded-For with the address it received the connection from, and the nodes trust it
     * only from HAProxy: the per-address sign-up limit (10 in 10 minutes, the realm JSON's) counts the merchant.
     */
    @Test
    @Order(4)
    void thePerAddressLimitCountsTheMerchantsAddressNotHaproxysNorAForgedHeader() {
        String address = "127.0.4.1";
        for (int i = 0; i < 10; i++) {
            String email = "limit-" + run + "-" + i + "@shop.test";
            // Half of them with a header of their own: HAProxy replaces it, so it changes nothing.
            FormBrowser browser = FormBrowser.from(address);
            if (i % 2 == 1) {
                browser.forwardedFor("198.51.100." + i);
            }
            register(browser, email);
            assertTrue(browser.text().contains(Texts.en("merchantMailboxSent", email)), i + ": " + browser.text());
        }
        FormBrowser eleventh = FormBrowser.from(address).forwardedFor("198.51.100.99");
        register(eleventh, "limit-" + run + "-10@shop.test");
        assertEquals(429, eleventh.status(), "the 11th sign-up of the address is refused, whatever its header:\n" + eleventh.text());
        assertTrue(eleventh.text().contains(Texts.en("merchantTryLaterTitle")), eleventh.text());

        // Around HAProxy, straight to a node, with a header naming a fresh address: the node ignores it (not HAProxy).
        FormBrowser direct = FormBrowser.from(address).forwardedFor("127.0.4.99").via(PUBLIC, nodes[0].base());
        register(direct, "limit-" + run + "-direct@shop.test");
        assertEquals(429, direct.status(), "a header from an untrusted address is ignored:\n" + direct.text());

        FormBrowser neighbour = FormBrowser.from("127.0.4.2");
        register(neighbour, "limit-" + run + "-neighbour@shop.test");
        assertTrue(neighbour.text().contains(Texts.en("merchantMailboxSent", "limit-" + run + "-neighbour@shop.test")),
                "another address is counted alone, though HAProxy's own address is the same:\n" + neighbour.text());
    }

    /**
     * 200 merchants at once for two minutes through HAProxy, journey after journey; a node SIGKILLed 60 s in and
     * started again at once. Five merchants who began their sign-up on that node wait on "check your mailbox" when it
     * dies, and finish on the others.
     */
    @Test
    @Order(5)
    void twoHundredMerchantsForTwoMinutesWithANodeKilledInTheMiddle() throws Exception {
        KeycloakNode victim = nodes[1];
        List<FormBrowser> waiting = new ArrayList<>();
        List<String> waitingEmails = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String email = "victim-" + run + "-" + i + "@shop.test";
            FormBrowser browser = FormBrowser.from("127.0.5." + (i + 1)).via(PUBLIC, victim.base());
            register(browser, email);
            assertTrue(browser.text().contains(Texts.en("merchantMailboxSent", email)), browser.text());
            waiting.add(browser.via(PUBLIC, PUBLIC)); // from now on through HAProxy
            waitingEmails.add(email);
        }

        ClusterMerchants load = new ClusterMerchants(PUBLIC, mails, "load-" + run + "-", 40).startLooping(USERS, RAMP_UP, SUSTAINED);
        long[] cpuBefore = cpu();
        ClusterMerchants.sleep(RAMP_UP.plusSeconds(30).toMillis());
        awaitTrue(() -> load.inFlight.get() >= 20, 20, "the load never had 20 requests in flight"); // the node dies mid-work
        long killedAt = System.nanoTime();
        int inFlight = load.inFlight.get();
        victim.kill();
        // Emails a node was sending when it died: the one case where a second copy may follow (the lease's end).
        Set<String> leasedAtKill = new TreeSet<>(database.query("SELECT u.email FROM merchant_mail_outbox o JOIN user_entity u"
                + " ON u.id = o.user_id WHERE o.lease_until IS NOT NULL"));
        haproxy.await(victim.name(), "DOWN", Duration.ofSeconds(20));
        for (KeycloakNode node : List.of(nodes[0], nodes[2])) {
            awaitTrue(() -> node.clusterSize() == 2, 90, node.name() + " never saw the cluster shrink to 2");
        }
        // Started again at once, under the load; the merchants who began on it go on meanwhile.
        ExecutorService restarting = Executors.newSingleThreadExecutor();
        Future<?> restarted = restarting.submit(() -> victim.start());
        restarting.shutdown();
        for (int i = 0; i < waiting.size(); i++) {
            String email = waitingEmails.get(i);
            String link = mails.awaitLink(email, Duration.ofMinutes(2));
            assertNotNull(link, "the welcome email of " + email + ", who signed up on the killed node");
            FormBrowser browser = waiting.get(i).open(link);
            assertNotNull(browser.page().selectFirst(Journey.CREATE_PASSWORD_FORM), browser.text());
            Journey.createPassword(browser);
            assertEquals(email, Journey.idTokenClaims(Journey.tokensAt(PUBLIC, Journey.code(browser))).get("email").asText(),
                    "the merchant whose sign-up began on the killed node is signed in by the others");
        }
        restarted.get(4, TimeUnit.MINUTES);
        haproxy.await(victim.name(), "UP", Duration.ofSeconds(60));
        for (KeycloakNode node : nodes) {
            awaitTrue(() -> node.clusterSize() == 3, 90, node.name() + " never saw the cluster grow back to 3");
        }
        load.await(Duration.ofMinutes(4));
        long[] cpuAfter = cpu();
        double seconds = load.secondsSinceStart();

        List<long[]> disruptions = List.<long[]>of(new long[] {killedAt, inFlight});
        String report = loadReport("Node killed", load, disruptions) + "\n| Outbox rows leased at the kill | " + leasedAtKill.size() + " |";
        System.out.println(report);
        sizing.put("load", String.format("Load with the kill: %d journeys of %d merchants at once in %.0f s; sign-up requests %.1f/s,"
                        + " sign-in requests %.1f/s; CPU per node (kc1, kc3; kc2 was killed) %s", load.outcomes().size(), USERS, seconds,
                load.signUpRequests.sum() / seconds, load.signInRequests.sum() / seconds,
                String.format("%.2f, %.2f cores", (cpuAfter[0] - cpuBefore[0]) / 1000.0 / seconds,
                        (cpuAfter[2] - cpuBefore[2]) / 1000.0 / seconds)));
        assertTrue(load.outcomes().size() >= USERS, "each of the " + USERS + " merchants made a journey at least: " + load.outcomes().size());
        assertOnlyInFlightRequestsFailed(load, disruptions, report);
        assertEveryAccountHasExactlyOneEmail(load, leasedAtKill, report);
        load.outcomes().stream().filter(ClusterMerchants.Outcome::completed).map(ClusterMerchants.Outcome::email)
                .forEach(completedEmails::add);
    }

    /**
     * Sizing, on the cluster above, one phase at a time: 60 sign-ups (to "check your mailbox", their emails sent), then
     * 60 password sign-ins (to the help center's tokens), 6 at a time through HAProxy; each node's CPU, the requests, and
     * PostgreSQL's row writes and commits per operation, less what the idle cluster writes in the same time.
     */
    @Test
    @Order(6)
    void sizingFigures() throws Exception {
        Assumptions.assumeTrue(completedEmails.size() >= 90, "needs 90 merchants with a password from the load above");
        // The node started again above compiles its code still: the same operations once before measuring.
        ClusterMerchants warmUp = new ClusterMerchants(PUBLIC, mails, "sizing-warm-" + run + "-", 62);
        sixAtATime(30, n -> signUpOnly(warmUp, n));
        sixAtATime(30, n -> warmUp.signInWithPassword(completedEmails.get(60 + n), warmUp.address(30 + n), new ArrayList<>()));
        Phase idle = measure(() -> ClusterMerchants.sleep(20_000));
        ClusterMerchants signUps = new ClusterMerchants(PUBLIC, mails, "sizing-" + run + "-", 60);
        Phase signUp = measure(() -> sixAtATime(60, n -> {
            ClusterMerchants.Outcome o = signUpOnly(signUps, n);
            assertTrue(o.completed(), o.describe());
        }));
        ClusterMerchants signIns = new ClusterMerchants(PUBLIC, mails, "sizing-in-" + run + "-", 61);
        Phase signIn = measure(() -> sixAtATime(60, n -> signIns.signInWithPassword(completedEmails.get(n), signIns.address(n),
                new ArrayList<>())));
        String table = String.join("\n",
                "| Phase (6 at a time through HAProxy, 3 nodes, 2 cores shared) | Operations/s | HTTP requests/s | CPU per node kc1 / kc2 / kc3 (cores) | Nodes' CPU per operation (ms) | Row writes per operation | Commits per operation |",
                "|---|---|---|---|---|---|---|",
                signUp.row("60 sign-ups to \"check your mailbox\", email sent", 60, signUps.signUpRequests.sum(), idle),
                signIn.row("60 password sign-ins to the help center's tokens", 60, signIns.signInRequests.sum(), idle),
                "",
                "Idle cluster over " + String.format("%.0f", idle.seconds) + " s: " + idle.writes + " row writes, " + idle.commits
                        + " commits (JGroups discovery, the funnel's flush, the retry task). Writes per sign-up by table: "
                        + signUp.byTable(idle, 60),
                "",
                sizing.getOrDefault("load", ""),
                "",
                "Previous version for the rolling upgrade: " + previousCommit);
        System.out.println(table);
        Path file = Path.of(System.getProperty("screenshots.dir", "target/screenshots")).resolveSibling("cluster-sizing.md");
        Files.writeString(file, table + "\n");
        assertTrue(signUp.writes > 0 && signIn.commits > 0, table);
    }

    // ---------------------------------------------------------------------------------------------------
    // Cross-version journeys

    /**
     * A merchant whose pages and captcha come from {@code first}, whose "Connect" goes to {@code second} (which queues
     * the email and builds its link), whose link and password are on {@code first} again, and whose next sign-in at the
     * help center is answered by {@code second} from the session {@code first} made.
     */
    private void crossVersionJourney(String who, KeycloakNode first, KeycloakNode second, String address) {
        String email = "cross-" + who + "-" + run + "@shop.test";
        FormBrowser browser = FormBrowser.from(address).via(PUBLIC, first.base());
        browser.open(Pages.signInAt(PUBLIC, ""));
        browser.open(browser.link("#kc-registration a"));
        String solution = AltchaSolver.solvePage(browser); // issued by `first`
        browser.via(PUBLIC, second.base()).submit(Journey.REGISTER_FORM, Map.of("name", "Cross Version", "email", email, "altcha", solution));
        assertTrue(browser.text().contains(Texts.en("merchantMailboxSent", email)),
                who + ": " + second.name() + " accepts the challenge and the sign-up " + first.name() + " began:\n" + browser.text());
        String link = mails.awaitLink(email, Duration.ofSeconds(60));
        assertNotNull(link, who + ": the welcome email");

        browser.via(PUBLIC, first.base()).open(link);
        assertNotNull(browser.page().selectFirst(Journey.CREATE_PASSWORD_FORM), who + ": " + first.name()
                + " honours the link " + second.name() + " made:\n" + browser.text());
        Journey.createPassword(browser);
        assertEquals(email, Journey.idTokenClaims(Journey.tokensAt(PUBLIC, Journey.code(browser))).get("email").asText());

        browser.via(PUBLIC, second.base()).open(Pages.signInAt(PUBLIC, "state=" + who));
        String callback = browser.location();
        assertTrue(callback != null && callback.startsWith(MerchantRealm.HELP_CENTER_REDIRECT_URI) && callback.contains("state=" + who),
                who + ": " + second.name() + " signs the merchant in from the session " + first.name() + " made, without a page: "
                        + browser.status() + " " + callback + "\n" + browser.text());
        assertEquals(1, mails.welcomeCounts(email).getOrDefault(email, 0), who + ": one welcome email");
    }

    /** With the mail server refusing, one email queued by each version; once it is back, each arrives once. */
    private void queuedEmailsOfBothVersionsAreSentOnce(KeycloakNode older, KeycloakNode newer) {
        String fromOld = "queued-old-" + run + "@shop.test";
        String fromNew = "queued-new-" + run + "@shop.test";
        try (Keycloak admin = older.admin()) {
            RealmResource realm = admin.realm(MerchantRealm.NAME);
            NodeRegistrations.smtpAt(realm, CLOSED_PORT);
            try {
                for (String[] sign : List.of(new String[] {fromOld, "127.0.3.3"}, new String[] {fromNew, "127.0.3.4"})) {
                    KeycloakNode node = sign[0].equals(fromOld) ? older : newer;
                    FormBrowser browser = FormBrowser.from(sign[1]).via(PUBLIC, node.base());
                    register(browser, sign[0]);
                    assertTrue(browser.text().contains(Texts.en("merchantMailboxSent", sign[0])), browser.text());
                }
                awaitTrue(() -> database.count("SELECT count(*) FROM merchant_mail_outbox o JOIN user_entity u ON u.id = o.user_id"
                        + " WHERE u.email IN ('" + fromOld + "', '" + fromNew + "') AND o.last_error IS NOT NULL") == 2, 60,
                        "both emails were tried and refused by the mail server");
            } finally {
                NodeRegistrations.smtpAt(realm, SMTP);
            }
        }
        for (String email : List.of(fromOld, fromNew)) {
            assertNotNull(mails.awaitLink(email, Duration.ofSeconds(90)), "the email queued for " + email + " is sent once mail is back");
        }
        ClusterMerchants.sleep(5000);
        for (String email : List.of(fromOld, fromNew)) {
            assertEquals(1, mails.welcomeCounts(email).getOrDefault(email, 0), "exactly one email to " + email);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // What a load may cost

    /** Every 5xx or broken request happened within 25 s of a stop or kill, and there are no more than were in flight then. */
    private static void assertOnlyInFlightRequestsFailed(ClusterMerchants load, List<long[]> disruptions, String report) {
        long allowed = disruptions.stream().mapToLong(d -> d[1]).sum();
        List<ClusterMerchants.Broken> broken = new ArrayList<>(load.broken);
        List<ClusterMerchants.Broken> outside = broken.stream().filter(b -> disruptions.stream()
                .noneMatch(d -> b.atNanos() >= d[0] && b.atNanos() <= d[0] + TimeUnit.SECONDS.toNanos(25))).toList();
        assertEquals(List.of(), outside, "5xx or broken requests away from any stop or kill\n" + report);
        assertTrue(broken.size() <= allowed, broken.size() + " broken requests, more than the " + allowed + " in flight: " + broken
                + "\n" + report);
        List<ClusterMerchants.Outcome> failed = load.failed();
        assertTrue(failed.size() <= allowed, failed.size() + " journeys failed, more than the " + allowed + " requests in flight:\n"
                + failed.stream().map(ClusterMerchants.Outcome::describe).collect(Collectors.joining("\n")) + "\n" + report);
        List<ClusterMerchants.Outcome> failedWithoutCause = failed.stream()
                .filter(o -> broken.stream().noneMatch(b -> b.atNanos() >= o.startedAt() && b.atNanos() <= o.endedAt())).toList();
        assertEquals(List.of(), failedWithoutCause.stream().map(ClusterMerchants.Outcome::describe).toList(),
                "journeys that failed without a broken request of their own\n" + report);
    }

    /**
     * Accounts = welcome emails: every account of the load has exactly one, none for an address without account;
     * a second copy only for an email a killed node was sending ({@code mayRepeat}). Completed journeys = accounts,
     * but for the journeys that stopped after their account was made.
     */
    private void assertEveryAccountHasExactlyOneEmail(ClusterMerchants load, Set<String> mayRepeat, String report) {
        Set<String> accounts = new TreeSet<>(NodeRegistrations.accountEmails(database, load.prefix));
        // The emails of the journeys that stopped may still be on their way (a killed node's lease): wait for them.
        awaitTrue(() -> mails.welcomeCounts(load.prefix).keySet().containsAll(accounts), 120, "a welcome email for every account\n" + report);
        ClusterMerchants.sleep(5000);
        Map<String, Integer> emails = mails.welcomeCounts(load.prefix);
        assertEquals(accounts, emails.keySet(), "accounts = welcome emails' recipients\n" + report);
        Map<String, Integer> repeated = emails.entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        System.out.println("| Accounts / welcome emails / sent twice | " + accounts.size() + " / "
                + emails.values().stream().mapToInt(Integer::intValue).sum() + " / " + repeated + " |");
        assertTrue(mayRepeat.containsAll(repeated.keySet()), "emails sent twice: " + repeated + "\n" + report);
        Set<String> completed = load.outcomes().stream().filter(ClusterMerchants.Outcome::completed).map(ClusterMerchants.Outcome::email)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> stoppedWithAccount = load.failed().stream().map(ClusterMerchants.Outcome::email).filter(accounts::contains)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> expected = new TreeSet<>(accounts);
        expected.removeAll(stoppedWithAccount);
        assertEquals(expected, completed, "completed journeys = accounts, but for those that stopped after their account\n" + report);
        assertEquals(0, database.count("SELECT count(*) FROM merchant_mail_outbox o JOIN user_entity u ON u.id = o.user_id"
                + " WHERE u.email LIKE '" + load.prefix + "%'"), "the outbox is empty once all is sent");
        assertEquals(Map.of(), mails.others(), "no other email");
    }

    private String loadReport(String title, ClusterMerchants load, List<long[]> disruptions) {
        List<ClusterMerchants.Outcome> all = load.outcomes();
        return String.join("\n",
                "| " + title + " | |",
                "|---|---|",
                "| Journeys / completed | " + all.size() + " / "
                        + all.stream().filter(ClusterMerchants.Outcome::completed).count() + " |",
                "| Requests in flight at each stop or kill | " + disruptions.stream().map(d -> String.valueOf(d[1])).toList() + " |",
                "| HTTP statuses | " + load.statusCounts() + " |",
                "| 5xx or broken requests | " + load.broken.size() + " " + new ArrayList<>(load.broken).stream()
                        .map(b -> b.step() + " " + b.what()).limit(10).toList() + " |",
                "| Journeys that stopped | " + load.failed().stream().map(ClusterMerchants.Outcome::describe).limit(10).toList() + " |",
                "| Tried again after a broken request | " + all.stream().filter(o -> !o.retried().isEmpty()).count() + " |",
                "| Whole journey, sign-in page to the second sign-in's tokens (p50 / p95 / max) | " + journeyTimes(all) + " |",
                "| HAProxy | " + haproxy.servers() + " |");
    }

    private static String journeyTimes(List<ClusterMerchants.Outcome> all) {
        List<Long> ms = all.stream().filter(ClusterMerchants.Outcome::completed).map(o -> (o.endedAt() - o.startedAt()) / 1_000_000)
                .sorted().toList();
        if (ms.isEmpty()) {
            return "-";
        }
        return ms.get(ms.size() / 2) + " / " + ms.get(Math.min(ms.size() - 1, (int) Math.ceil(ms.size() * 0.95) - 1)) + " / "
                + ms.get(ms.size() - 1) + " ms";
    }

    // ---------------------------------------------------------------------------------------------------
    // Sizing

    private record Phase(double seconds, long[] cpu, long writes, long commits, Map<String, Long> tables) {

        String row(String what, int operations, long requests, Phase idle) {
            double scale = seconds / idle.seconds;
            return "| " + what + " | " + String.format("%.1f", operations / seconds) + " | " + String.format("%.1f", requests / seconds)
                    + " | " + String.format("%.2f / %.2f / %.2f", cpu[0] / 1000.0 / seconds, cpu[1] / 1000.0 / seconds, cpu[2] / 1000.0 / seconds)
                    + " | " + String.format("%.0f", (cpu[0] + cpu[1] + cpu[2]) / (double) operations)
                    + " | " + String.format("%.1f", (writes - idle.writes * scale) / operations)
                    + " | " + String.format("%.1f", (commits - idle.commits * scale) / operations) + " |";
        }

        String byTable(Phase idle, int operations) {
            double scale = seconds / idle.seconds;
            Map<String, String> per = new TreeMap<>();
            tables.forEach((table, n) -> {
                double value = (n - idle.tables.getOrDefault(table, 0L) * scale) / operations;
                if (value >= 0.05) {
                    per.put(table, String.format("%.1f", value));
                }
            });
            return per.toString();
        }
    }

    private Phase measure(Runnable phase) {
        long[] cpu0 = cpu();
        Map<String, Long> tables0 = tableWrites();
        long commits0 = commits();
        long start = System.nanoTime();
        phase.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        ClusterMerchants.sleep(1500); // PostgreSQL's statistics are flushed at most once a second
        long[] cpu1 = cpu();
        Map<String, Long> tables1 = tableWrites();
        Map<String, Long> tables = new TreeMap<>();
        tables1.forEach((t, n) -> tables.put(t, n - tables0.getOrDefault(t, 0L)));
        long[] cpu = new long[3];
        for (int i = 0; i < 3; i++) {
            cpu[i] = cpu1[i] - cpu0[i];
        }
        return new Phase(seconds, cpu, tables.values().stream().mapToLong(Long::longValue).sum(), commits() - commits0, tables);
    }

    private Map<String, Long> tableWrites() {
        Map<String, Long> writes = new TreeMap<>();
        for (String row : database.query("SELECT relname || '=' || (n_tup_ins + n_tup_upd + n_tup_del) FROM pg_stat_user_tables")) {
            int eq = row.lastIndexOf('=');
            writes.put(row.substring(0, eq), Long.parseLong(row.substring(eq + 1)));
        }
        return writes;
    }

    private long commits() {
        return database.count("SELECT xact_commit FROM pg_stat_database WHERE datname = '" + PostgresServer.DATABASE + "'");
    }

    private long[] cpu() {
        long[] cpu = new long[3];
        for (int i = 0; i < 3; i++) {
            cpu[i] = nodes[i].cpuMillis();
        }
        return cpu;
    }

    /** A sign-up to "check your mailbox" and its email's arrival, nothing after. */
    private ClusterMerchants.Outcome signUpOnly(ClusterMerchants merchants, int n) {
        String email = merchants.email(n);
        long start = System.nanoTime();
        try (FormBrowser browser = FormBrowser.from(merchants.address(n))) {
            browser.onResponse(r -> merchants.signUpRequests.increment());
            register(browser, email);
            boolean ok = browser.text().contains(Texts.en("merchantMailboxSent", email)) && mails.awaitLink(email, Duration.ofSeconds(60)) != null;
            return new ClusterMerchants.Outcome(n, email, merchants.address(n), start, System.nanoTime(), ok, ok, ok ? null : "sign-up",
                    browser.status() + " " + browser.reply().message(), List.of());
        }
    }

    private static void sixAtATime(int count, java.util.function.IntConsumer operation) {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                done.add(pool.submit(() -> operation.accept(n)));
            }
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------------------------------------------

    private static void register(FormBrowser browser, String email) {
        browser.open(Pages.signInAt(PUBLIC, ""));
        browser.open(browser.link("#kc-registration a"));
        browser.submit(Journey.REGISTER_FORM, Map.of("name", "Cluster Merchant", "email", email, "altcha", AltchaSolver.solvePage(browser)));
    }

    private Map<String, Long> requestsPerNode() {
        Map<String, Long> served = new HashMap<>();
        for (Map<String, String> row : haproxy.stats()) {
            if ("keycloak".equals(row.get("pxname")) && row.get("svname").startsWith("kc")) {
                served.put(row.get("svname"), Long.parseLong(row.get("stot")));
            }
        }
        return served;
    }

    private static Set<String> providerIds(Keycloak admin) {
        Set<String> ids = new TreeSet<>();
        admin.serverInfo().getInfo().getProviders().forEach((spi, info) -> info.getProviders().keySet().forEach(id -> ids.add(spi + "/" + id)));
        return ids;
    }

    /** {@code python3 scripts/upgrade-realm.py} through HAProxy, as a deployer runs it after the upgrade. */
    private String upgradeRealm() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("python3", "scripts/upgrade-realm.py").directory(root.toFile()).redirectErrorStream(true);
        builder.environment().put("KEYCLOAK_URL", PUBLIC);
        builder.environment().put("KEYCLOAK_ADMIN", KeycloakNode.ADMIN);
        builder.environment().put("KEYCLOAK_ADMIN_PASSWORD", KeycloakNode.ADMIN_PASSWORD);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(3, TimeUnit.MINUTES), "the script ended");
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    /** scripts/build-previous-pack.sh into {@code folder}: the commit it built. */
    private String buildPreviousPack(Path folder) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", "scripts/build-previous-pack.sh", folder.toString())
                .directory(root.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(10, TimeUnit.MINUTES), "the previous pack's build ended");
        if (process.exitValue() == 3 && !"true".equalsIgnoreCase(System.getenv("CI"))) {
            Assumptions.abort("no previous version of providers/ in this clone's history: " + output);
        }
        assertEquals(0, process.exitValue(), "scripts/build-previous-pack.sh:\n" + output);
        return Files.readString(folder.resolve("commit.txt")).strip();
    }

    private static void awaitTrue(Supplier<Boolean> condition, int seconds, String message) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(message);
            }
            ClusterMerchants.sleep(500);
        }
    }
}
