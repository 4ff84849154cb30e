package com.merchantsupport.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * What the summary reads: per run of a scenario (one "population": phase, variant, round), the wall time of
 * each measured operation in nanoseconds and the window from its first operation's start to its last one's
 * end (throughput = operations / window). Gatling's own report keeps every request; this keeps the
 * operations the targets talk about (a registration submit with its redirects, a whole onboarding).
 */
final class Recorder {

    static final class Run {
        final String phase;
        final String variant;
        final int round;
        final int users;
        final int expected;
        final List<Long> nanos = new ArrayList<>();
        /** The wall time of named steps inside the operations (the sign-in's page, submit, token). */
        final Map<String, List<Long>> parts = new LinkedHashMap<>();
        long firstStart = Long.MAX_VALUE;
        /**
         * CPU nanoseconds of the server's and the load generator's processes (every thread) when the first operation
         * started and when the last one ended: the same window as the throughput's (-1: not measured).
         */
        long[] cpuAtStart;
        long[] cpuAtEnd;
        /** The server's CPU nanoseconds by thread (Server.threadCpuNanos) at the first start and the last end. */
        Map<String, Long> threadsAtStart;
        Map<String, Long> threadsAtEnd;
        long lastEnd = Long.MIN_VALUE;
        int failures;

        Run(String phase, String variant, int round, int users, int expected) {
            this.expected = expected;
            this.phase = phase;
            this.variant = variant;
            this.round = round;
            this.users = users;
        }
    }

    private static final Map<String, Run> RUNS = new ConcurrentHashMap<>();
    private static final Map<String, Object> FACTS = new ConcurrentHashMap<>();
    private static final List<String> ORDER = new ArrayList<>();

    private Recorder() {
    }

    static String key(String phase, String variant, int round) {
        return phase + "/" + variant + "#" + round;
    }

    static synchronized void declare(String phase, String variant, int round, int users, int expected) {
        String key = key(phase, variant, round);
        RUNS.put(key, new Run(phase, variant, round, users, expected));
        ORDER.add(key);
    }

    /** Marks the start of an iteration (the throughput window opens at the first one). */
    static void start(String key, long start) {
        Run run = RUNS.get(key);
        synchronized (run) {
            if (run.cpuAtStart == null) {
                run.cpuAtStart = Server.cpuNanos();
                run.threadsAtStart = Server.threadCpuNanos();
            }
            run.firstStart = Math.min(run.firstStart, start);
        }
    }

    static void operation(String key, long start, long end) {
        Run run = RUNS.get(key);
        synchronized (run) {
            run.nanos.add(end - start);
            if (end >= run.lastEnd) {
                run.cpuAtEnd = Server.cpuNanos();
            }
            run.lastEnd = Math.max(run.lastEnd, end);
            if (run.nanos.size() + run.failures >= run.expected) { // the last one: read every thread once, not per operation
                run.threadsAtEnd = Server.threadCpuNanos();
            }
        }
    }

    static void part(String key, String name, long nanos) {
        Run run = RUNS.get(key);
        synchronized (run) {
            run.parts.computeIfAbsent(name, n -> new ArrayList<>()).add(nanos);
        }
    }

    static void failure(String key, String why) {
        Run run = RUNS.get(key);
        synchronized (run) {
            run.failures++;
        }
        System.err.println("[bench] failure in " + key + ": " + why);
    }

    static void fact(String name, Object value) {
        FACTS.put(name, value);
        System.out.println("[bench] " + name + " = " + value);
    }

    static Map<String, Object> facts() {
        return FACTS;
    }

    static int failures() {
        return RUNS.values().stream().mapToInt(r -> r.failures).sum();
    }

    private static long cpuDelta(Run run, int process) {
        if (run.cpuAtStart == null || run.cpuAtEnd == null || run.cpuAtStart[process] < 0 || run.cpuAtEnd[process] < 0) {
            return -1;
        }
        return run.cpuAtEnd[process] - run.cpuAtStart[process];
    }

    static synchronized void write(Path file) throws IOException {
        List<Map<String, Object>> runs = new ArrayList<>();
        for (String key : ORDER) {
            Run run = RUNS.get(key);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("phase", run.phase);
            json.put("variant", run.variant);
            json.put("round", run.round);
            json.put("users", run.users);
            json.put("count", run.nanos.size());
            json.put("expected", run.expected);
            json.put("failures", run.failures);
            json.put("windowNanos", run.nanos.isEmpty() ? 0 : run.lastEnd - run.firstStart);
            json.put("serverCpuNanos", cpuDelta(run, 0));
            json.put("clientCpuNanos", cpuDelta(run, 1));
            if (run.threadsAtStart != null && run.threadsAtEnd != null && !run.threadsAtEnd.isEmpty()) {
                Map<String, Long> threads = new java.util.TreeMap<>();
                // by group, the threads alive at the end only (from 0 if born in the window)
                run.threadsAtEnd.forEach((thread, nanos) -> threads.merge(thread.substring(thread.indexOf(' ') + 1),
                        nanos - run.threadsAtStart.getOrDefault(thread, 0L), Long::sum));
                json.put("serverThreadCpuNanos", threads);
            }
            json.put("nanos", run.nanos);
            if (!run.parts.isEmpty()) {
                json.put("parts", run.parts);
            }
            runs.add(json);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("facts", new LinkedHashMap<>(FACTS));
        root.put("runs", runs);
        Files.createDirectories(file.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
    }
}
