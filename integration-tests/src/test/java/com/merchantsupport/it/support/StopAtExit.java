package com.merchantsupport.it.support;

import java.util.ArrayList;
import java.util.List;

/**
 * What a test started outside its own JVM (Keycloak nodes, PostgreSQL, the help center stand-in) is stopped when
 * that JVM exits, also when a test dies before its tear-down or the run is interrupted (SIGTERM, Ctrl-C): nothing is
 * left holding ports or data for the next run. A SIGKILLed JVM runs no hook; .ci/run then stops what remains.
 */
public final class StopAtExit {

    private static final List<AutoCloseable> STARTED = new ArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(StopAtExit::stopAll, "stop-started-processes"));
    }

    private StopAtExit() {
    }

    /** Registers a started thing; its close() must tolerate being called again after a normal tear-down. */
    public static synchronized <T extends AutoCloseable> T register(T started) {
        STARTED.add(started);
        return started;
    }

    private static void stopAll() {
        List<AutoCloseable> reversed;
        synchronized (StopAtExit.class) {
            reversed = new ArrayList<>(STARTED);
        }
        java.util.Collections.reverse(reversed);
        Shutdown.all(reversed.toArray(AutoCloseable[]::new));
    }
}
