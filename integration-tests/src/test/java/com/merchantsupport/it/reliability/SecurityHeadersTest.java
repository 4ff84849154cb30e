package com.merchantsupport.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.Chromium;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.FormBrowser.Reply;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.InjectHttpServer;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 8, "Security" (1): the realm's pages, the pack's among them, carry a strict Content-Security-Policy and
 * the usual security headers, and the journey still works under that policy in a real Chromium.
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class SecurityHeadersTest {

    static final Map<String, String> EXPECTED = Map.of(
            "X-Frame-Options", "SAMEORIGIN",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains",
            "X-Robots-Tag", "none");

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    @InjectHttpServer
    HttpServer helpCenter;

    /** Directive name → its sources, in order. */
    static Map<String, List<String>> directives(String policy) {
        Map<String, List<String>> parsed = new LinkedHashMap<>();
        for (String directive : policy.split(";")) {
            List<String> words = List.of(directive.trim().split("\\s+"));
            if (!words.get(0).isEmpty()) {
                parsed.put(words.get(0), words.subList(1, words.size()));
            }
        }
        return parsed;
    }

    static void assertStrict(String policy) {
        Map<String, List<String>> csp = directives(policy);
        assertEquals(List.of("'self'"), csp.get("default-src"), policy);
        assertEquals(List.of("'none'"), csp.get("object-src"), policy);
        assertEquals(List.of("'self'"), csp.get("base-uri"), policy);
        assertEquals(List.of("'self'"), csp.get("frame-ancestors"), "exactly 'self': " + policy);
        // keycloak.v2's inline scripts need 'unsafe-inline' (Keycloak 26.7.3 gives them no nonce); nothing more.
        assertEquals(List.of("'self'", "'unsafe-inline'"), csp.get("script-src"), policy);
        assertEquals(List.of("'self'"), csp.get("style-src"), policy);
        assertEquals(List.of("'self'"), csp.get("connect-src"), "ALTCHA fetches its challenge from Keycloak only: " + policy);
        assertEquals(List.of("'self'"), csp.get("worker-src"), "ALTCHA's worker comes from Keycloak, no blob: " + policy);
        assertEquals(List.of("'self'", MerchantRealm.HELP_CENTER_URL), csp.get("form-action"), "the help center receives the redirect after a form: " + policy);
        csp.forEach((name, sources) -> sources.forEach(source -> {
            assertFalse(source.equals("*") || source.equals("http:") || source.equals("https:") || source.equals("'unsafe-eval'")
                    || source.equals("blob:"), name + " " + source + " in " + policy);
            assertFalse(source.equals("data:") && !name.equals("img-src"), name + " allows data: in " + policy);
        }));
    }

    @Test
    void theRealmsPolicyIsStrict() {
        Map<String, String> configured = realm.admin().toRepresentation().getBrowserSecurityHeaders();
        assertStrict(configured.get("contentSecurityPolicy"));
        assertEquals("", configured.getOrDefault("contentSecurityPolicyReportOnly", ""));
    }

    @Test
    void everyPageOfTheJourneyCarriesThem() throws Exception {
        Map<String, Reply> pages = new LinkedHashMap<>();
        String email = Accounts.newEmail("headers");

        FormBrowser browser = new FormBrowser();
        pages.put("sign-in", browser.open(Pages.signIn()).reply());
        pages.put("registration", Journey.openRegistration(browser).reply());
        pages.put("registration refused", browser.submit(Journey.REGISTER_FORM, Map.of("name", "Ada", "email", "not-an-email")).reply());
        pages.put("check your mailbox", Journey.register(browser, "Header Merchant", email).reply());
        pages.put("mailbox: resend", browser.submit(Journey.MAILBOX_FORM, Map.of("action", "resend")).reply());
        String link = Mails.welcomeLink(mail, email);
        pages.put("create your password", browser.open(link).reply());
        pages.put("create your password: refused", browser.submit(Journey.CREATE_PASSWORD_FORM,
                Map.of("password-new", "short", "password-confirm", "short")).reply());
        pages.put("link damaged", new FormBrowser().open(Pages.welcomeOpen("junk")).reply());
        pages.put("new link: wait (resend)", new FormBrowser().post(Pages.welcomeResend(), Map.of("key", Pages.keyOf(link))).reply());
        Reply done = browser.submit(Journey.CREATE_PASSWORD_FORM,
                Map.of("password-new", Journey.PASSWORD, "password-confirm", Journey.PASSWORD)).reply();
        assertTrue(String.valueOf(done.location()).startsWith(MerchantRealm.HELP_CENTER_REDIRECT_URI), done::message);
        pages.put("link used", new FormBrowser().open(link).reply());

        String owner = Accounts.newEmail("headers-owner");
        Accounts.existingMerchant(realm, owner, Journey.PASSWORD);
        pages.put("already used", Journey.register(new FormBrowser(), "Someone", owner).reply());

        List<String> problems = new ArrayList<>();
        pages.forEach((name, reply) -> {
            if (reply.status() >= 500 || !String.valueOf(reply.header("Content-Type")).startsWith("text/html")) {
                problems.add(name + ": not an HTML page (" + reply.statuses() + ")");
                return;
            }
            String policy = reply.header("Content-Security-Policy");
            if (policy == null) {
                problems.add(name + ": no Content-Security-Policy");
            } else {
                try {
                    assertStrict(policy);
                } catch (AssertionError e) {
                    problems.add(name + ": " + e.getMessage());
                }
            }
            EXPECTED.forEach((header, value) -> {
                if (!value.equals(reply.header(header))) {
                    problems.add(name + ": " + header + " = " + reply.header(header));
                }
            });
        });
        assertTrue(problems.isEmpty(), String.join("\n", problems));

        // The challenge is JSON: Keycloak's REST headers, and never cached.
        Reply challenge = new FormBrowser().open(Pages.challenge()).reply();
        assertEquals(200, challenge.status());
        assertEquals("no-store", challenge.header("Cache-Control"));
        EXPECTED.forEach((header, value) -> assertEquals(value, challenge.header(header), "challenge: " + header));
    }

    /** What the page's policy refused, collected in the page itself (listener installed before any script). */
    private static final String COLLECT = "window.__cspViolations = [];"
            + "document.addEventListener('securitypolicyviolation', function (e) {"
            + "  window.__cspViolations.push(e.effectiveDirective + ' blocked ' + (e.blockedURI || '(inline)') + ' at '"
            + "    + (e.sourceFile || location.pathname) + ':' + e.lineNumber);"
            + "}, true);";

    @SuppressWarnings("unchecked")
    private static void collect(ChromeDriver browser, String page, List<String> violations) {
        Object found = browser.executeScript("return window.__cspViolations || ['no collector on this page'];");
        ((List<Object>) found).forEach(v -> violations.add(page + ": " + v));
    }

    @Test
    void theJourneyWorksInChromiumUnderThePolicy() throws InterruptedException {
        String email = Accounts.newEmail("csp-chromium");
        String callback = "/callback/oauth";
        boolean ownCallback = true;
        try {
            helpCenter.createContext(callback, exchange -> {
                byte[] body = "<!doctype html><title>help center</title><p id=arrived>Help center callback</p>"
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
        } catch (IllegalArgumentException taken) {
            ownCallback = false; // another part of the framework already answers there
        }
        ChromeDriver browser = Chromium.start();
        List<String> violations = new ArrayList<>();
        try {
            browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", COLLECT));
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));

            browser.get(Pages.signIn().toString());
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#kc-registration a")));
            collect(browser, "sign-in", violations);
            browser.findElement(By.cssSelector("#kc-registration a")).click();

            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("name")));
            browser.findElement(By.id("name")).sendKeys("Content Policy");
            browser.findElement(By.id("email")).sendKeys(email);
            // The ALTCHA widget fetches, solves in its worker and enables the button: all under the policy.
            wait.until(ExpectedConditions.elementToBeClickable(By.id("kc-submit")));
            collect(browser, "registration", violations);
            browser.findElement(By.id("kc-submit")).click();

            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("merchant-mailbox")));
            collect(browser, "check your mailbox", violations);

            browser.get(Mails.welcomeLink(mail, email));
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("password-new")));
            collect(browser, "create your password", violations);
            browser.findElement(By.id("password-new")).sendKeys(Journey.PASSWORD);
            browser.findElement(By.id("password-confirm")).sendKeys(Journey.PASSWORD);
            browser.findElement(By.id("kc-submit")).click();

            // A form posted to Keycloak, redirected to the help center: form-action must allow it.
            wait.until(d -> d.getCurrentUrl().startsWith(MerchantRealm.HELP_CENTER_URL + callback));
            if (ownCallback) {
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("arrived")));
            }
            assertTrue(browser.getCurrentUrl().contains("code="), browser.getCurrentUrl());

            browser.get(Pages.welcomeOpen("junk"));
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("merchant-link-problem")));
            collect(browser, "link damaged", violations);
            Chromium.screenshot(browser, "reliability-csp-link-damaged");

            // The collector itself works: an inline style attribute is refused by style-src 'self' and reported.
            browser.executeScript("var probe = document.createElement('div'); probe.setAttribute('style', 'color: red');"
                    + "document.body.appendChild(probe);");
            List<String> probe = new ArrayList<>();
            for (int i = 0; i < 20 && probe.isEmpty(); i++) {
                Thread.sleep(100);
                collect(browser, "probe", probe);
            }
            assertTrue(probe.stream().anyMatch(v -> v.contains("style-src")), "the probe's violation was reported: " + probe);
        } catch (RuntimeException e) {
            Chromium.screenshot(browser, "reliability-csp-failed");
            throw new AssertionError("journey under the policy failed at " + browser.getCurrentUrl()
                    + "; violations so far: " + violations, e);
        } finally {
            browser.quit();
            if (ownCallback) {
                helpCenter.removeContext(callback);
            }
        }
        assertTrue(violations.isEmpty(), "the policy blocked something:\n" + String.join("\n", violations));
        assertEquals(1, Accounts.withEmail(realm, email).size());
        assertNotNull(Accounts.one(realm, email).getAttributes().get("merchantJourney"));
        assertEquals(Set.of("completed"), Set.copyOf(Accounts.one(realm, email).getAttributes().get("merchantJourney")));
    }
}
