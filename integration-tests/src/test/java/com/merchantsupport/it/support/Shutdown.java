package com.merchantsupport.it.support;

/** Tear-down of what a test started itself (nodes, databases, mail servers): one failure does not keep the rest running. */
public final class Shutdown {

    private Shutdown() {
    }

    /** Closes each in order, nulls skipped, going on past a failure. */
    public static void all(AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }
}
