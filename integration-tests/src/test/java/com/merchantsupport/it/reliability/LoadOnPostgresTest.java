package com.merchantsupport.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.KeycloakDistribution;
import com.merchantsupport.it.support.KeycloakNode;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.PostgresServer;
import com.merchantsupport.it.support.Shutdown;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.keycloak.admin.client.Keycloak;

/**
 * Issue 8, "Load": 200 merchants registering at once for two minutes, each registration in a fresh browser with a
 * new address, on one production-mode node ({@code kc.sh start}) with a real PostgreSQL and a real mail server.
 * No 5xx, no failed registration; accounts = welcome emails = registrations that reached "check your mailbox", one
 * welcome email per account. The figures go to target/reliability-load.md (docs/RELIABILITY.md, "Load and faults").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoadOnPostgresTest {

    static final int USERS = 200;
    static final Duration SUSTAINED = Duration.ofMinutes(2);
    /** Users start over this time (not in the same millisecond), then all 200 run together for {@link #SUSTAINED}. */
    static final Duration RAMP_UP = Duration.ofSeconds(10);
    /**
     * How long a "browser" waits for one answer: as a merchant's Chromium would (minutes), not the 30 s of the other
     * tests. 200 users looping without a pause on the server's own 2 cores are a queue: each waits about
     * 200 / throughput, so the wait measures the machine (4 requests: p95 14 s where this was written; single answers
     * past 30 s on a slower CI machine). It is recorded, not asserted; asserted is that nothing fails or is lost.
     */
    static final Duration BROWSER_PATIENCE = Duration.ofMinutes(2);

    private PostgresServer database;
    private GreenMail mail;
    private KeycloakDistribution built;
    private KeycloakNode node;

    @BeforeAll
    void start() {
        database = PostgresServer.start(15532);
        mail = new GreenMail(new ServerSetup(3225, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        built = KeycloakNode.buildForPostgres();
        node = KeycloakNode.on(built, "load-node", 8380, 7900, database, 3225).start();
        try (Keycloak admin = node.admin()) {
            // The ALTCHA proof of work is the merchant's browser's work, on the merchant's machine. Here the 200
            // "browsers" share the server's 2 cores: at the realm's 100000 they would spend most of the CPU on
            // SHA-256 (about 50000 hashes per registration) and measure the client. Checking a solution costs the
            // server one hash at any difficulty, so 1000 (the lowest allowed) keeps the server's work unchanged.
            NodeRegistrations.captchaDifficulty(admin.realm(MerchantRealm.NAME), "1000");
        }
    }

    @AfterAll
    void stop() {
        Shutdown.all(node, built, database, mail == null ? null : mail::stop);
    }

    @Test
    void twoHundredMerchantsRegisteringForTwoMinutes() throws Exception {
        int logFrom = node.log().length();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String prefix = "load-" + run + "-";
        NodeRegistrations.Tally tally = new NodeRegistrations.Tally();
        ConcurrentLinkedQueue<NodeRegistrations.Outcome> outcomes = new ConcurrentLinkedQueue<>();
        // HTTP/1.1: over h2c the JDK's client multiplexes all 200 users on one connection and refuses a request past
        // the server's 100 concurrent streams ("too many concurrent streams", the client's error, not the server's).
        HttpClient challenges = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();

        long begin = System.nanoTime();
        long sustainedFrom = begin + RAMP_UP.toNanos();
        long end = sustainedFrom + SUSTAINED.toNanos();
        ExecutorService users = Executors.newVirtualThreadPerTaskExecutor();
        for (int u = 0; u < USERS; u++) {
            int user = u;
            users.submit(() -> {
                sleepUntil(begin + RAMP_UP.toNanos() * user / USERS);
                for (int i = 0; System.nanoTime() < end; i++) {
                    String email = prefix + user + "-" + i + "@shop.test";
                    try (FormBrowser browser = new FormBrowser().timeout(BROWSER_PATIENCE)) {
                        outcomes.add(NodeRegistrations.register(browser, node.base(), challenges, tally, "Load Merchant " + user, email));
                    }
                }
            });
        }
        // The last registrations begin just before the end; one still running after 3 more minutes is reported
        // (as interrupted: a failure), not waited for.
        NodeRegistrations.finish(users, RAMP_UP.plus(SUSTAINED).plus(Duration.ofMinutes(3)));
        double seconds = (System.nanoTime() - begin) / 1e9;
        challenges.close();

        List<NodeRegistrations.Outcome> all = new ArrayList<>(outcomes);
        List<NodeRegistrations.Outcome> failed = all.stream().filter(o -> !o.mailbox()).toList();
        Set<String> reached = all.stream().filter(NodeRegistrations.Outcome::mailbox).map(NodeRegistrations.Outcome::email)
                .collect(Collectors.toCollection(TreeSet::new));
        long inSustained = all.stream().filter(o -> o.mailbox() && o.endedAt() >= sustainedFrom && o.endedAt() <= end).count();

        // Every welcome email was handed to the mail server before its page was answered; wait for stragglers anyway.
        Map<String, List<MimeMessage>> mails = waitForMails(reached.size());
        Set<String> accounts = new TreeSet<>(NodeRegistrations.accountEmails(database, prefix));
        Set<String> recipients = mails.keySet().stream().filter(a -> a.startsWith(prefix)).collect(Collectors.toCollection(TreeSet::new));
        List<String> notOne = mails.entrySet().stream().filter(e -> e.getValue().size() != 1)
                .map(e -> e.getKey() + " ×" + e.getValue().size()).toList();
        List<String> wrongSender = mails.values().stream().flatMap(List::stream)
                .filter(m -> !"Support Bot".equals(Mails.sender(m))).map(Mails::subject).toList();

        // What an operator would be paged for: the load alone writes no warning and no error to the server's log
        // (a bucket's first count, raced by many sign-ups, once left Hibernate's rollback warnings at each minute).
        List<String> warnings = node.log().substring(logFrom).lines()
                .filter(line -> line.contains(" WARN ") || line.contains(" ERROR ")).limit(20).toList();
        List<Long> times = all.stream().map(NodeRegistrations.Outcome::millis).sorted().toList();
        String report = report(all.size(), reached.size(), inSustained, accounts.size(), recipients.size(), seconds, tally, times, failed);
        write(report);
        System.out.println(report);

        assertEquals(0, tally.serverErrors(), "5xx answers: " + tally.snapshot() + "\n" + report);
        assertTrue(failed.isEmpty(), failed.size() + " registrations did not reach the mailbox page, e.g.:\n"
                + failed.stream().limit(20).map(NodeRegistrations.Outcome::describe).collect(Collectors.joining("\n")));
        assertTrue(reached.size() >= USERS, "at least one registration per user: " + reached.size());
        assertEquals(reached, accounts, "accounts = registrations that reached the mailbox page");
        assertEquals(reached, recipients, "welcome emails' recipients = registrations that reached the mailbox page");
        assertTrue(notOne.isEmpty(), "exactly one welcome email per address, and no other email: " + notOne);
        assertTrue(wrongSender.isEmpty(), "every welcome email from Support Bot: " + wrongSender);
        assertTrue(mails.keySet().stream().allMatch(a -> a.startsWith(prefix)), "no other mail: " + mails.keySet());
        assertTrue(warnings.isEmpty(), "warnings in the server's log during the load:\n" + String.join("\n", warnings));
    }

    private Map<String, List<MimeMessage>> waitForMails(int expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Map<String, List<MimeMessage>> mails = NodeRegistrations.welcomeMailsByRecipient(mail.getReceivedMessages());
        while (mails.size() < expected && System.nanoTime() < deadline) {
            sleep(500);
            mails = NodeRegistrations.welcomeMailsByRecipient(mail.getReceivedMessages());
        }
        return mails;
    }

    private static String report(int registrations, int reached, long inSustained, int accounts, int recipients, double seconds,
                                 NodeRegistrations.Tally tally, List<Long> times, List<NodeRegistrations.Outcome> failed) {
        Set<String> failureKinds = new HashSet<>();
        failed.forEach(o -> failureKinds.add(o.step() + ": " + o.status() + " " + o.message()));
        return String.join("\n",
                "| Figure | Value |",
                "|---|---|",
                "| Users | " + USERS + " at once (virtual threads; each registration in a fresh browser with a new address), "
                        + RAMP_UP.toSeconds() + " s ramp-up, then " + SUSTAINED.toSeconds() + " s sustained |",
                "| Server | one node, `kc.sh start` (production mode, -Xmx1g), PostgreSQL 15, GreenMail; defaults for pools |",
                "| Client | each answer waited for up to " + BROWSER_PATIENCE.toMinutes() + " min, as a browser does |",
                "| Registrations started / reached \"check your mailbox\" | " + registrations + " / " + reached + " |",
                "| Accounts in the database / distinct welcome-email recipients | " + accounts + " / " + recipients + " |",
                "| Throughput (recorded, not asserted) | " + String.format("%.1f", reached / seconds) + " registrations/s over "
                        + String.format("%.0f", seconds) + " s; " + String.format("%.1f", inSustained / (double) SUSTAINED.toSeconds())
                        + "/s in the sustained " + SUSTAINED.toSeconds() + " s |",
                "| Registration time, 4 requests + redirects (median / p95 / max) | " + percentile(times, 50) + " / "
                        + percentile(times, 95) + " / " + percentile(times, 100) + " ms |",
                "| HTTP requests / statuses | " + tally.requests() + " / " + tally.snapshot() + " |",
                "| 5xx | " + tally.serverErrors() + " |",
                "| Failed registrations | " + failed.size() + (failureKinds.isEmpty() ? "" : " " + failureKinds) + " |");
    }

    private static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private static void write(String report) throws IOException {
        Path file = Path.of(System.getProperty("screenshots.dir", "target/screenshots")).resolveSibling("reliability-load.md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, report + "\n");
    }

    private static void sleepUntil(long nanoTime) {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            sleep(wait / 1_000_000);
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
