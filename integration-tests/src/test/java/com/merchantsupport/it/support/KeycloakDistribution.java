package com.merchantsupport.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.keycloak.it.utils.Maven;

/**
 * A private copy of the Keycloak distribution (the zip the test server comes from), with the pack's jar in
 * providers/, for running {@code kc.sh} commands the way a deployer types them. It has its own embedded
 * database and never touches the test server's installation; {@code kc.sh import} opens no port.
 */
public final class KeycloakDistribution implements AutoCloseable {

    public record Run(int exitCode, String output) {
    }

    private final Path root;
    private final Path home;
    private final Path logs;
    private int runs;

    private KeycloakDistribution(Path root, Path home, Path logs) {
        this.root = root;
        this.home = home;
        this.logs = logs;
    }

    public static KeycloakDistribution unpackWithPack() throws IOException {
        return unpackWithPack(Path.of(System.getProperty("pack.jar")));
    }

    /** The same with another build of the pack (a previous version's jar, for a rolling upgrade). */
    public static KeycloakDistribution unpackWithPack(Path jar) throws IOException {
        Path zip = Maven.resolveArtifact("org.keycloak", "keycloak-quarkus-dist");
        Path root = Files.createTempDirectory("merchant-kc-import-");
        unzip(zip, root);
        Path home;
        try (Stream<Path> entries = Files.list(root)) {
            home = entries.filter(Files::isDirectory).findFirst().orElseThrow(() -> new IOException("empty distribution " + zip));
        }
        home.resolve("bin/kc.sh").toFile().setExecutable(true);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The pack's jar is not built: " + jar + " (run mvn verify from the project root)");
        }
        Files.copy(jar, home.resolve("providers").resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        Path logs = Path.of(System.getProperty("screenshots.dir", "target/screenshots")).resolveSibling("kc-logs");
        Files.createDirectories(logs);
        return new KeycloakDistribution(root, home, logs);
    }

    /**
     * {@code bin/kc.sh <args>} with {@code env} on top of a clean environment: the test JVM's Java, none of
     * the test server's settings (no KC_*, no JAVA_OPTS_APPEND pointing at its import folder).
     */
    public Run kc(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/kc.sh").toString());
        command.addAll(List.of(args));
        Path log = logs.resolve("kc-" + (++runs) + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("KC_") || name.startsWith("JAVA_OPTS") || name.equals("JAVA_ADD_OPENS"));
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.putAll(env);
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("kc.sh " + String.join(" ", args) + " did not finish in 5 minutes; see " + log);
        }
        return new Run(process.exitValue(), Files.readString(log));
    }

    /** The unpacked distribution's folder (bin/, conf/, data/, providers/). */
    public Path home() {
        return home;
    }

    /** A second, independent installation with everything this one has (built options, providers, data/import). */
    public KeycloakDistribution copy() throws IOException {
        Path root = Files.createTempDirectory("merchant-kc-copy-");
        Path target = root.resolve(home.getFileName());
        try (Stream<Path> files = Files.walk(home)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path to = target.resolve(home.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(source, to, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return new KeycloakDistribution(root, target, logs);
    }

    /**
     * {@code bin/kc.sh <args>} left running (a server), its output in {@code logName} beside the other runs'
     * logs; the same clean environment as {@link #kc}.
     */
    public Process launch(Map<String, String> env, String logName, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/kc.sh").toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(logName).toFile()));
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("KC_") || name.startsWith("JAVA_OPTS") || name.equals("JAVA_ADD_OPENS"));
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.putAll(env);
        return builder.start();
    }

    public Path log(String logName) {
        return logs.resolve(logName);
    }

    private static void unzip(Path zip, Path target) throws IOException {
        try (InputStream in = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(in)) {
            for (ZipEntry entry; (entry = entries.getNextEntry()) != null; ) {
                Path file = target.resolve(entry.getName()).normalize();
                if (!file.startsWith(target)) {
                    throw new IOException("zip entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(file);
                } else {
                    Files.createDirectories(file.getParent());
                    Files.copy(entries, file, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
