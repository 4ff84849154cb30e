package com.merchantsupport.it.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.merchantsupport.it.reliability.NodeRegistrations;
import com.merchantsupport.it.support.AltchaSolver;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.Pages;
import com.merchantsupport.it.support.Texts;

/**
 * Merchants through the load balancer, each the whole journey in its own browser from its own network address:
 * the help center's sign-in page, "New on the merchant support center?", the form with its captcha solved, "Connect",
 * the welcome email, its link, "Create my password", the help center's tokens; then a sign-in with that password in a
 * fresh browser, as on another day. Merchants arrive one every {@code spacing} ({@link #start}), or a number of them
 * run journey after journey ({@link #startLooping}); each request has a time limit, each load a count and a time limit.
 *
 * <p>Where a real merchant would press reload (a page that did not load: a 5xx or a broken connection), the merchant
 * tries a page once more; a form it sent is not sent twice, except "Create my password", whose link it opens again
 * first (a spent link says so: the password was made). Every 5xx and broken request is recorded with its time, and how
 * many requests were in flight is readable at any moment: what a node's loss may cost is bounded by that.
 */
final class ClusterMerchants {

    /** A 5xx answer or a request that got none (refused, reset, timed out), when it ended. */
    record Broken(long atNanos, String step, String what) {
    }

    /** One merchant's journey: how far it got. */
    record Outcome(int n, String email, String address, long startedAt, long endedAt, boolean connected, boolean completed,
                   String failedStep, String why, List<String> retried) {

        String describe() {
            return email + " from " + address + (completed ? " completed" : " stopped at " + failedStep + ": " + why)
                    + (retried.isEmpty() ? "" : " (tried again: " + retried + ")");
        }
    }

    private static final class StepFailed extends RuntimeException {
        final String step;
        final boolean broken;

        StepFailed(String step, String why, boolean broken) {
            super(why, null, false, false);
            this.step = step;
            this.broken = broken;
        }
    }

    final String publicBase;
    final MailIndex mails;
    final String prefix;
    private final int addressBlock;
    final AtomicInteger inFlight = new AtomicInteger();
    final ConcurrentLinkedQueue<Broken> broken = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    final LongAdder signUpRequests = new LongAdder();
    final LongAdder signInRequests = new LongAdder();
    private ExecutorService merchants;
    private volatile boolean arriving;
    private volatile long startedAt;

    /**
     * {@code addressBlock}: the third byte of the merchants' loopback addresses (127.0.block.1 to .250, then the next
     * block), so that two loads never share an address and the per-address limits count each merchant alone.
     */
    ClusterMerchants(String publicBase, MailIndex mails, String prefix, int addressBlock) {
        this.publicBase = publicBase;
        this.mails = mails;
        this.prefix = prefix;
        this.addressBlock = addressBlock;
    }

    String email(int n) {
        return prefix + n + "@shop.test";
    }

    String address(int n) {
        return "127.0." + (addressBlock + n / 250) + "." + (1 + n % 250);
    }

    /** Starts {@code count} merchants, one every {@code spacing}, arriving until {@link #stopArriving} or the count. */
    ClusterMerchants start(int count, Duration spacing) {
        merchants = Executors.newVirtualThreadPerTaskExecutor();
        arriving = true;
        startedAt = System.nanoTime();
        for (int i = 0; i < count; i++) {
            int n = i;
            long at = startedAt + spacing.toNanos() * i;
            merchants.submit(() -> {
                // Awake every 200 ms: once arrivals stop, the merchants still to come leave at once.
                while (arriving && System.nanoTime() < at) {
                    sleep(Math.max(1, Math.min(200, (at - System.nanoTime()) / 1_000_000)));
                }
                if (arriving) {
                    outcomes.add(journey(n));
                }
            });
        }
        merchants.shutdown();
        return this;
    }

    /**
     * {@code users} merchants at once (they start over {@code rampUp}, not in the same millisecond), each beginning a
     * new journey (a new merchant: email and address of its own) as soon as its last one ended, for {@code sustained}.
     */
    ClusterMerchants startLooping(int users, Duration rampUp, Duration sustained) {
        merchants = Executors.newVirtualThreadPerTaskExecutor();
        arriving = true;
        startedAt = System.nanoTime();
        long end = startedAt + rampUp.toNanos() + sustained.toNanos();
        AtomicInteger next = new AtomicInteger();
        for (int u = 0; u < users; u++) {
            long at = startedAt + rampUp.toNanos() * u / users;
            merchants.submit(() -> {
                while (arriving && System.nanoTime() < at) {
                    sleep(Math.max(1, Math.min(200, (at - System.nanoTime()) / 1_000_000)));
                }
                while (arriving && System.nanoTime() < end) {
                    outcomes.add(journey(next.getAndIncrement()));
                }
            });
        }
        merchants.shutdown();
        return this;
    }

    void stopArriving() {
        arriving = false;
    }

    /** Waits for every merchant that arrived to end its journey, at most {@code bound}; then fails the rest. */
    void await(Duration bound) throws InterruptedException {
        if (!merchants.awaitTermination(bound.toMillis(), TimeUnit.MILLISECONDS)) {
            merchants.shutdownNow();
            merchants.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    double secondsSinceStart() {
        return (System.nanoTime() - startedAt) / 1e9;
    }

    List<Outcome> outcomes() {
        return new ArrayList<>(outcomes);
    }

    List<Outcome> failed() {
        return outcomes().stream().filter(o -> !o.completed()).toList();
    }

    Map<Integer, Long> statusCounts() {
        Map<Integer, Long> copy = new TreeMap<>();
        statuses.forEach((status, count) -> copy.put(status, count.sum()));
        return copy;
    }

    // ---- one merchant

    Outcome journey(int n) {
        String email = email(n);
        String address = address(n);
        long start = System.nanoTime();
        List<String> retried = new ArrayList<>();
        boolean connected = false;
        try (FormBrowser browser = browser(address, signUpRequests)) {
            step("sign-in page", retried, true, () -> browser.open(Pages.signInAt(publicBase, "")),
                    b -> b.status() == 200 && b.page().selectFirst("#kc-registration a") != null);
            step("registration form", retried, true, () -> browser.open(browser.link("#kc-registration a")),
                    b -> b.status() == 200 && b.page().selectFirst(Journey.REGISTER_FORM) != null);
            String solution = AltchaSolver.solvePage(browser);
            step("connect", retried, false, () -> browser.submit(Journey.REGISTER_FORM,
                            Map.of("name", "Cluster Merchant", "email", email, "altcha", solution)),
                    b -> b.status() == 200 && b.text().contains(Texts.en("merchantMailboxSent", email)));
            connected = true;
            String link = mails.awaitLink(email, Duration.ofMinutes(3));
            if (link == null) {
                throw new StepFailed("welcome email", "no welcome email within 3 minutes", false);
            }
            step("welcome link", retried, true, () -> browser.open(link),
                    b -> b.status() == 200 && b.page().selectFirst(Journey.CREATE_PASSWORD_FORM) != null);
            String code = createPassword(browser, link, retried);
            if (code != null) {
                tokens(code, "tokens after the password");
            }
            signInWithPassword(email, address, retried);
            return new Outcome(n, email, address, start, System.nanoTime(), true, true, null, null, retried);
        } catch (StepFailed f) {
            return new Outcome(n, email, address, start, System.nanoTime(), connected, false, f.step, f.getMessage(), retried);
        } catch (RuntimeException e) {
            return new Outcome(n, email, address, start, System.nanoTime(), connected, false, "unexpected", e.toString(), retried);
        }
    }

    /** "Create my password"; when its answer broke, the link opened again says whether the password was made. */
    private String createPassword(FormBrowser browser, String link, List<String> retried) {
        try {
            step("create password", retried, false, () -> Journey.createPassword(browser), b -> MerchantRealm.atHelpCenter(b.location()));
            return Journey.code(browser);
        } catch (StepFailed f) {
            if (!f.broken) {
                throw f;
            }
            retried.add("create password");
            sleep(1000);
            step("welcome link again", retried, true, () -> browser.open(link),
                    b -> b.status() == 410 || b.page().selectFirst(Journey.CREATE_PASSWORD_FORM) != null);
            if (browser.status() == 410) {
                return null; // made by the first try: the sign-in below shows the password works
            }
            step("create password again", retried, false, () -> Journey.createPassword(browser), b -> MerchantRealm.atHelpCenter(b.location()));
            return Journey.code(browser);
        }
    }

    /** The help center's sign-in page, the email and password typed, the help center's tokens. */
    void signInWithPassword(String email, String address, List<String> retried) {
        try (FormBrowser later = browser(address, signInRequests)) {
            step("password sign-in page", retried, true, () -> later.open(Pages.signInAt(publicBase, "")),
                    b -> b.status() == 200 && b.page().selectFirst("#kc-form-login") != null);
            step("password sign-in", retried, false, () -> later.submit("#kc-form-login",
                    Map.of("username", email, "password", Journey.PASSWORD)), b -> MerchantRealm.atHelpCenter(b.location()));
            tokens(Journey.code(later), "tokens after the sign-in");
        }
    }

    /** The help center's back channel: code + PKCE verifier + client secret, through the load balancer. */
    private void tokens(String code, String step) {
        try (FormBrowser helpCenter = browser(null, signInRequests)) {
            String body = FormBrowser.form("grant_type", "authorization_code", "code", code,
                    "redirect_uri", MerchantRealm.HELP_CENTER_REDIRECT_URI, "code_verifier", Journey.CODE_VERIFIER,
                    "client_id", MerchantRealm.HELP_CENTER_CLIENT, "client_secret", MerchantRealm.helpCenterSecret());
            step(step, new ArrayList<>(), false, () -> helpCenter.post(publicBase + "/realms/" + MerchantRealm.NAME
                            + "/protocol/openid-connect/token", FormBrowser.FORM, body),
                    b -> b.status() == 200 && b.reply().body().contains("\"id_token\""));
        }
    }

    private FormBrowser browser(String address, LongAdder requests) {
        FormBrowser browser = address == null ? new FormBrowser() : FormBrowser.from(address);
        // 90 s: 200 merchants at once on two shared cores wait long for a page; a slow answer is not a broken one.
        return browser.timeout(Duration.ofSeconds(90)).accept(NodeRegistrations.BROWSER_ACCEPT).onResponse(r -> {
            statuses.computeIfAbsent(r.statusCode(), s -> new LongAdder()).increment();
            requests.increment();
            if (r.statusCode() >= 500) {
                broken.add(new Broken(System.nanoTime(), URI.create(r.uri().toString()).getPath(), String.valueOf(r.statusCode())));
            }
        });
    }

    /**
     * One step: its requests (redirects followed), then {@code ok} says whether the page is the expected one. A 5xx
     * or broken request is tried once more when {@code repeatable}; anything else ends the journey.
     */
    private void step(String name, List<String> retried, boolean repeatable, Supplier<FormBrowser> action, Predicate<FormBrowser> ok) {
        for (int attempt = 1; ; attempt++) {
            String why;
            boolean broke;
            inFlight.incrementAndGet();
            try {
                FormBrowser b = action.get();
                if (ok.test(b)) {
                    return;
                }
                broke = b.status() >= 500 || b.reply().anyServerError();
                why = b.status() + " " + b.reply().message();
            } catch (IllegalStateException e) {
                // FormBrowser's wrapper of an IOException: refused, reset, timed out
                broke = true;
                why = String.valueOf(e.getMessage());
                broken.add(new Broken(System.nanoTime(), name, why));
            } finally {
                inFlight.decrementAndGet();
            }
            if (!broke || !repeatable || attempt == 2) {
                throw new StepFailed(name, why, broke);
            }
            retried.add(name);
            sleep(1000);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
