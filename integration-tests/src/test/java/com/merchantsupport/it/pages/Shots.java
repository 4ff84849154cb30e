package com.merchantsupport.it.pages;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.merchantsupport.it.support.Screenshots;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Pictures of the pages for docs/PAGES.md: the whole page (not just the window), English and French, written
 * as NAME-LANG.png under target/screenshots/ (and docs/screenshots/ when refreshing, see {@link Screenshots}).
 * Other languages are visited and checked, not pictured.
 */
public final class Shots {

    static final java.util.Set<String> PICTURED = java.util.Set.of("en", "fr");

    private Shots() {
    }

    /**
     * The page's card (title, steps, content) with a margin of the background around it; null for a page
     * without one (an email). Read through DevTools, so it works with the page's JavaScript off too.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> card(ChromeDriver browser) {
        Map<String, Object> document = browser.executeCdpCommand("DOM.getDocument", Map.of("depth", 0));
        Object root = ((Map<String, Object>) document.get("root")).get("nodeId");
        List<Number> main = border(browser, root, "main.pf-v5-c-login__main");
        List<Number> header = border(browser, root, "#kc-header");
        if (main == null) {
            return null;
        }
        double margin = 24;
        double left = main.get(0).doubleValue() - margin;
        double right = main.get(4).doubleValue() + margin;
        double top = (header == null ? main : header).get(1).doubleValue() - margin;
        double bottom = main.get(5).doubleValue() + margin;
        return Map.of("x", Math.max(0, left), "y", Math.max(0, top), "width", right - Math.max(0, left),
                "height", bottom - Math.max(0, top), "scale", 1);
    }

    /** The corners of an element's border box (x1, y1, ... x4, y4), or null when there is none. */
    @SuppressWarnings("unchecked")
    private static List<Number> border(ChromeDriver browser, Object root, String selector) {
        Number node = (Number) browser.executeCdpCommand("DOM.querySelector", Map.of("nodeId", root, "selector", selector))
                .get("nodeId");
        if (node == null || node.intValue() == 0) {
            return null;
        }
        Map<String, Object> box = browser.executeCdpCommand("DOM.getBoxModel", Map.of("nodeId", node));
        return (List<Number>) ((Map<String, Object>) box.get("model")).get("border");
    }

    /** Saves the page when the language is pictured; returns the file, or null. */
    @SuppressWarnings("unchecked")
    public static Path page(ChromeDriver browser, String name, String language) {
        if (!PICTURED.contains(language)) {
            return null;
        }
        // The whole page in one viewport as tall as the page, so fixed backgrounds reach the bottom.
        Map<String, Object> metrics = browser.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        Map<String, Object> size = (Map<String, Object>) metrics.get("cssContentSize");
        int width = (int) Math.ceil(((Number) size.get("width")).doubleValue());
        int height = (int) Math.ceil(((Number) size.get("height")).doubleValue());
        Map<String, Object> shot;
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
        try {
            Map<String, Object> clip = card(browser);
            shot = browser.executeCdpCommand("Page.captureScreenshot", clip == null
                    ? Map.of("format", "png")
                    : Map.of("format", "png", "clip", clip));
        } finally {
            browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
        byte[] png = Base64.getDecoder().decode((String) shot.get("data"));
        return Screenshots.save(name + "-" + language + ".png", png);
    }
}
