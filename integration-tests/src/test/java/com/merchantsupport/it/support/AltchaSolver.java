package com.merchantsupport.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.merchantsupport.testkit.AltchaWorker;

/** The realm's ALTCHA challenge, fetched and solved the way the widget does: what a real browser would post. */
public final class AltchaSolver {

    private AltchaSolver() {
    }

    public static String solve(String realm) {
        return solveAt(Pages.base(), realm);
    }

    /** A challenge from the server at {@code base} (one node of a cluster, say), solved. */
    public static String solveAt(String base, String realm) {
        try (FormBrowser widget = new FormBrowser()) {
            widget.open(base + "/realms/" + realm + "/altcha/challenge");
            if (widget.status() != 200) {
                throw new IllegalStateException("challenge endpoint answered " + widget.status());
            }
            return AltchaWorker.solve(widget.reply().body());
        }
    }

    public static String solve(JsonNode challenge) {
        return AltchaWorker.solve(challenge.toString());
    }
}
