package com.merchantsupport.benchmarks.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;

/**
 * The benchmark's untimed helpers: admin REST calls, the server's heap and profiler (jcmd), its metrics, the mail
 * server and a stalling one.
 */
final class Server {

    static final String BASE = System.getProperty("bench.baseUrl", "http://localhost:8480");
    static final String CLIENT = "merchant-support-center";
    static final String SECRET = System.getProperty("bench.clientSecret", "bench-only-help-center-secret");
    static final String CALLBACK = System.getProperty("bench.redirectUri", "http://127.0.0.1:8500/callback/oauth");
    static final String PASSWORD = "a-Good-password-2026";
    /** The management interface (metrics), run.sh's --http-management-port. */
    static final String MANAGEMENT = System.getProperty("bench.managementUrl", "http://localhost:9480");

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
     * The link of the first email to the address (welcome or verify-email), then that mailbox forgotten so the mail
     * server's memory stays bounded; null while none has arrived. It never waits: the journeys wait between two
     * looks with Gatling's own pause ({@code awaitLink}), because a sleep here would hold one of Gatling's few
     * event-loop threads and every virtual user on it.
     */
    static String pollLink(String email) {
        String text;
        try {
            GreenMailUser user = mail.getUserManager().getUserByEmail(email);
            if (user == null) {
                return null;
            }
            List<?> messages = mail.getManagers().getImapHostManager().getInbox(user).getMessages();
            if (messages.isEmpty()) {
                return null;
            }
            MimeMessage message = ((com.icegreen.greenmail.store.StoredMessage) messages.get(0)).getMimeMessage();
            text = text(message.getContent());
            mail.getUserManager().deleteUser(user);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Matcher m = LINK.matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no link in the mail to " + email);
        }
        return m.group().replace("&amp;", "&");
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

    /** Keeps a page as the load generator received it (benchmarks/target/load/pages/), for reading. */
    static void savePage(Path file, String body) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
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


    // ---------- a mail server that never answers ----------

    private static ServerSocket stall;
    private static final List<Socket> STALLED = new CopyOnWriteArrayList<>();

    /**
     * A listener that accepts every connection and never writes a byte (no SMTP greeting): Keycloak's mail client
     * waits for its read timeout (the realm's 10 s). On a port the kernel picks (loopback, an ephemeral port: never
     * one of the tests' fixed ports). Returns the port.
     */
    static synchronized int startStall() {
        if (stall == null) {
            try {
                ServerSocket listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
                Thread acceptor = new Thread(() -> {
                    while (!listener.isClosed()) {
                        try {
                            STALLED.add(listener.accept());
                        } catch (IOException closed) {
                            return;
                        }
                    }
                }, "bench-stalling-smtp");
                acceptor.setDaemon(true);
                acceptor.start();
                stall = listener;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return stall.getLocalPort();
    }

    /** Closes the connections held (their senders see the failure at once) and the listener; returns how many it held. */
    static synchronized int stopStall() {
        int held = STALLED.size();
        for (Socket socket : STALLED) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        STALLED.clear();
        if (stall != null) {
            try {
                stall.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            stall = null;
        }
        return held;
    }

    // ---------- mail arrival ----------

    /**
     * Counts the emails GreenMail receives from now on, whoever they are to (its own latch, counted down on each
     * delivery: cheap to read, unlike a look-up per address, which walks every mailbox).
     */
    static java.util.function.IntSupplier countFromNow(int atMost) {
        java.util.concurrent.CountDownLatch latch = mail.getManagers().getSmtpManager().createAndAddNewWaitObject(atMost);
        return () -> (int) (atMost - latch.getCount());
    }

    /**
     * How many of these addresses have at least one mail, and how many mails they hold in all. Each look-up walks
     * GreenMail's mailboxes (a list): for a few hundred addresses, or once for thousands.
     */
    static int[] arrived(Collection<String> emails) {
        int addresses = 0;
        int messages = 0;
        try {
            for (String email : emails) {
                GreenMailUser user = mail.getUserManager().getUserByEmail(email);
                if (user == null) {
                    continue;
                }
                int n = mail.getManagers().getImapHostManager().getInbox(user).getMessageCount();
                if (n > 0) {
                    addresses++;
                    messages += n;
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return new int[] {addresses, messages};
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

    /** Points the realm's SMTP server at this port (the admin REST API, the whole representation back); returns the port it had. */
    static String smtpPort(String realm, String port) {
        try {
            String url = BASE + "/admin/realms/" + realm;
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + adminToken()).GET(), 200);
            ObjectNode rep = (ObjectNode) JSON.readTree(r.body());
            ObjectNode smtp = (ObjectNode) rep.get("smtpServer");
            String before = smtp.path("port").asText();
            smtp.put("port", port);
            send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + adminToken())
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(rep))), 204);
            return before;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Empties Keycloak's user cache (admin REST), to tell a bounded cache from what else stays. */
    static void clearUserCache(String realm) {
        try {
            send(HttpRequest.newBuilder(URI.create(BASE + "/admin/realms/" + realm + "/clear-user-cache"))
                    .header("Authorization", "Bearer " + adminToken()).POST(HttpRequest.BodyPublishers.noBody()), 204);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final Pattern METRIC = Pattern.compile("^(merchant_support_outbox_[a-z_]+)(?:\\{[^}]*\\})? ([0-9.eE+-]+|NaN)$", Pattern.MULTILINE);

    /** The pack's outbox metrics from the management interface's /metrics (--metrics-enabled=true), summed over tags. */
    static Map<String, Double> outboxMetrics() {
        return metrics(METRIC, new LinkedHashMap<>());
    }

    private static final Pattern CACHE_ENTRIES = Pattern.compile(
            "^vendor_statistics_approximate_entries\\{[^}]*cache=\"([^\"]+)\"[^}]*\\} ([0-9.eE+-]+)$", Pattern.MULTILINE);

    /**
     * Entries per Infinispan cache of the server (vendor_statistics_approximate_entries on /metrics): which of
     * Keycloak's bounded caches hold what the heap readings count. Empty when the server does not expose them.
     */
    static Map<String, Double> cacheEntries() {
        return metrics(CACHE_ENTRIES, new java.util.TreeMap<>());
    }

    /** The /metrics lines {@code metric} matches: its first group the name, its second the value, summed by name. */
    private static Map<String, Double> metrics(Pattern metric, Map<String, Double> values) {
        try {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(MANAGEMENT + "/metrics")).GET(), 200);
            Matcher m = metric.matcher(r.body());
            while (m.find()) {
                values.merge(m.group(1), Double.parseDouble(m.group(2)), Double::sum);
            }
            return values;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
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

    /**
     * The Keycloak JVM's used heap in bytes after a full GC: jcmd GC.run, then GC.heap_info at once, three times a
     * second apart (a quick run: once), the lowest reading (a reading can catch what the server allocated since its GC).
     */
    static long heapAfterGc() {
        String pid = System.getProperty("bench.kcPid");
        if (pid == null || pid.isBlank()) {
            return -1;
        }
        String jcmd = jcmd();
        boolean quick = "quick".equals(System.getProperty("bench.scale", "full"));
        try {
            long lowest = Long.MAX_VALUE;
            for (int i = 0; i < (quick ? 1 : 3); i++) {
                if (i > 0) {
                    Thread.sleep(1000);
                }
                run(jcmd, pid, "GC.run");
                Matcher m = USED.matcher(run(jcmd, pid, "GC.heap_info"));
                if (!m.find()) {
                    throw new IllegalStateException("no heap figure from jcmd");
                }
                lowest = Math.min(lowest, Long.parseLong(m.group(1)) * 1024);
            }
            return lowest;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Live objects per class (jcmd GC.class_histogram, itself after a full GC), written to the file. */
    static void histogram(Path file) {
        String pid = System.getProperty("bench.kcPid");
        if (pid == null || pid.isBlank()) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, run(jcmd(), pid, "GC.class_histogram"));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------- CPU time of the two processes ----------

    private static final long CLOCK_TICKS = clockTicks();

    /**
     * CPU time (user + system, every thread: request threads, GC, JIT) of the server's JVM and of this load generator's,
     * in nanoseconds, from /proc (Linux); -1 where it cannot be read.
     */
    static long[] cpuNanos() {
        return new long[] {cpuNanos(System.getProperty("bench.kcPid", "")), cpuNanos(Long.toString(ProcessHandle.current().pid()))};
    }

    /**
     * The server's CPU nanoseconds by live thread: utime + stime from /proc/PID/task/TID/stat, keyed "TID group", the
     * group being its name (comm, 15 characters) with digits as N ("GC Thread#N", "CN CompilerThre",
     * "executor-thread-N"), so that a window's process CPU can be told apart: request threads, GC, JIT, the outbox's
     * workers. Keyed by thread, not group: a thread that ends in the window must not take its CPU before the window
     * out of its group (Quarkus retires idle executor threads); what it used in the window is the process's total
     * minus the groups' ({@link Recorder#write}).
     */
    static Map<String, Long> threadCpuNanos() {
        Map<String, Long> threads = new java.util.TreeMap<>();
        String pid = System.getProperty("bench.kcPid", "");
        if (pid.isBlank()) {
            return threads;
        }
        try (var tasks = Files.list(Path.of("/proc", pid, "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "N");
                    String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
                    threads.put(task.getFileName() + " " + name, ticks * 1_000_000_000L / CLOCK_TICKS);
                } catch (IOException | RuntimeException e) {
                    // the thread ended while being read
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return threads;
    }

    private static long cpuNanos(String pid) {
        if (pid.isBlank()) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(rest[11]) + Long.parseLong(rest[12]); // utime, stime (fields 14 and 15)
            return ticks * 1_000_000_000L / CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            return Long.parseLong(out);
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    // ---------- profiler ----------

    /**
     * Starts a JFR recording on the server: the "profile" settings (Java execution samples every 10 ms) and, on a JDK
     * that has it (25+ on Linux), the CPU-time sampler every 2 ms of CPU (every thread's CPU, native code included).
     */
    static void jfrStart(String name, Path file) {
        String pid = System.getProperty("bench.kcPid");
        if (pid == null || pid.isBlank()) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            String filename = "filename=" + file.toAbsolutePath();
            try {
                run(jcmd(), pid, "JFR.start", "name=" + name, "settings=profile", "jdk.CPUTimeSample#enabled=true",
                        "jdk.CPUTimeSample#throttle=2ms", filename);
            } catch (IllegalStateException noCpuTimeSampler) {
                run(jcmd(), pid, "JFR.start", "name=" + name, "settings=profile", filename);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops the recording; JFR writes its file. */
    static void jfrStop(String name) {
        String pid = System.getProperty("bench.kcPid");
        if (pid == null || pid.isBlank()) {
            return;
        }
        try {
            run(jcmd(), pid, "JFR.stop", "name=" + name);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String jcmd() {
        return Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
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
