package com.merchantsupport.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Debian's HAProxy started with the repository's {@code deploy/haproxy/haproxy.cfg}, unchanged, in the foreground
 * ({@code -db}), its log (one line per request: client address, node, status) in target/kc-logs/haproxy.log. What it
 * thinks of each node is read from its stats page, as an operator would ({@code /haproxy-stats;csv}).
 */
public final class Haproxy implements AutoCloseable {

    public static final String STATS = "http://127.0.0.1:8404/haproxy-stats;csv";

    private final Path log;
    private final long logStart;
    private Process process;

    private Haproxy(Path log, long logStart) {
        this.log = log;
        this.logStart = logStart;
    }

    /** Starts it and waits until its stats page answers. Without HAProxy installed: skipped, except under CI (fails). */
    public static Haproxy start(Path config) {
        Path binary = Files.isExecutable(Path.of("/usr/sbin/haproxy")) ? Path.of("/usr/sbin/haproxy") : null;
        if (binary == null) {
            String why = "HAProxy is not installed (apt-get install haproxy; .ci/run does)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(why);
            }
            Assumptions.abort(why);
        }
        try {
            Path log = Path.of(System.getProperty("screenshots.dir", "target/screenshots")).resolveSibling("kc-logs").resolve("haproxy.log");
            Files.createDirectories(log.getParent());
            Haproxy haproxy = new Haproxy(log, Files.exists(log) ? Files.size(log) : 0);
            haproxy.process = new ProcessBuilder(binary.toString(), "-db", "-f", config.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            StopAtExit.register(haproxy);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (haproxy.servers().isEmpty()) {
                if (!haproxy.process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("HAProxy did not start:\n" + haproxy.log());
                }
                Thread.sleep(200);
            }
            return haproxy;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Each node's status as HAProxy's health checks say it ({@code UP}, {@code DOWN}, {@code UP 1/2}, ...); empty when it does not answer. */
    public Map<String, String> servers() {
        Map<String, String> status = new LinkedHashMap<>();
        for (Map<String, String> row : stats()) {
            if ("keycloak".equals(row.get("pxname")) && !"BACKEND".equals(row.get("svname"))) {
                status.put(row.get("svname"), row.get("status"));
            }
        }
        return status;
    }

    /** The stats page's rows, by column name ({@code pxname}, {@code svname}, {@code status}, {@code stot}, {@code hrsp_5xx}, ...). */
    public List<Map<String, String>> stats() {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpResponse<String> csv = http.send(HttpRequest.newBuilder(URI.create(STATS)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (csv.statusCode() != 200) {
                return List.of();
            }
            String[] lines = csv.body().split("\n");
            List<String> columns = Arrays.asList(lines[0].replaceFirst("^# ", "").split(",", -1));
            List<Map<String, String>> rows = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                String[] cells = lines[i].split(",", -1);
                Map<String, String> row = new LinkedHashMap<>();
                for (int c = 0; c < Math.min(cells.length, columns.size()); c++) {
                    row.put(columns.get(c), cells[c]);
                }
                rows.add(row);
            }
            return rows;
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** Waits until HAProxy reports {@code server} as exactly {@code status} ("UP" or "DOWN"). */
    public void await(String server, String status, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!status.equals(servers().get(server))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("HAProxy never saw " + server + " " + status + " within " + timeout + ": " + servers());
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** This run's part of HAProxy's log: one line per request with the client's address and the node that answered. */
    public String log() {
        try {
            byte[] all = Files.readAllBytes(log);
            int from = (int) Math.min(logStart, all.length);
            return new String(all, from, all.length - from, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        Process running = process;
        process = null;
        if (running == null) {
            return;
        }
        running.destroy();
        try {
            if (!running.waitFor(10, TimeUnit.SECONDS)) {
                running.destroyForcibly();
                running.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            running.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
