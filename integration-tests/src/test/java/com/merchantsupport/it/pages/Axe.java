package com.merchantsupport.it.pages;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * axe-core (Deque's accessibility engine) run inside the page in Chromium. The script comes from the axe-core
 * WebJar on the test classpath; {@code -Daxe.script=/path/to/axe.min.js} runs another build (a newer one from
 * npm, say) instead.
 */
public final class Axe {

    private static final String WEBJAR = "META-INF/maven/org.webjars.npm/axe-core/pom.properties";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String script;
    private static String version;

    private Axe() {
    }

    public static synchronized String version() {
        load();
        return version;
    }

    /** The serious and critical violations on the page as it is now, one line each; empty when none. */
    public static List<String> seriousViolations(ChromeDriver browser) {
        load();
        if (!Boolean.TRUE.equals(browser.executeScript("return typeof window.axe === 'object'"))) {
            browser.executeScript(script);
        }
        Object answer = browser.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, {resultTypes: ['violations']})
                  .then(r => done(JSON.stringify(r.violations)))
                  .catch(e => done('ERROR ' + e));
                """);
        String result = String.valueOf(answer);
        if (result.startsWith("ERROR")) {
            throw new AssertionError("axe-core failed on " + browser.getCurrentUrl() + ": " + result);
        }
        List<String> found = new ArrayList<>();
        try {
            for (JsonNode violation : JSON.readTree(result)) {
                String impact = violation.path("impact").asText();
                if (!impact.equals("serious") && !impact.equals("critical")) {
                    continue;
                }
                List<String> nodes = new ArrayList<>();
                for (JsonNode node : violation.path("nodes")) {
                    nodes.add(node.path("target").toString() + " " + node.path("html").asText());
                }
                found.add(violation.path("id").asText() + " (" + impact + "): " + violation.path("help").asText() + " " + nodes);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return found;
    }

    private static synchronized void load() {
        if (script != null) {
            return;
        }
        try {
            String override = System.getProperty("axe.script");
            if (override != null && !override.isBlank()) {
                script = Files.readString(Path.of(override));
                version = "from " + override;
                return;
            }
            ClassLoader loader = Axe.class.getClassLoader();
            Properties pom = new Properties();
            try (InputStream in = loader.getResourceAsStream(WEBJAR)) {
                if (in == null) {
                    throw new IllegalStateException("the axe-core WebJar is not on the test classpath (integration-tests/pom.xml)");
                }
                pom.load(in);
            }
            version = pom.getProperty("version");
            try (InputStream in = loader.getResourceAsStream("META-INF/resources/webjars/axe-core/" + version + "/axe.min.js")) {
                script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read axe-core", e);
        }
    }

}
