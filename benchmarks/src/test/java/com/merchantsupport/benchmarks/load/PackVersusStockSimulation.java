package com.merchantsupport.benchmarks.load;

import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.flushCookieJar;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.merchantsupport.testkit.AltchaWorker;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;

/**
 * The pack against Keycloak's own flows, on one server, in one run (issues #9 and #17). Phases run one after another
 * (Gatling's andThen); pack and stock alternate in rounds so that drift of this noisy machine hits both.
 * A browser without JavaScript: cookies, redirects inside Keycloak, stops at the help center's callback.
 * Captcha solutions are computed before the timed part. Nothing here asserts a time: a failed request or an
 * unexpected page is a failure (the run fails), a slow one is a figure for benchmarks/RESULTS.md.
 *
 * <p>The pack sends its emails after the commit (the outbox, issue #17): after each pack round the run waits until the
 * outbox is empty ("settle"), so one round's emails are not sent in the next round's window.
 *
 * <p>{@code -Dbench.only=sign-in,profile} (BENCH_ONLY in run.sh) runs only those groups, with their warm-ups:
 * registration, onboarding, sign-in, profile, stall, outbox, already-used. For investigating; a full run runs all.
 */
public class PackVersusStockSimulation extends Simulation {

    static final String PACK = "merchant-support";
    static final String SCALE = "merchant-support-scale";
    /** The heap and outbox phase's copy of the pack's realm: short lifespans (realms.py), its own SMTP setting. */
    static final String HEAP = "merchant-support-heap";
    static final String STOCK_A = "stock-password";
    static final String STOCK_B = "stock-verify-email";
    /** Stock (b)'s copy with the same short lifespans (realms.py): the same 10,000 registrations, for the heap alone. */
    static final String STOCK_B_HEAP = "stock-verify-email-heap";
    /** RFC 7636's example pair, as the integration tests use. */
    static final String PKCE_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    static final String PKCE_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    static final boolean QUICK = "quick".equals(System.getProperty("bench.scale", "full"));
    /** The concurrent users of every "8 users" phase: the targets' 8 unless BENCH_USERS says otherwise (for investigating). */
    static final int USERS = Integer.getInteger("bench.users", 8);
    static final int SIGN_IN_ACCOUNTS = USERS;
    static final int SMALL_ACCOUNTS = 1_000;
    static final int LARGE_ACCOUNTS = QUICK ? 2_000 : 100_000;
    /** The issue's figure: 10,000 registrations whose emails queue while the mail server stalls (one email each). */
    static final int HEAP_REGISTRATIONS = Integer.getInteger("bench.heapRegistrations", QUICK ? 48 : 10_000);
    static final long IMPORT_BUDGET_SECONDS = Long.getLong("bench.importBudgetSeconds", QUICK ? 60 : 240);
    /**
     * After the last registration, before the heap reading: the heap realm's lifespans (60 s, realms.py: login and
     * access code lifespans, ALTCHA challenge expiry) plus Infinispan's expiration reaper (every 60 s), plus margin.
     */
    static final long EXPIRY_WAIT_SECONDS = Long.getLong("bench.expiryWaitSeconds", QUICK ? 1 : 135);
    static final java.util.Set<String> ONLY = new java.util.HashSet<>(java.util.Arrays.asList(
            System.getProperty("bench.only", "").replace(" ", "").split(",")));

    private static final AtomicLong SEQUENCE = new AtomicLong();
    static final AtomicLong CHALLENGES_INLINE = new AtomicLong();
    static final AtomicLong CHALLENGES_FETCHED = new AtomicLong();
    /** Per side ("pack", "stockB"), how the onboarding's journeys waited for their email. */
    static final Map<String, EmailWaits> EMAIL_WAITS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Path OUT = Path.of(System.getProperty("bench.out", "target/load"));

    private final List<PopulationBuilder> phases = new ArrayList<>();

    /** Addresses whose emails a phase waits for (the stalled rounds, the outbox drain); the other phases forget theirs. */
    enum Mail { FORGET, TRACK }

    private static final java.util.Set<String> TRACKED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    {
        HttpProtocolBuilder protocol = http.baseUrl(Server.BASE).disableFollowRedirect().disableCaching()
                .acceptLanguageHeader("en").acceptHeader("text/html,application/json;q=0.9,*/*;q=0.8")
                .userAgentHeader("merchant-support-benchmarks");

        int q = QUICK ? 10 : 1;
        // Each group starts with its own warm-up (every path it measures, in each realm: JIT, caches; not reported),
        // and its rounds alternate the order of the variants (ABBA: pack first, then pack last, ...), so that
        // neither the warm-up's tail nor drift of this noisy machine favours one side. A quick run: one round each.
        Variant regPack = new Variant("pack", 25 / q, key -> registration(key, PACK, Form.PACK, Mail.FORGET));
        Variant regB = new Variant("stock (b) verify email", 25 / q, key -> registration(key, STOCK_B, Form.STOCK_B, Mail.FORGET));
        Variant regA = new Variant("stock (a) password", 8 / Math.min(q, 4), key -> registration(key, STOCK_A, Form.STOCK_A, Mail.FORGET));
        // The pack's registration keeps getting faster for hundreds of sign-ups (JIT of its own code; a first full run
        // saw its sequential p50 go from 23 to 12 ms between two rounds after 160): 480 of each, 160 with Argon2.
        warmup(List.of("registration"), "pack registration", QUICK ? 1 : 60, regPack.body());
        warmup(List.of("registration"), "stock (b) registration", QUICK ? 1 : 60, regB.body());
        warmup(List.of("registration"), "stock (a) registration", QUICK ? 1 : 20, regA.body());
        settle("registration", "after the warm-up");
        rounds("registration", "registration-sequential", QUICK ? 1 : 2, 1, regPack.times(60 / q), regB.times(60 / q), regA.times(30 / q));
        rounds("registration", "registration-8-users", QUICK ? 1 : 2, USERS, regPack, regB, regA);
        settle("registration", "after the registrations");

        // Rounds of 96 journeys after 288 of each: with 48 after 96 (until 2026-12-04) the JIT compiler's threads still
        // took 17.5 of the server's 80 ms per journey in the measured windows (/proc, by thread), for both sides.
        Variant onbPack = new Variant("pack", 12 / Math.min(q, 6), key -> packOnboarding(key));
        Variant onbB = new Variant("stock (b) verify email", 12 / Math.min(q, 6), key -> stockOnboarding(key));
        warmup(List.of("onboarding"), "pack onboarding", QUICK ? 1 : 36, onbPack.body());
        warmup(List.of("onboarding"), "stock (b) onboarding", QUICK ? 1 : 36, onbB.body());
        settle("onboarding", "after the warm-up");
        rounds("onboarding", "onboarding-8-users", QUICK ? 1 : 4, USERS, onbPack, onbB);
        settle("onboarding", "after the onboardings");

        Variant signPack = new Variant("pack", 12 / Math.min(q, 4), key -> signIn(key, PACK));
        Variant signStock = new Variant("stock", 12 / Math.min(q, 4), key -> signIn(key, STOCK_A));
        warmup(List.of("sign-in"), "pack sign-in", QUICK ? 1 : 24, signPack.body());
        warmup(List.of("sign-in"), "stock sign-in", QUICK ? 1 : 24, signStock.body());
        rounds("sign-in", "sign-in-sequential", QUICK ? 1 : 2, 1, signPack.times(30 / q), signStock.times(30 / q));
        rounds("sign-in", "sign-in-8-users", QUICK ? 1 : 4, USERS, signPack, signStock);

        // The same journeys again under JFR (never the measured rounds above): where the server's CPU goes, per
        // variant and per endpoint. 8 users; a round per variant (sign-in: two, ABBA).
        if (!enabled("registration") || !enabled("onboarding") || !enabled("sign-in")) { // run alone: a warm-up of its own
            warmup(List.of("profile"), "pack registration (profile group)", 10 / q, regPack.body());
            warmup(List.of("profile"), "stock (b) registration (profile group)", 10 / q, regB.body());
            warmup(List.of("profile"), "stock (a) registration (profile group)", 4 / Math.min(q, 2), regA.body());
            warmup(List.of("profile"), "pack onboarding (profile group)", 3 / Math.min(q, 3), onbPack.body());
            warmup(List.of("profile"), "stock (b) onboarding (profile group)", 3 / Math.min(q, 3), onbB.body());
            warmup(List.of("profile"), "pack sign-in (profile group)", 6 / Math.min(q, 3), signPack.body());
            warmup(List.of("profile"), "stock sign-in (profile group)", 6 / Math.min(q, 3), signStock.body());
            settle("profile", "after the warm-up");
        }
        profiled("registration", 1, regPack.times(25 / q), regB.times(25 / q), regA.times(8 / Math.min(q, 4)));
        settle("profile", "after the profiled registrations");
        profiled("onboarding", 1, onbPack.times(6 / Math.min(q, 3)), onbB.times(6 / Math.min(q, 3)));
        settle("profile", "after the profiled onboardings");
        profiled("sign-in", QUICK ? 1 : 2, signPack.times(16 / Math.min(q, 8)), signStock.times(16 / Math.min(q, 8)));

        // A mail server that accepts and never answers, for the pack's realm only: the page must not wait for it.
        warmup(List.of("stall"), "pack registration (stall group)", QUICK ? 1 : 10, regPack.body());
        settle("stall", "after the warm-up");
        for (int round = 1; round <= (QUICK ? 1 : 2); round++) {
            int r = round;
            population("stall", "mail-stalled", "healthy mail server", r, USERS, 25 / q, key -> registration(key, PACK, Form.PACK, Mail.FORGET));
            settle("stall", "after a healthy round");
            step("stall", "stall-on-" + r, () -> {
                TRACKED.clear();
                int port = Server.startStall();
                Recorder.fact("stall.port", port);
                Recorder.fact("stall.restorePort", Server.smtpPort(PACK, Integer.toString(port)));
            });
            population("stall", "mail-stalled", "stalled mail server", r, USERS, 25 / q, key -> registration(key, PACK, Form.PACK, Mail.TRACK));
            step("stall", "stall-off-" + r, () -> {
                Server.smtpPort(PACK, String.valueOf(Recorder.facts().get("stall.restorePort")));
                Recorder.fact("stall.held.round" + r, Server.stopStall());
                long started = System.nanoTime();
                awaitTracked(TimeUnit.MINUTES.toNanos(3));
                Recorder.fact("stall.delivered.round" + r, Server.arrived(TRACKED)[0]);
                Recorder.fact("stall.deliveredSeconds.round" + r, (System.nanoTime() - started) / 1e9);
            });
            settle("stall", "after a stalled round");
        }

        // 10,000 registrations while the heap realm's mail server stalls: the outbox queues 10,000 emails; then the
        // mail server is back and the queue drains; then the entries the registrations left expire, and the heap is read.
        warmup(List.of("outbox"), "heap realm registration", QUICK ? 1 : 10, key -> registration(key, HEAP, Form.PACK, Mail.FORGET));
        settle("outbox", "before the heap reading");
        step("outbox", "heap-before", () -> {
            Server.purgeMail();
            TRACKED.clear();
            readHeap("heap", "before", HEAP);
            Map<String, Double> metrics = Server.outboxMetrics();
            Recorder.fact("outbox.before.sent", metrics.getOrDefault("merchant_support_outbox_sent_total", -1.0));
            Recorder.fact("outbox.before.failures", metrics.getOrDefault("merchant_support_outbox_failures_total", -1.0));
            Recorder.fact("outbox.restorePort", Server.smtpPort(HEAP, Integer.toString(Server.startStall())));
        });
        population("outbox", "heap", "pack registrations", 1, USERS, HEAP_REGISTRATIONS / USERS, key -> registration(key, HEAP, Form.PACK, Mail.TRACK));
        step("outbox", "outbox-drain", () -> drain(HEAP_REGISTRATIONS / USERS * USERS));
        step("outbox", "heap-after", () -> {
            // From the drain's end, the phase's last work: what the sends left (not only the registrations) expires too.
            Recorder.fact("heap.expiryWaitSeconds", EXPIRY_WAIT_SECONDS);
            sleep(TimeUnit.SECONDS.toNanos(EXPIRY_WAIT_SECONDS));
            Server.purgeMail();
            TRACKED.clear();
            Recorder.fact("heap.registrations", HEAP_REGISTRATIONS / USERS * USERS);
            readHeap("heap", "after", HEAP);
        });

        // Steady state: the same number again, from the after reading's server, whose bounded caches (Keycloak's
        // userRevisions above all: 20,000 entries, no lifespan) are at their bounds, as on any server that has run a
        // while; its emails sent at once. What the pack's registrations keep, without the caches' first filling.
        population("outbox", "heap", "pack registrations, steady state", 1, USERS, HEAP_REGISTRATIONS / USERS, key -> registration(key, HEAP, Form.PACK, Mail.FORGET));
        settle("outbox", "before the steady-state heap reading");
        step("outbox", "heap-steady", () -> {
            sleep(TimeUnit.SECONDS.toNanos(EXPIRY_WAIT_SECONDS));
            Server.purgeMail();
            Recorder.fact("heap.steady.registrations", HEAP_REGISTRATIONS / USERS * USERS);
            Recorder.fact("heap.steady.bytes", Server.heapAfterGc());
            Server.histogram(OUT.resolve("heap-steady.txt"));
            Server.cacheEntries().forEach((cache, n) -> Recorder.fact("heap.steady.entries." + cache, n));
        });

        // The same registrations in Keycloak's own "Verify email" sign-up, in its copy with the same lifespans: what
        // any Keycloak realm keeps after them, to tell Keycloak's bounded caches from what the pack leaves.
        warmup(List.of("outbox"), "stock (b) heap realm registration", QUICK ? 1 : 10, key -> registration(key, STOCK_B_HEAP, Form.STOCK_B, Mail.FORGET));
        step("outbox", "stock-heap-before", () -> {
            Server.purgeMail();
            readHeap("stockHeap", "before", STOCK_B_HEAP);
        });
        population("outbox", "heap", "stock (b) registrations", 1, USERS, HEAP_REGISTRATIONS / USERS, key -> registration(key, STOCK_B_HEAP, Form.STOCK_B, Mail.FORGET));
        step("outbox", "stock-heap-after", () -> {
            sleep(TimeUnit.SECONDS.toNanos(EXPIRY_WAIT_SECONDS)); // from the last registration, as for the pack
            Server.purgeMail();
            Recorder.fact("stockHeap.registrations", HEAP_REGISTRATIONS / USERS * USERS);
            readHeap("stockHeap", "after", STOCK_B_HEAP);
        });

        // "Already used" at 1,000 and at many accounts: each measured part after the same warm-up.
        step("already-used", "accounts-small", () -> Recorder.fact("accounts.small", Server.importAccounts(SCALE, 0, SMALL_ACCOUNTS, 600)));
        population("already-used", "warmup", "already-used 1000 accounts", 1, 1, 100 / q, key -> alreadyUsed(key, SMALL_ACCOUNTS));
        population("already-used", "already-used", "1000 accounts", 1, 1, 150 / q, key -> alreadyUsed(key, SMALL_ACCOUNTS));
        step("already-used", "accounts-large", () -> Recorder.fact("accounts.large", Server.importAccounts(SCALE, SMALL_ACCOUNTS, LARGE_ACCOUNTS, IMPORT_BUDGET_SECONDS)));
        population("already-used", "warmup", "already-used large", 1, 1, 100 / q, key -> alreadyUsed(key, LARGE_ACCOUNTS));
        population("already-used", "already-used", "large", 1, 1, 150 / q, key -> alreadyUsed(key, LARGE_ACCOUNTS));

        PopulationBuilder chain = phases.get(phases.size() - 1);
        for (int i = phases.size() - 2; i >= 0; i--) {
            chain = phases.get(i).andThen(chain);
        }
        setUp(chain).protocols(protocol).assertions(global().failedRequests().count().is(0L));
    }

    @Override
    public void before() {
        Server.startMail();
        Server.createSignInUsers(PACK, true, SIGN_IN_ACCOUNTS);
        Server.createSignInUsers(STOCK_A, false, SIGN_IN_ACCOUNTS);
        Recorder.fact("scale", QUICK ? "quick" : "full");
        Recorder.fact("only", String.join(",", ONLY));
        Recorder.fact("users", USERS);
        Recorder.fact("startedAt", java.time.Instant.now().toString());
    }

    @Override
    public void after() {
        Server.stopStall();
        Server.stopMail();
        Recorder.fact("captcha.challenges.inline", CHALLENGES_INLINE.get());
        Recorder.fact("captcha.challenges.fetched", CHALLENGES_FETCHED.get());
        EMAIL_WAITS.forEach((side, waits) -> {
            Recorder.fact("onboarding.journeys." + side, waits.journeys.get());
            Recorder.fact("onboarding.emailNotYetThere." + side, waits.notYetThere.get());
            Recorder.fact("onboarding.emailWaitMicros." + side, waits.micros.get());
        });
        Recorder.fact("failures", Recorder.failures());
        try {
            Recorder.write(OUT.resolve("load-results.json"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---------- phases ----------

    /** One side of a comparison: its label in the results, its iterations per user and round, its journey. */
    record Variant(String label, int iterations, Function<String, ChainBuilder> body) {
        Variant times(int n) {
            return new Variant(label, n, body);
        }

        /** The label as a file name: "stock (b) verify email" becomes "stock-b-verify-email". */
        String slug() {
            return label.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        }
    }

    /**
     * Rounds of a phase, the variants in order in odd rounds and reversed in even ones (ABBA); after each pack round
     * (full runs) the outbox is settled, so that its emails are not sent in the next variant's window.
     */
    private void rounds(String group, String phase, int count, int users, Variant... variants) {
        for (int round = 1; round <= count; round++) {
            List<Variant> order = new ArrayList<>(List.of(variants));
            if (round % 2 == 0) {
                java.util.Collections.reverse(order);
            }
            for (Variant v : order) {
                population(group, phase, v.label(), round, users, v.iterations(), v.body());
                if (v.label().equals("pack") && !group.equals("sign-in")) {
                    settleRound(group);
                }
            }
        }
    }

    /** Rounds of "<name>-profiled" (8 users), each variant's round under its own JFR recording, jfr/<name>-<variant>-<round>.jfr. */
    private void profiled(String name, int count, Variant... variants) {
        for (int round = 1; round <= count; round++) {
            List<Variant> order = new ArrayList<>(List.of(variants));
            if (round % 2 == 0) {
                java.util.Collections.reverse(order);
            }
            for (Variant v : order) {
                String recording = name + "-" + v.slug() + "-" + round;
                step("profile", "jfr-start-" + recording, () -> Server.jfrStart(recording, OUT.resolve("jfr").resolve(recording + ".jfr")));
                population("profile", name + "-profiled", v.label(), round, USERS, v.iterations(), v.body());
                if (v.label().equals("pack") && !name.equals("sign-in")) {
                    settle("profile", "the pack's emails sent within its recording"); // its whole cost, emails included
                }
                step("profile", "jfr-stop-" + recording, () -> Server.jfrStop(recording));
            }
        }
    }

    private static boolean enabled(String group) {
        return ONLY.contains("") || ONLY.contains(group);
    }

    private void warmup(List<String> groups, String variant, int iterations, Function<String, ChainBuilder> body) {
        if (groups.stream().anyMatch(PackVersusStockSimulation::enabled)) {
            add("warmup", variant, 0, USERS, iterations, body);
        }
    }

    private void population(String group, String phase, String variant, int round, int users, int iterations, Function<String, ChainBuilder> body) {
        if (enabled(group)) {
            add(phase, variant, round, users, iterations, body);
        }
    }

    private void add(String phase, String variant, int round, int users, int iterations, Function<String, ChainBuilder> body) {
        if (iterations <= 0) {
            return;
        }
        Recorder.declare(phase, variant, round, users, users * iterations);
        String key = Recorder.key(phase, variant, round);
        phases.add(scenario(key)
                .repeat(iterations).on(exec(flushCookieJar()).exec(s -> s.set("ck", "").set("key", key)).exec(body.apply(key)))
                .injectOpen(atOnceUsers(users)));
    }

    private void step(String group, String name, Runnable action) {
        if (!enabled(group)) {
            return;
        }
        phases.add(scenario(name + "#" + phases.size()).exec(s -> {
            long started = System.nanoTime();
            action.run();
            System.out.printf("[bench] step %s took %.1f s%n", name, (System.nanoTime() - started) / 1e9);
            return s;
        }).injectOpen(atOnceUsers(1)));
    }

    /** After a pack round (full runs): its emails are sent before the next round starts, not in its window. */
    private void settleRound(String group) {
        if (!QUICK) {
            settle(group, "after a pack round");
        }
    }

    /**
     * One heap reading of a side ("heap": the pack, "stockHeap": stock (b)) at a moment ("before", "after"): used heap
     * after full GCs, a class histogram and the entries of each cache; after, the same once more with Keycloak's users
     * cache emptied (bounded, no lifespan), to tell that cache from anything else that stays. Before, the cache is
     * emptied first and read once, as both readings: the registrations start from that state. (Until 2026-12-04 it was
     * read before it was emptied too, so "before" held the earlier phases' cached accounts, up to 2,674, that the
     * registrations never started with.)
     */
    private static void readHeap(String side, String moment, String realm) {
        String file = side.equals("heap") ? "heap-" + moment : "stock-heap-" + moment;
        String cleared = moment + "UserCacheCleared";
        boolean start = moment.equals("before");
        if (start) {
            Server.clearUserCache(realm);
        }
        long bytes = Server.heapAfterGc();
        Server.histogram(OUT.resolve(file + ".txt"));
        Map<String, Double> entries = Server.cacheEntries();
        record(side, moment, bytes, entries);
        if (start) {
            record(side, cleared, bytes, entries);
            return;
        }
        Server.clearUserCache(realm);
        long clearedBytes = Server.heapAfterGc();
        Server.histogram(OUT.resolve(file + "-user-cache-cleared.txt"));
        record(side, cleared, clearedBytes, Server.cacheEntries());
    }

    private static void record(String side, String moment, long bytes, Map<String, Double> entries) {
        Recorder.fact(side + "." + moment + ".bytes", bytes);
        entries.forEach((cache, n) -> Recorder.fact(side + "." + moment + ".entries." + cache, n));
    }

    /**
     * Waits until the outbox is empty: merchant_support_outbox_waiting 0 as read by the retry task (every 2 s on the
     * benchmark server) at least once after this step began; then drops the mailboxes nobody reads. A quick run
     * settles only before the heap reading (its figures mean nothing; each step costs it Gatling's injection tick).
     */
    private void settle(String group, String why) {
        if (QUICK && !group.equals("outbox")) {
            return;
        }
        step(group, "settle", () -> {
            long started = System.nanoTime();
            long deadline = started + TimeUnit.MINUTES.toNanos(3);
            while (true) {
                Double waiting = Server.outboxMetrics().get("merchant_support_outbox_waiting");
                boolean refreshed = System.nanoTime() - started > TimeUnit.MILLISECONDS.toNanos(2_300);
                if (waiting == null) {
                    Recorder.fact("settle.noMetrics", why);
                    sleep(TimeUnit.SECONDS.toNanos(3));
                    break;
                }
                if (refreshed && waiting == 0) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    Recorder.fact("settle.timedOut", why + ": " + waiting + " emails still waiting");
                    break;
                }
                sleep(TimeUnit.MILLISECONDS.toNanos(250));
            }
            Server.purgeMail();
        });
    }

    /** Waits until every tracked address has its email (at most this long). */
    private static int[] awaitTracked(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        int[] arrived = Server.arrived(TRACKED);
        while (arrived[0] < TRACKED.size() && System.nanoTime() < deadline) {
            sleep(TimeUnit.MILLISECONDS.toNanos(200));
            arrived = Server.arrived(TRACKED);
        }
        return arrived;
    }

    /**
     * The mail server is back for the heap realm: the time until every queued email has arrived (GreenMail, each
     * address once) and until the outbox's gauge reads 0, the emails a second, and whether any came twice.
     */
    private static void drain(int expected) {
        long ended = System.nanoTime();
        Recorder.fact("outbox.registrationsEnded.nanos", ended);
        Map<String, Double> queued = Server.outboxMetrics();
        int early = Server.arrived(TRACKED)[0];
        Recorder.fact("outbox.registrations", TRACKED.size());
        Recorder.fact("outbox.arrivedWhileStalled", early);
        Recorder.fact("outbox.waitingGaugeAtRestore", queued.getOrDefault("merchant_support_outbox_waiting", -1.0));
        java.util.function.IntSupplier received = Server.countFromNow(expected);
        Server.smtpPort(HEAP, String.valueOf(Recorder.facts().get("outbox.restorePort")));
        Recorder.fact("outbox.stalledConnectionsClosed", Server.stopStall());
        long restored = System.nanoTime();
        long[] cpuAtRestore = Server.cpuNanos();
        long[] cpuAtAll = null;
        long deadline = restored + TimeUnit.MINUTES.toNanos(QUICK ? 2 : 15);
        long[] marks = new long[5]; // first email, 10 %, 50 %, 90 %, all
        double[] fractions = {0, 0.1, 0.5, 0.9, 1.0};
        long zeroAt = 0;
        long nextMetrics = 0;
        while (System.nanoTime() < deadline && (marks[4] == 0 || zeroAt == 0)) {
            int count = received.getAsInt();
            long now = System.nanoTime();
            for (int i = 0; i < marks.length; i++) {
                if (marks[i] == 0 && count > 0 && count >= Math.ceil(fractions[i] * expected)) {
                    marks[i] = now;
                    if (i == marks.length - 1) {
                        cpuAtAll = Server.cpuNanos();
                    }
                }
            }
            if (now >= nextMetrics) { // a scrape costs the server some CPU: once a second (the gauge changes every 2 s)
                Double waiting = Server.outboxMetrics().get("merchant_support_outbox_waiting");
                if (zeroAt == 0 && waiting != null && waiting == 0 && now - restored > TimeUnit.MILLISECONDS.toNanos(2_300)) {
                    zeroAt = now;
                }
                nextMetrics = now + TimeUnit.SECONDS.toNanos(1);
            }
            sleep(TimeUnit.MILLISECONDS.toNanos(50));
        }
        String[] names = {"first", "p10", "p50", "p90", "all"};
        for (int i = 0; i < marks.length; i++) {
            Recorder.fact("outbox.drain." + names[i] + ".seconds", marks[i] == 0 ? -1 : (marks[i] - restored) / 1e9);
        }
        Recorder.fact("outbox.drain.waitingZero.seconds", zeroAt == 0 ? -1 : (zeroAt - restored) / 1e9);
        if (cpuAtAll != null && cpuAtRestore[0] >= 0) {
            // The two processes' CPU from the mail server's return to the last email: the server's sending, GreenMail's receiving.
            Recorder.fact("outbox.drain.serverCpu.seconds", (cpuAtAll[0] - cpuAtRestore[0]) / 1e9);
            Recorder.fact("outbox.drain.clientCpu.seconds", (cpuAtAll[1] - cpuAtRestore[1]) / 1e9);
        }
        sleep(TimeUnit.SECONDS.toNanos(QUICK ? 1 : 3)); // anything sent twice would show now
        int[] arrived = Server.arrived(TRACKED);
        Recorder.fact("outbox.delivered.addresses", arrived[0]);
        Recorder.fact("outbox.delivered.emails", arrived[1]);
        Map<String, Double> after = Server.outboxMetrics();
        Recorder.fact("outbox.after.sent", after.getOrDefault("merchant_support_outbox_sent_total", -1.0));
        Recorder.fact("outbox.after.failures", after.getOrDefault("merchant_support_outbox_failures_total", -1.0));
        Recorder.fact("outbox.after.waiting", after.getOrDefault("merchant_support_outbox_waiting", -1.0));
        if (arrived[0] < expected) {
            Recorder.fact("outbox.missing", expected - arrived[0]);
        }
    }

    private static void sleep(long nanos) {
        if (nanos <= 0) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------- journeys ----------

    enum Form { PACK, STOCK_A, STOCK_B }

    /** Sign-in page, "register" link, the form (captcha solved first), then the timed submit with its redirects. */
    private ChainBuilder registration(String key, String realm, Form form, Mail mail) {
        ChainBuilder submit = submitRegistration(key, realm, form, s -> newEmail(realm));
        return exec(s -> begin(key, s))
                .exec(submit)
                .exec(s -> {
                    Recorder.operation(key, s.getLong("t0"), s.getLong("t1"));
                    if (mail == Mail.TRACK) {
                        TRACKED.add(s.getString("email"));
                    } else {
                        Server.forgetMail(s.getString("email")); // the pack's arrives later: dropped by the next settle
                    }
                    return s;
                });
    }

    /** From the help center to the registration form and the submit; t0..t1 is the submit and its redirects. */
    private ChainBuilder submitRegistration(String key, String realm, Form form, Function<Session, String> email) {
        ChainBuilder open = call(key, http("sign-in page").get(s -> authUrl(realm)))
                .exec(s -> s.set("next", Html.link(s.getString("body"), "login-actions/registration")))
                .exec(expect(key, "registration link", s -> s.getString("next") != null))
                .exec(call(key, http("registration page").get(s -> s.getString("next"))))
                .exec(s -> s.set("form", Html.formAction(s.getString("body"), "kc-register-form")).set("email", email.apply(s)))
                .exec(expect(key, "registration form", s -> s.getString("form") != null));
        if (form == Form.PACK) {
            // The page's first challenge when it carries one (the widget's challengejson), else the widget's fetch.
            open = open.exec(s -> {
                        String inline = Html.challengeJson(s.getString("body"));
                        return s.set("inline", inline == null ? "" : inline);
                    })
                    .doIfOrElse(s -> !s.getString("inline").isEmpty()).then(exec(s -> {
                        CHALLENGES_INLINE.incrementAndGet();
                        return s.set("altcha", AltchaWorker.solve(s.getString("inline")));
                    })).orElse(call(key, http("captcha challenge").get("/realms/" + realm + "/altcha/challenge"))
                            .exec(s -> {
                                CHALLENGES_FETCHED.incrementAndGet();
                                return s.set("altcha", AltchaWorker.solve(s.getString("body")));
                            }));
        }
        return open.exec(s -> s.set("t0", System.nanoTime()))
                .exec(group("registration submit").on(
                        call(key, http("registration submit").post(s -> s.getString("form")).formParamMap(s -> fields(form, s)))
                                .exec(follow(key, "registration submit redirect"))))
                .exec(s -> s.set("t1", System.nanoTime()))
                .exec(expect(key, "page after the registration submit", s -> switch (form) {
                    case PACK -> realm.equals(SCALE) ? Html.has(s.getString("body"), "id=\"merchant-already-used\"")
                            : Html.has(s.getString("body"), "id=\"merchant-mailbox-sent\"");
                    case STOCK_A -> atCallback(s);
                    case STOCK_B -> Html.has(s.getString("body"), "An email with instructions to verify your email address has been sent");
                }));
    }

    private static Map<String, Object> fields(Form form, Session s) {
        Map<String, Object> fields = new LinkedHashMap<>();
        String email = s.getString("email");
        switch (form) {
            case PACK -> {
                fields.put("name", "Bench Merchant");
                fields.put("email", email);
                fields.put("altcha", s.getString("altcha"));
            }
            case STOCK_A -> {
                fields.put("firstName", "Bench");
                fields.put("lastName", "Merchant");
                fields.put("email", email);
                fields.put("password", Server.PASSWORD);
                fields.put("password-confirm", Server.PASSWORD);
            }
            case STOCK_B -> {
                fields.put("firstName", "Bench");
                fields.put("lastName", "Merchant");
                fields.put("email", email);
            }
        }
        return fields;
    }

    /** The pack: register, welcome mail, link, create password, code, tokens. Timed as a whole. */
    private ChainBuilder packOnboarding(String key) {
        return exec(s -> begin(key, s))
                .exec(submitRegistration(key, PACK, Form.PACK, s -> newEmail(PACK)))
                .exec(awaitLink(key, "pack"))
                .exec(call(key, http("welcome link").get(s -> s.getString("link"))))
                .exec(follow(key, "welcome link redirect"))
                .exec(s -> s.set("form", Html.formAction(s.getString("body"), "merchant-create-password-form")))
                .exec(expect(key, "create-password form", s -> s.getString("form") != null))
                .exec(call(key, http("create password").post(s -> s.getString("form"))
                        .formParam("password-new", Server.PASSWORD).formParam("password-confirm", Server.PASSWORD)))
                .exec(follow(key, "create password redirect"))
                .exec(tokens(key, PACK))
                .exec(s -> {
                    Recorder.operation(key, s.getLong("begin"), System.nanoTime());
                    return s;
                });
    }

    /** Stock (b): register, verify-email link, update password, code, tokens. Timed as a whole. */
    private ChainBuilder stockOnboarding(String key) {
        return exec(s -> begin(key, s))
                .exec(submitRegistration(key, STOCK_B, Form.STOCK_B, s -> newEmail(STOCK_B)))
                .exec(awaitLink(key, "stockB"))
                .exec(call(key, http("verify-email link").get(s -> s.getString("link"))))
                .exec(follow(key, "verify-email link redirect"))
                .exec(s -> s.set("form", Html.formAction(s.getString("body"), "kc-passwd-update-form")))
                .exec(expect(key, "update-password form", s -> s.getString("form") != null))
                .exec(call(key, http("update password").post(s -> s.getString("form"))
                        .formParam("password-new", Server.PASSWORD).formParam("password-confirm", Server.PASSWORD)))
                .exec(follow(key, "update password redirect"))
                .exec(tokens(key, STOCK_B))
                .exec(s -> {
                    Recorder.operation(key, s.getLong("begin"), System.nanoTime());
                    return s;
                });
    }

    /** Sign-in page, email + password, code, tokens. Timed as a whole. */
    private ChainBuilder signIn(String key, String realm) {
        return exec(s -> begin(key, s).set("email", Server.signInEmail(realm, (int) (s.userId() % SIGN_IN_ACCOUNTS))))
                .exec(call(key, http("sign-in page").get(s -> authUrl(realm))))
                .exec(s -> {
                    if (Recorder.facts().putIfAbsent("page.sign-in.bytes." + realm, s.getString("body").getBytes(StandardCharsets.UTF_8).length) == null) {
                        Server.savePage(OUT.resolve("pages").resolve("sign-in-" + realm + ".html"), s.getString("body"));
                    }
                    return mark(key, "sign-in page", "begin", s);
                })
                .exec(s -> s.set("form", Html.formAction(s.getString("body"), "kc-form-login")))
                .exec(expect(key, "sign-in form", s -> s.getString("form") != null))
                .exec(s -> s.set("mark", System.nanoTime()))
                .exec(call(key, http("sign-in submit").post(s -> s.getString("form"))
                        .formParam("username", s -> s.getString("email")).formParam("password", Server.PASSWORD)
                        .formParam("credentialId", "")))
                .exec(follow(key, "sign-in redirect"))
                .exec(s -> mark(key, "submit and redirects", "mark", s))
                .exec(tokens(key, realm))
                .exec(s -> {
                    long end = System.nanoTime();
                    Recorder.part(key, "token", end - s.getLong("mark"));
                    Recorder.operation(key, s.getLong("begin"), end);
                    return s;
                });
    }

    /** The "already used" step: the registration submit with an address that has an account. */
    private ChainBuilder alreadyUsed(String key, int accounts) {
        return exec(s -> begin(key, s))
                .exec(submitRegistration(key, SCALE, Form.PACK, s -> Server.existingEmail(ThreadLocalRandom.current().nextInt(Math.min(accounts, Server.imported)))))
                .exec(s -> {
                    Recorder.operation(key, s.getLong("t0"), s.getLong("t1"));
                    return s;
                });
    }

    private ChainBuilder tokens(String key, String realm) {
        return exec(expect(key, "redirect to the help center with a code", PackVersusStockSimulation::atCallback))
                .exec(s -> s.set("code", Html.code(s.getString("loc"))))
                .exec(call(key, http("token").post("/realms/" + realm + "/protocol/openid-connect/token")
                        .formParam("grant_type", "authorization_code").formParam("code", s -> s.getString("code"))
                        .formParam("redirect_uri", Server.CALLBACK).formParam("code_verifier", PKCE_VERIFIER)
                        .formParam("client_id", Server.CLIENT).formParam("client_secret", Server.SECRET)))
                .exec(expect(key, "tokens", s -> Html.has(s.getString("body"), "\"id_token\"")));
    }

    // ---------- the browser ----------

    /** Records the wall time since the session's timestamp under that part's name; the next part starts now. */
    private static Session mark(String key, String part, String since, Session s) {
        long now = System.nanoTime();
        Recorder.part(key, part, now - s.getLong(since));
        return s.set("mark", now);
    }

    private static Session begin(String key, Session s) {
        long now = System.nanoTime();
        Recorder.start(key, now);
        return s.set("begin", now);
    }

    /**
     * One request with the browser's cookies. Keycloak marks its cookies Secure (SameSite=None), which a
     * browser sends to http://localhost but an HTTP client does not: the jar is kept here, as a header.
     */
    private static ChainBuilder call(String key, HttpRequestActionBuilder request) {
        return exec(s -> s.remove("loc").remove("sc").remove("body"))
                .exec(request.header("Cookie", "#{ck}").check(
                        status().in(200, 302, 303).saveAs("st"),
                        header("Location").optional().saveAs("loc"),
                        header("Set-Cookie").findAll().optional().saveAs("sc"),
                        bodyString().saveAs("body")))
                .exitHereIfFailed()
                .exec(PackVersusStockSimulation::keepCookies);
    }

    /**
     * Until the email to the session's address has arrived (5 s at most), its link in "link". Between two looks a
     * pause of Gatling's, which frees the event-loop thread for the other users (until 2026-12-04 a 10 ms sleep held
     * it: every user on that thread stood still while the pack's email, sent after its page, was on its way; stock
     * (b)'s, sent before its page, was always there).
     */
    private static ChainBuilder awaitLink(String key, String side) {
        EmailWaits waits = EMAIL_WAITS.computeIfAbsent(side, k -> new EmailWaits());
        return exec(s -> look(s.set("looks", 0)).set("firstLook", System.nanoTime()))
                .asLongAs(s -> s.getString("link").isEmpty() && s.getInt("looks") < 2_500)
                .on(pause(Duration.ofMillis(2)).exec(PackVersusStockSimulation::look))
                .exec(s -> {
                    waits.journeys.incrementAndGet();
                    if (s.getInt("looks") > 1) {
                        waits.notYetThere.incrementAndGet();
                    }
                    waits.micros.addAndGet((System.nanoTime() - s.getLong("firstLook")) / 1_000);
                    return s;
                })
                .exec(expect(key, "the email's link", s -> !s.getString("link").isEmpty()));
    }

    private static Session look(Session s) {
        String link = Server.pollLink(s.getString("email"));
        return s.set("link", link == null ? "" : link).set("looks", s.getInt("looks") + 1);
    }

    /** The journeys that looked for their email, those whose email was not there at the first look, the wait summed. */
    static final class EmailWaits {
        final AtomicLong journeys = new AtomicLong();
        final AtomicLong notYetThere = new AtomicLong();
        final AtomicLong micros = new AtomicLong();
    }

    /** Follows Keycloak's redirects, stopping at the help center's callback (nothing listens there). */
    private static ChainBuilder follow(String key, String name) {
        return asLongAs(s -> s.getInt("st") / 100 == 3 && s.getString("loc") != null && !atCallback(s))
                .on(exec(s -> s.set("redirect", absolute(s.getString("loc"))))
                        .exec(call(key, http(name).get(s -> s.getString("redirect")))));
    }

    private static ChainBuilder expect(String key, String what, Function<Session, Boolean> ok) {
        return exec(s -> {
            if (Boolean.TRUE.equals(ok.apply(s))) {
                return s;
            }
            String body = s.getString("body");
            Recorder.failure(key, "expected " + what + "; status " + s.get("st") + ", location " + s.getString("loc")
                    + ", page: " + (body == null ? "" : Html.text(body)));
            return s.markAsFailed();
        }).exitHereIfFailed();
    }

    private static boolean atCallback(Session s) {
        String loc = s.getString("loc");
        return loc != null && loc.startsWith(Server.CALLBACK);
    }

    private static Session keepCookies(Session s) {
        if (!s.contains("sc")) {
            return s;
        }
        Map<String, String> jar = new LinkedHashMap<>();
        String current = s.getString("ck");
        if (current != null && !current.isEmpty()) {
            for (String pair : current.split("; ")) {
                int eq = pair.indexOf('=');
                jar.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        for (String setCookie : s.<String>getList("sc")) {
            String[] parts = setCookie.split(";");
            int eq = parts[0].indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = parts[0].substring(0, eq).trim();
            String value = parts[0].substring(eq + 1).trim();
            boolean expired = value.isEmpty();
            for (int i = 1; i < parts.length; i++) {
                String attribute = parts[i].trim().toLowerCase(java.util.Locale.ROOT);
                if (attribute.equals("max-age=0") || attribute.startsWith("expires=thu, 01 jan 1970") || attribute.startsWith("expires=thu, 01-jan-1970")) {
                    expired = true;
                }
            }
            if (expired) {
                jar.remove(name);
            } else {
                jar.put(name, value);
            }
        }
        StringBuilder header = new StringBuilder();
        jar.forEach((name, value) -> header.append(header.isEmpty() ? "" : "; ").append(name).append('=').append(value));
        return s.set("ck", header.toString());
    }

    private static String absolute(String location) {
        return location.startsWith("/") ? Server.BASE + location : location;
    }

    private static String authUrl(String realm) {
        return Server.BASE + "/realms/" + realm + "/protocol/openid-connect/auth?client_id=" + Server.CLIENT
                + "&redirect_uri=" + URLEncoder.encode(Server.CALLBACK, StandardCharsets.UTF_8)
                + "&response_type=code&scope=openid&code_challenge=" + PKCE_CHALLENGE + "&code_challenge_method=S256";
    }

    private static String newEmail(String realm) {
        return "m" + SEQUENCE.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + "@" + realm + ".bench.test";
    }

    /** The few things read from pages (no JavaScript here). */
    static final class Html {

        private static final Pattern ACTION = Pattern.compile("action=\"([^\"]*)\"");
        private static final Pattern CODE = Pattern.compile("[?&]code=([^&#]+)");

        static boolean has(String body, String marker) {
            return body != null && body.contains(marker);
        }

        static String formAction(String body, String id) {
            if (body == null) {
                return null;
            }
            Matcher form = Pattern.compile("<form[^>]*id=\"" + Pattern.quote(id) + "\"[^>]*>").matcher(body);
            if (!form.find()) {
                return null;
            }
            Matcher action = ACTION.matcher(form.group());
            return action.find() ? unescape(action.group(1)) : null;
        }

        static String link(String body, String contains) {
            if (body == null) {
                return null;
            }
            Matcher m = Pattern.compile("href=\"([^\"]*" + Pattern.quote(contains) + "[^\"]*)\"").matcher(body);
            return m.find() ? unescape(m.group(1)) : null;
        }

        private static final Pattern WIDGET = Pattern.compile("<altcha-widget\\b[^>]*>");
        private static final Pattern CHALLENGE_JSON = Pattern.compile("\\schallengejson\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)')");
        private static final Pattern CHALLENGE = Pattern.compile("\\schallenge\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)')");

        /**
         * The ALTCHA widget's inline challenge, or null when the page has none: its {@code challengejson} attribute, or
         * a {@code challenge} attribute that holds the challenge's JSON instead of the endpoint's URL.
         */
        static String challengeJson(String body) {
            if (body == null) {
                return null;
            }
            Matcher widget = WIDGET.matcher(body);
            if (!widget.find()) {
                return null;
            }
            for (Pattern attribute : List.of(CHALLENGE_JSON, CHALLENGE)) {
                Matcher m = attribute.matcher(widget.group());
                if (m.find()) {
                    String value = unescape(m.group(1) != null ? m.group(1) : m.group(2)).trim();
                    if (value.startsWith("{")) {
                        return value;
                    }
                }
            }
            return null;
        }

        static String code(String location) {
            Matcher m = CODE.matcher(location);
            return m.find() ? URLDecoder.decode(m.group(1), StandardCharsets.UTF_8) : null;
        }

        static String text(String body) {
            String text = body.replaceAll("(?s)<script.*?</script>|<style.*?</style>|<[^>]+>", " ").replaceAll("\\s+", " ").trim();
            return text.length() > 600 ? text.substring(0, 600) + "..." : text;
        }

        private static String unescape(String s) {
            return s.replace("&#61;", "=").replace("&#x3D;", "=").replace("&#x2F;", "/").replace("&quot;", "\"")
                    .replace("&#34;", "\"").replace("&#x22;", "\"").replace("&#39;", "'").replace("&#x27;", "'").replace("&apos;", "'")
                    .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        }
    }
}
