package com.merchantsupport.it.reliability;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.merchantsupport.it.support.AltchaSolver;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.Pages;
import com.merchantsupport.it.support.PostgresServer;
import com.merchantsupport.it.support.Texts;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticatorConfigRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;

/**
 * Registrations on a production-mode node ({@code KeycloakNode}) as many merchants make them at once: each in a
 * fresh browser, every HTTP status counted, and what the page said when it was not "check your mailbox".
 */
public final class NodeRegistrations {

    public static final String WELCOME_SUBJECT = Texts.email("en", "merchantWelcomeSubject");
    /** Chromium's Accept for a page: with it Keycloak answers an unexpected error with its HTML error page, not JSON. */
    public static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
            + "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";

    private static final ObjectMapper JSON = new ObjectMapper();

    private NodeRegistrations() {
    }

    /**
     * Waits for the users to finish by themselves (they stop starting registrations at the end of the run) for at
     * most {@code bound}; a user still waiting then is interrupted, and its registration is recorded as failed with
     * the exception (status 0), so that a request that never got an answer fails the test instead of hanging it.
     */
    static void finish(java.util.concurrent.ExecutorService users, Duration bound) throws InterruptedException {
        users.shutdown();
        if (!users.awaitTermination(bound.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            users.shutdownNow();
            users.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** One registration: where it ended, and why when that was not the mailbox page. */
    record Outcome(String email, boolean mailbox, String step, int status, String message, long millis, long endedAt,
                   boolean showsTrace, boolean themedPage, long connectMillis) {

        Outcome(String email, boolean mailbox, String step, int status, String message, long millis, long endedAt) {
            this(email, mailbox, step, status, message, millis, endedAt, false, false, -1);
        }

        long startedAt() {
            return endedAt - millis * 1_000_000;
        }

        String describe() {
            return email + " at " + step + ": " + status + " " + message + " (" + millis + " ms)" + (showsTrace ? " [stack trace]" : "");
        }
    }

    private static final java.util.regex.Pattern TRACE = java.util.regex.Pattern.compile(
            "\\w+(Exception|Error)\\b|\\bat (org|java|jdk|io|com)\\.[\\w.$]+\\(");

    /** Every status the client saw, each hop of a redirect chain included; and the challenge endpoint's answers. */
    static final class Tally {

        private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();

        void add(int status) {
            statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
        }

        Map<Integer, Long> snapshot() {
            Map<Integer, Long> copy = new java.util.TreeMap<>();
            statuses.forEach((status, count) -> copy.put(status, count.sum()));
            return copy;
        }

        long serverErrors() {
            return snapshot().entrySet().stream().filter(e -> e.getKey() >= 500).mapToLong(Map.Entry::getValue).sum();
        }

        long requests() {
            return snapshot().values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * The help center's sign-in page, "New on the merchant support center?", the form with a solved challenge (the
     * page's own; from the endpoint through {@code challenges} only when the page has none), "Connect": in a fresh
     * browser, closed afterwards. A request that fails (timeout, refused connection) ends the
     * registration with status 0 and the exception as message.
     */
    static Outcome register(String base, HttpClient challenges, Tally tally, String name, String email) {
        try (FormBrowser browser = new FormBrowser()) {
            return register(browser, base, challenges, tally, name, email);
        }
    }

    /** The same in {@code browser}, left open (its page is the last one, for "Send the email again", say). */
    static Outcome register(FormBrowser browser, String base, HttpClient challenges, Tally tally, String name, String email) {
        long start = System.nanoTime();
        String step = "sign-in page";
        browser.onResponse(r -> tally.add(r.statusCode())).accept(BROWSER_ACCEPT);
        try {
            browser.open(Pages.signInAt(base, ""));
            if (browser.status() != 200 || browser.page().selectFirst("#kc-registration a") == null) {
                return outcome(email, false, step, browser, start);
            }
            step = "registration form";
            browser.open(browser.link("#kc-registration a"));
            if (browser.status() != 200 || browser.page().selectFirst("#kc-register-form") == null) {
                return outcome(email, false, step, browser, start);
            }
            step = "challenge";
            String solution;
            var pageChallenge = AltchaSolver.pageChallenge(browser.page());
            if (pageChallenge.isPresent()) {
                solution = AltchaSolver.solve(pageChallenge.get()); // the page's own: no request, as in a browser
            } else {
                HttpResponse<String> challenge = challenges.send(
                        HttpRequest.newBuilder(URI.create(base + "/realms/" + MerchantRealm.NAME + "/altcha/challenge"))
                                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                tally.add(challenge.statusCode());
                if (challenge.statusCode() != 200) {
                    return new Outcome(email, false, step, challenge.statusCode(), oneLine(challenge.body()), millis(start), System.nanoTime());
                }
                solution = AltchaSolver.solve(JSON.readTree(challenge.body()));
            }
            step = "connect";
            long connect = System.nanoTime();
            browser.submit("#kc-register-form", Map.of("name", name, "email", email, "altcha", solution));
            long connectMillis = millis(connect);
            boolean mailbox = browser.status() == 200 && browser.text().contains(Texts.en("merchantMailboxSent", email));
            Outcome o = outcome(email, mailbox, step, browser, start);
            return new Outcome(o.email(), o.mailbox(), o.step(), o.status(), o.message(), o.millis(), o.endedAt(), o.showsTrace(),
                    o.themedPage(), connectMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(email, false, step, 0, "interrupted", millis(start), System.nanoTime());
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return new Outcome(email, false, step, 0, cause.getClass().getSimpleName() + ": " + cause.getMessage(), millis(start),
                    System.nanoTime());
        }
    }

    private static Outcome outcome(String email, boolean mailbox, String step, FormBrowser browser, long start) {
        return new Outcome(email, mailbox, step, browser.status(), browser.reply().message(), millis(start), System.nanoTime(),
                TRACE.matcher(browser.page().text()).find(), browser.page().selectFirst("#kc-page-title") != null, -1);
    }

    private static long millis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static String oneLine(String body) {
        String b = body.replaceAll("\\s+", " ").strip();
        return b.length() > 120 ? b.substring(0, 120) + "…" : b;
    }

    /**
     * The realm's ALTCHA difficulty ({@code altcha.max.number}, docs/CAPTCHA.md), changed the way a realm admin
     * does. The server's cost does not depend on it (one SHA-256 to check a solution); the client's does.
     */
    public static void captchaDifficulty(RealmResource realm, String maxNumber) {
        AuthenticationExecutionInfoRepresentation execution = realm.flows().getExecutions("merchant registration").stream()
                .filter(e -> "merchant-captcha".equals(e.getProviderId()))
                .findFirst().orElseThrow(() -> new AssertionError("no merchant-captcha step in the registration flow"));
        AuthenticatorConfigRepresentation config = realm.flows().getAuthenticatorConfig(execution.getAuthenticationConfig());
        Map<String, String> changed = new HashMap<>(config.getConfig());
        changed.put("altcha.max.number", maxNumber);
        config.setConfig(changed);
        realm.flows().updateAuthenticatorConfig(config.getId(), config);
    }

    /** Points the realm's mail at {@code host:port}, keeping the rest of its SMTP settings (timeouts 10 s). */
    public static void smtpAt(RealmResource realm, int port) {
        RealmRepresentation rep = realm.toRepresentation();
        Map<String, String> smtp = new HashMap<>(rep.getSmtpServer());
        smtp.put("host", "127.0.0.1");
        smtp.put("port", String.valueOf(port));
        rep.setSmtpServer(smtp);
        realm.update(rep);
    }

    /** Welcome emails by recipient (lower-cased); other emails are listed under their subject, to be seen. */
    static Map<String, List<MimeMessage>> welcomeMailsByRecipient(MimeMessage[] messages) {
        Map<String, List<MimeMessage>> byRecipient = new LinkedHashMap<>();
        for (MimeMessage m : messages) {
            try {
                if (!WELCOME_SUBJECT.equals(m.getSubject())) {
                    byRecipient.computeIfAbsent("(other subject) " + m.getSubject(), k -> new ArrayList<>()).add(m);
                    continue;
                }
                for (var r : m.getRecipients(Message.RecipientType.TO)) {
                    byRecipient.computeIfAbsent(((InternetAddress) r).getAddress().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(m);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return byRecipient;
    }

    /** The realm's accounts whose email starts with {@code prefix}, from the database itself. */
    public static List<String> accountEmails(PostgresServer database, String prefix) {
        return database.query("select u.email from user_entity u join realm r on r.id = u.realm_id where r.name = '"
                + MerchantRealm.NAME + "' and u.email like '" + prefix + "%'");
    }
}
