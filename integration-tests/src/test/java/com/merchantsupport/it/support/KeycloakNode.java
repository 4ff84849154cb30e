package com.merchantsupport.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.keycloak.admin.client.Keycloak;

/**
 * One Keycloak server in production mode ({@code kc.sh start}) from the distribution zip, with the pack's
 * jar, the realm JSON imported with {@code --import-realm}, and PostgreSQL as its database: the way a
 * deployer runs it, on loopback ports of its own (the test framework's server keeps 8080). Several nodes on
 * the same database form an Infinispan cluster through Keycloak's default JDBC discovery ({@code jdbc-ping}).
 */
public final class KeycloakNode implements AutoCloseable {

    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "test-only-admin-password";

    private final String name;
    private final KeycloakDistribution distribution;
    private final int httpPort;
    private final int managementPort;
    private final int clusterPort;
    private final PostgresServer database;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> options = new ArrayList<>();
    private Process process;

    private KeycloakNode(String name, KeycloakDistribution distribution, int httpPort, int clusterPort, PostgresServer database,
                         int smtpPort) {
        this.name = name;
        this.distribution = distribution;
        this.httpPort = httpPort;
        this.managementPort = httpPort + 1000;
        this.clusterPort = clusterPort;
        this.database = database;
        env.put("SMTP_HOST", "127.0.0.1");
        env.put("SMTP_PORT", String.valueOf(smtpPort));
        env.put("SMTP_FROM", "support-bot@merchant-support.test");
        env.put("MERCHANT_SUPPORT_CENTER_CLIENT_SECRET", MerchantRealm.helpCenterSecret());
        env.put("HELP_CENTER_URL", "http://127.0.0.1:8500");
        env.put("HELP_CENTER_REDIRECT_URI", MerchantRealm.HELP_CENTER_REDIRECT_URI);
        env.put("GOOGLE_CLIENT_ID", "test-only-google-client-id");
        env.put("GOOGLE_CLIENT_SECRET", "test-only-google-client-secret");
        env.put("GOOGLE_HOSTED_DOMAIN", "");
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        // A bounded heap: several servers share this machine (kc.sh's default takes 70% of its memory).
        env.put("JAVA_OPTS_KC_HEAP", "-Xms256m -Xmx1g");
    }

    /**
     * A distribution with the pack and the realm JSON in data/import, built once for PostgreSQL with health
     * checks on ({@code kc.sh build}); {@link #on} copies it for each node.
     */
    public static KeycloakDistribution buildForPostgres() {
        return buildForPostgres(Path.of(System.getProperty("pack.jar")), Path.of(System.getProperty("test.realm.json")));
    }

    /** The same with another jar of the pack and another realm JSON (a previous version's, for a rolling upgrade). */
    public static KeycloakDistribution buildForPostgres(Path packJar, Path realmJson) {
        try {
            KeycloakDistribution distribution = KeycloakDistribution.unpackWithPack(packJar);
            Path imports = distribution.home().resolve("data/import");
            Files.createDirectories(imports);
            Files.copy(realmJson, imports.resolve("merchant-support-realm.json"),
                    StandardCopyOption.REPLACE_EXISTING);
            KeycloakDistribution.Run build = distribution.kc(Map.of(), "build", "--db=postgres", "--health-enabled=true",
                    "--metrics-enabled=true");
            if (build.exitCode() != 0) {
                throw new IllegalStateException("kc.sh build failed:\n" + build.output());
            }
            return distribution;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A node on its own copy of {@code built}: HTTP on {@code httpPort}, management on httpPort + 1000,
     * cluster transport on {@code clusterPort}, mail to the SMTP server on {@code smtpPort}.
     */
    public static KeycloakNode on(KeycloakDistribution built, String name, int httpPort, int clusterPort, PostgresServer database,
                                  int smtpPort) {
        try {
            return new KeycloakNode(name, built.copy(), httpPort, clusterPort, database, smtpPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * More {@code kc.sh start} options, after the node's own (a later option wins), for every following
     * {@link #start}: a deployer's setting such as {@code --db-pool-max-size=20}.
     */
    public KeycloakNode withOptions(String... extra) {
        options.addAll(List.of(extra));
        return this;
    }

    public String base() {
        return "http://localhost:" + httpPort;
    }

    /** The management interface (health, metrics): http://127.0.0.1:(http port + 1000). */
    public String managementBase() {
        return "http://127.0.0.1:" + managementPort;
    }

    public String name() {
        return name;
    }

    /** kc.sh start, then waits until /health/ready says UP (3 minutes at most). */
    public KeycloakNode start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        List<String> args = new ArrayList<>(List.of("start", "--optimized", "--import-realm",
                "--http-enabled=true", "--http-port=" + httpPort, "--http-host=127.0.0.1",
                "--http-management-port=" + managementPort,
                "--hostname-strict=false",
                "--db-url=" + database.jdbcUrl(), "--db-username=" + PostgresServer.USER,
                "--db-password=" + PostgresServer.PASSWORD,
                "--cache=ispn", "--cache-embedded-network-bind-address=127.0.0.1",
                "--cache-embedded-network-bind-port=" + clusterPort,
                "--spi-events-listener--jboss-logging--success-level=info"));
        args.addAll(options);
        try {
            process = distribution.launch(env, name + ".log", args);
            StopAtExit.register(this::kill);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            // A bound, not a speed claim: a node starting on two cores shared with a loaded cluster took over two minutes.
            awaitReady(Duration.ofMinutes(5));
        } catch (RuntimeException neverReady) {
            // Nobody holds a node that never became ready: it must not run on, loading the machine, into the next tests.
            kill();
            throw neverReady;
        }
        return this;
    }

    /** SIGTERM, as a service manager stops Keycloak: a graceful shutdown. */
    public void stop() {
        if (process == null) {
            return;
        }
        Process running = process;
        running.destroy();
        try {
            if (!running.waitFor(90, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running.descendants().forEach(ProcessHandle::destroyForcibly);
        process = null;
    }

    /** SIGKILL: the machine under the node went away. */
    public void kill() {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** This node's name, ports and database on another installation: the same node after its pack was replaced. */
    public KeycloakNode replacedBy(KeycloakDistribution built) {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " still runs: stop it before replacing its installation");
        }
        KeycloakNode next = on(built, name, httpPort, clusterPort, database, Integer.parseInt(env.get("SMTP_PORT")));
        next.options.addAll(options);
        return next;
    }

    public boolean running() {
        return process != null && process.isAlive();
    }

    /**
     * CPU time the node's processes used so far (kc.sh and its JVM), in milliseconds; -1 when it is not running. Read
     * from {@code /proc} through {@link ProcessHandle.Info#totalCpuDuration}.
     */
    public long cpuMillis() {
        if (process == null) {
            return -1;
        }
        long total = 0;
        for (ProcessHandle handle : (Iterable<ProcessHandle>) java.util.stream.Stream.concat(java.util.stream.Stream.of(process.toHandle()),
                process.descendants())::iterator) {
            total += handle.info().totalCpuDuration().map(Duration::toMillis).orElse(0L);
        }
        return total;
    }

    private static final java.util.regex.Pattern CLUSTER_SIZE = java.util.regex.Pattern.compile("(?m)^vendor_cluster_size\\{[^}]*\\} (\\d+)");

    /** The Infinispan cluster's size as this node's /metrics says it (what an operator graphs); -1 when it does not answer. */
    public int clusterSize() {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(managementBase() + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            java.util.regex.Matcher size = CLUSTER_SIZE.matcher(metrics.body());
            return metrics.statusCode() == 200 && size.find() ? Integer.parseInt(size.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public Keycloak admin() {
        return Keycloak.getInstance(base(), "master", ADMIN, ADMIN_PASSWORD, "admin-cli");
    }

    public String log() {
        try {
            return Files.readString(distribution.log(name + ".log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI ready = URI.create("http://127.0.0.1:" + managementPort + "/health/ready");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " while starting:\n" + tail());
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("UP")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(1000);
        }
        throw new IllegalStateException(name + " not ready after " + timeout + ":\n" + tail());
    }

    private String tail() {
        String log = log();
        return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        distribution.close();
    }
}
