package com.merchantsupport.it.support;

import java.io.IOException;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.merchantsupport.testkit.AltchaWorker;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * The realm's ALTCHA challenge solved the way the widget does: what a real browser would post. A page's widget
 * starts with the page's own challenge ({@link #solvePage}); the endpoint ({@link #solve(String)}) serves the next
 * ones, after expiry or a failure.
 */
public final class AltchaSolver {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AltchaSolver() {
    }

    /** A challenge fetched from the realm's endpoint, solved: the widget's refetch. */
    public static String solve(String realm) {
        return solveAt(Pages.base(), realm);
    }

    /** A challenge from the endpoint of the server at {@code base} (one node of a cluster, say), solved. */
    public static String solveAt(String base, String realm) {
        return solveFrom(base + "/realms/" + realm + "/altcha/challenge");
    }

    public static String solve(JsonNode challenge) {
        return AltchaWorker.solve(challenge.toString());
    }

    /**
     * What the widget on the page in {@code browser} posts without a request of its own: the page's challenge, solved.
     * A page without one (its {@code challenge} attribute a URL) gets one from that URL, as the widget would.
     */
    public static String solvePage(FormBrowser browser) {
        Document page = browser.page();
        return pageChallenge(page).map(AltchaSolver::solve).orElseGet(() -> solveFrom(widget(page).absUrl("challenge")));
    }

    /** The page's own challenge (the widget's {@code challenge} attribute holds its JSON), or empty. */
    public static Optional<JsonNode> pageChallenge(Document page) {
        String challenge = widget(page).attr("challenge");
        if (!challenge.startsWith("{")) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readTree(challenge));
        } catch (IOException e) {
            throw new AssertionError("the widget's challenge is not JSON: " + challenge, e);
        }
    }

    /** Where the widget asks for its next challenge ({@code data-challenge-url}). */
    public static String challengeUrl(Document page) {
        return widget(page).absUrl("data-challenge-url");
    }

    private static Element widget(Document page) {
        Element widget = page.selectFirst("altcha-widget");
        if (widget == null) {
            throw new AssertionError("no ALTCHA widget on " + page.location() + ":\n" + page.text());
        }
        return widget;
    }

    private static String solveFrom(String url) {
        try (FormBrowser widget = new FormBrowser()) {
            widget.open(url);
            if (widget.status() != 200) {
                throw new IllegalStateException("challenge endpoint answered " + widget.status());
            }
            return AltchaWorker.solve(widget.reply().body());
        }
    }
}
