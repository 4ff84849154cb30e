package com.merchantsupport.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.realm.ManagedRealm;

/**
 * Issue 8, "Security" (3): the challenge endpoint keeps no state per request, so 10,000 challenges leave the
 * server's heap where it was. The heap cannot be collected from outside, so the used heap is sampled every 500
 * requests and the lowest samples (just after the server's own collections) are compared: a loose bound, 64 MB.
 * No session or cookie may come out of it either. The figures go to target/reliability-memory.md; speed is
 * recorded, not asserted.
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class ChallengeMemoryTest {

    static final int REQUESTS = 10_000;
    static final int WARM_UP = 1_000;
    static final int ROUND = 500;
    static final int THREADS = 4;
    static final long BOUND = 64L * 1024 * 1024;

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectAdminClient
    Keycloak admin;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private long usedHeap() {
        return admin.serverInfo().getInfo().getMemoryInfo().getUsed();
    }

    /** {@code count} GETs on {@code THREADS} threads; counts answers other than a clean 200 without cookies. */
    private void challenges(int count, AtomicInteger bad) throws Exception {
        URI url = URI.create(Pages.realmUrl() + "/altcha/challenge");
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int share = count / THREADS + (t < count % THREADS ? 1 : 0);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < share; i++) {
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() != 200 || response.headers().firstValue("Set-Cookie").isPresent()
                                || !response.body().contains("\"signature\"")) {
                            bad.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void tenThousandChallengesLeaveTheHeapFlat() throws Exception {
        AtomicInteger bad = new AtomicInteger();
        int usersBefore = realm.admin().users().count();
        long sessionsBefore = realm.admin().getClientSessionStats().stream().mapToLong(s -> Long.parseLong(String.valueOf(s.get("active")))).sum();

        challenges(WARM_UP, bad);
        long before = usedHeap();
        List<Long> samples = new ArrayList<>();
        long start = System.nanoTime();
        for (int sent = 0; sent < REQUESTS; sent += ROUND) {
            challenges(ROUND, bad);
            samples.add(usedHeap());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long after = usedHeap();

        int quarter = samples.size() / 4;
        long firstLow = samples.subList(0, quarter).stream().mapToLong(Long::longValue).min().orElseThrow();
        long lastLow = samples.subList(samples.size() - quarter, samples.size()).stream().mapToLong(Long::longValue).min().orElseThrow();
        long growth = lastLow - firstLow;
        long max = samples.stream().mapToLong(Long::longValue).max().orElseThrow();

        String figures = String.format(Locale.ROOT, """
                | Figure | Value |
                |---|---|
                | Requests (after %d warm-up) | %d on %d threads, loopback |
                | Answers other than 200 with a challenge and no cookie | %d |
                | Used heap before / after | %.1f MB / %.1f MB |
                | Lowest used heap, first quarter / last quarter | %.1f MB / %.1f MB |
                | Growth of the lowest used heap (asserted < %d MB) | %+.1f MB |
                | Highest sample | %.1f MB |
                | Samples (MB, every %d requests) | %s |
                | Time (recorded, not asserted) | %.1f s, %.0f requests/s |
                """, WARM_UP, REQUESTS, THREADS, bad.get(), mb(before), mb(after), mb(firstLow), mb(lastLow), BOUND / (1024 * 1024),
                mb(growth), mb(max), ROUND, samples.stream().map(s -> String.format(Locale.ROOT, "%.0f", mb(s))).toList(),
                seconds, REQUESTS / seconds);
        Files.writeString(ReliabilityTable.file("reliability-memory.md"), figures);
        System.out.println(figures);

        assertEquals(0, bad.get(), "every answer a fresh challenge, never a cookie");
        assertEquals(usersBefore, realm.admin().users().count(), "no account");
        long sessionsAfter = realm.admin().getClientSessionStats().stream().mapToLong(s -> Long.parseLong(String.valueOf(s.get("active")))).sum();
        assertTrue(sessionsAfter <= sessionsBefore, "no session: " + sessionsBefore + " before, " + sessionsAfter + " after");
        assertTrue(growth < BOUND, "the lowest used heap grew by " + mb(growth) + " MB\n" + figures);
    }

    private static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
