package com.merchantsupport.benchmarks.load;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;

/** The benchmark's untimed helpers: admin REST calls, the server's heap, the mail server. */
final class Server {

    static final String BASE = System.getProperty("bench.baseUrl", "http://localhost:8480");
    static final String CLIENT = "merchant-support-center";
    static final String SECRET = System.getProperty("bench.clientSecret", "bench-only-help-center-secret");
    static final String CALLBACK = System.getProperty("bench.redirectUri", "http://127.0.0.1:8500/callback/oauth");
    static final String PASSWORD = "a-Good-password-2026";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static GreenMail mail;

    private Server() {
    }

    // ---------- mail ----------

    static synchronized void startMail() {
        if (mail == null) {
            int port = Integer.getInteger("bench.smtpPort", 3425);
            mail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            mail.start();
        }
    }

    static synchronized void stopMail() {
        if (mail != null) {
            mail.stop();
            mail = null;
        }
    }

    private static final Pattern LINK = Pattern.compile("https?://[^\\s\"<>]+/(?:merchant-welcome/open|login-actions/action-token)\\?[^\\s\"<>]+");

    /**
     * The link in the mail sent to this address (welcome or verify-email), then forgets the mailbox so the
     * mail server's memory stays bounded. Keycloak hands the mail over before it answers, so it is there.
     */
    static String takeLink(String email) {
        try {
            for (int attempt = 0; attempt < 500; attempt++) {
                GreenMailUser user = mail.getUserManager().getUserByEmail(email);
                if (user != null) {
                    var inbox = mail.getManagers().getImapHostManager().getInbox(user);
                    List<?> messages = inbox.getMessages();
                    if (!messages.isEmpty()) {
                        MimeMessage message = ((com.icegreen.greenmail.store.StoredMessage) messages.get(0)).getMimeMessage();
                        String text = text(message.getContent());
                        mail.getUserManager().deleteUser(user);
                        Matcher m = LINK.matcher(text);
                        if (!m.find()) {
                            throw new IllegalStateException("no link in the mail to " + email);
                        }
                        return m.group().replace("&amp;", "&");
                    }
                }
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no mail to " + email + " in 5 s");
    }

    private static String text(Object content) throws Exception {
        if (content instanceof jakarta.mail.Multipart multipart) {
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < multipart.getCount(); i++) {
                all.append(text(multipart.getBodyPart(i).getContent())).append('\n');
            }
            return all.toString();
        }
        return String.valueOf(content);
    }

    /** Forgets the mail to this address (registrations whose mail nobody reads). */
    static void forgetMail(String email) {
        try {
            GreenMailUser user = mail.getUserManager().getUserByEmail(email);
            if (user != null) {
                mail.getUserManager().deleteUser(user);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Drops every mailbox (between phases whose mail nobody reads). */
    static void purgeMail() {
        try {
            for (GreenMailUser user : new ArrayList<>(mail.getUserManager().listUser())) {
                mail.getUserManager().deleteUser(user);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------- admin REST ----------

    /** Accounts existing-0.. in the scale realm so far. */
    static volatile int imported = 1;
    private static volatile String token;
    private static volatile long tokenAt;

    /** The admin's token, reused for 30 s (a new one costs a password hash). */
    private static String adminToken() throws IOException, InterruptedException {
        if (token != null && System.nanoTime() - tokenAt < TimeUnit.SECONDS.toNanos(30)) {
            return token;
        }
        String body = "grant_type=password&client_id=admin-cli&username=" + enc(System.getProperty("bench.adminUser", "admin"))
                + "&password=" + enc(System.getProperty("bench.adminPassword", "bench-only-admin"));
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(BASE + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)), 200);
        token = JSON.readTree(r.body()).get("access_token").asText();
        tokenAt = System.nanoTime();
        return token;
    }

    /** Accounts with a password, for sign-in: pack realm users have a name, stock ones first and last name. */
    static void createSignInUsers(String realm, boolean pack, int count) {
        try {
            String token = adminToken();
            for (int i = 0; i < count; i++) {
                Map<String, Object> user = new LinkedHashMap<>();
                String email = signInEmail(realm, i);
                user.put("username", email);
                user.put("email", email);
                user.put("emailVerified", true);
                user.put("enabled", true);
                if (pack) {
                    user.put("attributes", Map.of("name", List.of("Sign In " + i), "merchantJourney", List.of("completed")));
                } else {
                    user.put("firstName", "Sign");
                    user.put("lastName", "In " + i);
                }
                user.put("credentials", List.of(Map.of("type", "password", "value", PASSWORD, "temporary", false)));
                send(HttpRequest.newBuilder(URI.create(BASE + "/admin/realms/" + realm + "/users"))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(user))), 201);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static String signInEmail(String realm, int i) {
        return "sign-in-" + i + "@" + realm + ".bench.test";
    }

    static String existingEmail(int i) {
        return "existing-" + i + "@accounts.bench.test";
    }

    /**
     * Adds accounts existing-{from..to-1} to the realm through the admin partial import, the fast supported
     * way to load many accounts: batches of 500 (one transaction each; bigger batches get slower per account),
     * two at a time (two cores). Returns the realm's account count.
     */
    static long importAccounts(String realm, int from, int to, long budgetSeconds) {
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(budgetSeconds);
        List<int[]> batches = new ArrayList<>();
        for (int batch = from; batch < to; batch += 500) {
            batches.add(new int[] {batch, Math.min(to, batch + 500)});
        }
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(2)) {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int[] b : batches) {
                done.add(pool.submit(() -> {
                    if (System.nanoTime() > deadline) {
                        return null; // the run's 15 minutes come first: measured at the count reached
                    }
                    importBatch(realm, b[0], b[1]);
                    return null;
                }));
            }
            for (var f : done) {
                f.get();
            }
            HttpResponse<String> count = send(HttpRequest.newBuilder(URI.create(BASE + "/admin/realms/" + realm + "/users/count"))
                    .header("Authorization", "Bearer " + adminToken()).GET(), 200);
            Recorder.fact("import." + realm + "." + to + ".seconds", (System.nanoTime() - started) / 1e9);
            long total = Long.parseLong(count.body().trim());
            imported = (int) total;
            return total;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void importBatch(String realm, int from, int to) throws IOException, InterruptedException {
        List<Map<String, Object>> users = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Map<String, Object> user = new LinkedHashMap<>();
            user.put("username", existingEmail(i));
            user.put("email", existingEmail(i));
            user.put("emailVerified", true);
            user.put("enabled", true);
            user.put("attributes", Map.of("name", List.of("Existing " + i), "merchantJourney", List.of("completed")));
            users.add(user);
        }
        send(HttpRequest.newBuilder(URI.create(BASE + "/admin/realms/" + realm + "/partialImport"))
                .header("Authorization", "Bearer " + adminToken()).header("Content-Type", "application/json")
                .timeout(java.time.Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("ifResourceExists", "SKIP", "users", users)))), 200);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request, int expected) throws IOException, InterruptedException {
        HttpRequest built = request.build();
        HttpResponse<String> r = HTTP.send(built, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new IllegalStateException(built.method() + " " + built.uri() + " answered " + r.statusCode() + ": " + r.body());
        }
        return r;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ---------- heap ----------

    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    /** The Keycloak JVM's used heap in bytes after full GCs (jcmd GC.run, then GC.heap_info). */
    static long heapAfterGc() {
        String pid = System.getProperty("bench.kcPid");
        if (pid == null || pid.isBlank()) {
            return -1;
        }
        String jcmd = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        try {
            for (int i = 0; i < 3; i++) {
                run(jcmd, pid, "GC.run");
                Thread.sleep(1000);
            }
            Matcher m = USED.matcher(run(jcmd, pid, "GC.heap_info"));
            if (!m.find()) {
                throw new IllegalStateException("no heap figure from jcmd");
            }
            return Long.parseLong(m.group(1)) * 1024;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
