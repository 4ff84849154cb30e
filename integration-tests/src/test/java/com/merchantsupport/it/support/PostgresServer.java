package com.merchantsupport.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL server from Debian's packages (postgresql-15 or newer, which .ci/run installs), made
 * fresh in a temporary folder and started on a loopback port by the test itself. As root (CI), the server
 * runs as the package's {@code postgres} user: PostgreSQL refuses to run as root.
 */
public final class PostgresServer implements AutoCloseable {

    public static final String DATABASE = "keycloak";
    public static final String USER = "keycloak";
    public static final String PASSWORD = "test-only-db-password";

    private final Path bin;
    private final Path root;
    private final Path data;
    private final Path log;
    private final int port;

    private PostgresServer(Path bin, Path root, int port) {
        this.bin = bin;
        this.root = root;
        this.data = root.resolve("data");
        this.log = root.resolve("postgres.log");
        this.port = port;
    }

    /**
     * initdb, start, and a {@value DATABASE} database owned by {@value USER}. Without PostgreSQL on the
     * machine the test is skipped, except under CI where that is a broken install and fails.
     */
    public static PostgresServer start(int port) {
        Path bin = binaries();
        if (bin == null) {
            String why = "PostgreSQL's server is not installed (apt-get install postgresql; .ci/run does)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(why);
            }
            Assumptions.abort(why);
        }
        try {
            Path root = Files.createTempDirectory("merchant-pg-");
            PostgresServer server = new PostgresServer(bin, root, port);
            server.init();
            StopAtExit.register(server::close);
            server.start();
            server.createDatabase();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public int port() {
        return port;
    }

    /** pg_ctl start, waiting until it accepts connections. */
    public void start() {
        run(120, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", log.toString(), "-w", "-t", "60",
                "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + root
                        + " -c max_connections=300 -c fsync=off -c full_page_writes=off",
                "start");
    }

    /** pg_ctl stop in fast mode: open connections are cut, as when the database host restarts. */
    public void stop() {
        run(120, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop");
    }

    public void restart() {
        stop();
        start();
    }

    /** The first column of each row of a query, as the {@value USER} user. */
    public List<String> query(String sql) {
        try (Connection c = DriverManager.getConnection(jdbcUrl(), USER, PASSWORD); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** A statement without rows (DDL, say), as the {@value USER} user. */
    public void execute(String sql) {
        try (Connection c = DriverManager.getConnection(jdbcUrl(), USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public long count(String sql) {
        return Long.parseLong(query(sql).get(0));
    }

    private void init() throws IOException {
        Files.writeString(root.resolve("pwfile"), PASSWORD + "\n");
        if (asRoot()) {
            run(30, "chown", "-R", "postgres:postgres", root.toString());
        }
        run(180, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                "--locale=C", "--no-sync");
        Files.writeString(data.resolve("pg_hba.conf"), """
                local all all trust
                host all postgres 127.0.0.1/32 trust
                host all all 127.0.0.1/32 scram-sha-256
                """);
        if (asRoot()) {
            run(30, "chown", "-R", "postgres:postgres", root.toString());
        }
    }

    private void createDatabase() {
        String psql = bin.resolve("psql").toString();
        run(60, psql, "-h", root.toString(), "-p", String.valueOf(port), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1",
                "-c", "CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'",
                "-c", "CREATE DATABASE " + DATABASE + " OWNER " + USER);
    }

    private void run(int seconds, String... command) {
        List<String> line = new ArrayList<>();
        if (asRoot() && !command[0].equals("chown")) {
            line.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        line.addAll(List.of(command));
        try {
            Path out = Files.createTempFile("merchant-pg-cmd-", ".log");
            Process process = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", line) + " did not finish in " + seconds + " s: " + Files.readString(out));
            }
            if (process.exitValue() != 0) {
                String serverLog = Files.exists(log) ? Files.readString(log) : "";
                throw new IllegalStateException(String.join(" ", line) + " exited " + process.exitValue() + ":\n"
                        + Files.readString(out) + "\n" + serverLog);
            }
            Files.deleteIfExists(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean asRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The newest Debian PostgreSQL server under /usr/lib/postgresql/N/bin. */
    private static Path binaries() {
        Path versions = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(versions)) {
            return null;
        }
        try (Stream<Path> dirs = Files.list(versions)) {
            return dirs.map(d -> d.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("postgres")) && Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparingInt(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                    .orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (RuntimeException e) {
            // already stopped
        }
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
