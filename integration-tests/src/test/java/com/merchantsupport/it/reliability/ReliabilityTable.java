package com.merchantsupport.it.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bad-input table as markdown: what was sent where, what was expected, what the server answered. One table for
 * all the {@code BadInput*Test} classes of a run, rewritten to {@code integration-tests/target/reliability-table.md}
 * after each of them; docs/RELIABILITY.md holds a reviewed copy.
 */
final class ReliabilityTable {

    record Row(String id, String endpoint, String input, String expected, String observed, String result) {
    }

    /** By case id: a case run again (a rerun of its class) replaces its row. */
    private final Map<String, Row> rows = new TreeMap<>();

    synchronized void add(Row row) {
        rows.put(row.id(), row);
    }

    static Path file(String name) {
        return Path.of(System.getProperty("screenshots.dir", "target/screenshots")).resolveSibling(name);
    }

    synchronized void write(Path file) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("| # | Case | Endpoint | Input | Expected | Observed (status: message) | Result |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        List<Row> sorted = List.copyOf(rows.values());
        for (Row r : sorted) {
            md.append("| ").append(cell(r.id().substring(0, 3))).append(" | ").append(cell(r.id().substring(4)))
                    .append(" | ").append(cell(r.endpoint())).append(" | ").append(cell(r.input()))
                    .append(" | ").append(cell(r.expected())).append(" | ").append(cell(r.observed()))
                    .append(" | ").append(cell(r.result())).append(" |\n");
        }
        long pinned = sorted.stream().filter(r -> r.result().startsWith("pass (pinned)")).count();
        md.append("\n").append(sorted.size()).append(" cases: ")
                .append(sorted.stream().filter(r -> r.result().equals("pass")).count()).append(" passed")
                .append(pinned == 0 ? "" : ", " + pinned + " pinned (a Keycloak defect, its current answer asserted)")
                .append(", ").append(sorted.stream().filter(r -> r.result().equals("FAIL")).count()).append(" failed")
                .append(", ").append(sorted.stream().filter(r -> r.result().equals("skipped")).count()).append(" skipped.\n");
        Files.createDirectories(file.getParent());
        Files.writeString(file, md.toString());
    }

    /** Markdown-safe: no pipes, no line breaks, control and bidi characters shown by their code. */
    static String cell(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (cp == '\r') {
                out.append("\\r");
            } else if (cp == '\n') {
                out.append("\\n");
            } else if (cp == '|') {
                out.append("\\|");
            } else if (cp == '<') {
                out.append("&lt;");
            } else if (cp == '>') {
                out.append("&gt;");
            } else if (Character.getType(cp) == Character.CONTROL || Character.getType(cp) == Character.FORMAT) {
                out.append(String.format("U+%04X", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }
}
