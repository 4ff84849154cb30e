package com.merchantsupport.it.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.MailboxStepConfig;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import com.merchantsupport.it.support.RealmSmtp;
import com.merchantsupport.it.support.Texts;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.remote.timeoffset.InjectTimeOffSet;
import org.keycloak.testframework.remote.timeoffset.TimeOffSet;

/**
 * Every merchant-facing page, in each of the five languages, in a real Chromium: the page speaks the language
 * asked by the help center ({@code ui_locales}) with the texts of the pack's bundles, shows where the merchant
 * is in the journey, and axe-core finds no serious or critical accessibility problem on it. English and French
 * pages are pictured in docs/screenshots/ for docs/PAGES.md.
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class MerchantPagesBrowserTest {

    private static final String PASSWORD = "a-Good-password-2026";
    /** A message key that leaked onto a page instead of its text. */
    private static final Pattern RAW_KEY = Pattern.compile("\\b(?:merchant|captcha)[A-Z]\\w+\\b|\\?\\?\\?");

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    @InjectTimeOffSet
    TimeOffSet timeOffSet;

    private Browser browser;
    private final List<String> accessibility = new ArrayList<>();
    private int checkedPages;

    @AfterEach
    void close() {
        timeOffSet.set(0);
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void english() throws Exception {
        everyPage("en");
    }

    @Test
    void french() throws Exception {
        everyPage("fr");
    }

    @Test
    void german() throws Exception {
        everyPage("de");
    }

    @Test
    void spanish() throws Exception {
        everyPage("es");
    }

    @Test
    void italian() throws Exception {
        everyPage("it");
    }

    /** The help center's ui_locales first, then the browser's languages. */
    @Test
    void theLanguageFollowsTheHelpCenterThenTheBrowser() {
        browser = new Browser("de");
        browser.open(Pages.signIn().toString());
        assertEquals(Texts.text("de", "merchantSignInTitle"), browser.title(), "the browser's language");
        assertEquals("de", browser.find("html").getAttribute("lang"));

        browser.open(Pages.signIn("ui_locales=it").toString());
        assertEquals(Texts.text("it", "merchantSignInTitle"), browser.title(), "the help center's ui_locales");
        browser.find("#kc-registration a").click();
        browser.waitFor("#kc-register-form");
        assertEquals(Texts.text("it", "registerTitle"), browser.title(), "kept for the whole sign-up");
    }

    /** The accessibility check finds what it should: a button without a name is a critical violation. */
    @Test
    void axeCoreFindsAProblemWhenThereIsOne() {
        browser = new Browser("en");
        browser.open("data:text/html;charset=utf-8,<html lang=en><title>t</title><main><button></button></main></html>");
        List<String> violations = Axe.seriousViolations(browser.driver);
        assertTrue(violations.stream().anyMatch(v -> v.startsWith("button-name (critical)")), violations.toString());
    }

    private void everyPage(String language) throws Exception {
        browser = new Browser(language);
        String newMerchant = address("ada.lovelace", language);
        String existing = address("grace.hopper", language);
        String late = address("late.merchant", language);
        Accounts.existingMerchant(realm, existing, PASSWORD);

        // Sign in: Google and "New on the merchant support center?" marked at the top; then email and password.
        browser.signIn();
        page("sign-in", "merchantSignInTitle", "connect");
        assertTrue(browser.find("#merchant-sign-in-choices #social-google").isDisplayed(), "Google, marked");
        assertTrue(browser.find("#merchant-sign-in-choices #kc-registration a").getText().contains(Texts.text(language, "noAccount")));
        assertTrue(browser.find("#kc-form-login #username").isDisplayed(), "email and password for returning merchants");

        // Forgot my password
        browser.find("#kc-form-login a[href*='reset-credentials']").click();
        browser.waitFor("#kc-reset-password-form");
        page("forgot-password", null, "connect");
        browser.find("#username").sendKeys(existing);
        browser.captchaDone(); // the registration's captcha, on this page too
        browser.find("#kc-form-buttons").click();
        browser.waitFor("#kc-form-login");
        page("forgot-password-sent", "merchantSignInTitle", "mailbox"); // "you should receive an email shortly"

        // The email's link: a new password, the journey's "Password" step (not sent: the account keeps its password)
        browser.open(Mails.actionTokenLink(Mails.newest(mail, existing))).waitFor("#kc-passwd-update-form");
        assertEquals(Texts.text(language, "merchantNewPasswordIntro"), browser.find("#merchant-new-password-intro").getText().trim());
        page("new-password", null, "password");

        // Registration, then the same page with its errors
        browser.openRegistration().captchaDone();
        page("register", "registerTitle", "connect");
        browser.connect();
        browser.waitFor("#input-error-name");
        browser.captchaDone();
        assertEquals(Texts.text(language, "merchantNameMissing"), browser.find("#input-error-name").getText().trim());
        assertTrue(browser.find("#name").getAttribute("aria-describedby").contains("input-error-name"), "error tied to its field");
        page("register-errors", "registerTitle", "connect");

        // Check your mailbox
        browser.fillRegistration("Ada Lovelace", newMerchant).connect();
        browser.waitFor("#merchant-mailbox");
        assertEquals(Texts.text(language, "merchantMailboxSent", newMerchant), browser.find("#merchant-mailbox-sent").getText().trim());
        page("check-mailbox", "merchantMailboxTitle", "mailbox");
        // "Send the email again" at once: refused by the one-a-minute limit, with how long to wait
        browser.find("#merchant-resend").click();
        browser.waitFor("#merchant-mailbox-wait");
        assertEquals(Texts.text(language, "merchantMailboxLimited"), browser.find("#merchant-mailbox .pf-v5-c-alert__title").getText().trim());
        page("check-mailbox-limited", "merchantMailboxTitle", "mailbox");

        // A mail outage at sign-up: a reload says the email is delayed, and "Send the email again" refused by its
        // limit says so too (not "we just sent you an email"), with how long to wait
        try (var ignored = RealmSmtp.port(realm.admin(), "1")) {
            browser.openRegistration().fillRegistration("Patient Merchant", address("mail.outage", language)).connect();
            browser.waitFor("#merchant-mailbox");
            String mailboxPage = browser.driver.getCurrentUrl();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            while (browser.driver.findElements(org.openqa.selenium.By.id("merchant-mailbox-delayed")).isEmpty()
                    && System.nanoTime() < deadline) {
                Thread.sleep(500);
                // Enter in the address bar: Keycloak's "page has expired", then "continue", the mailbox page again
                browser.open(mailboxPage).waitFor("#merchant-mailbox, #loginContinueLink");
                if (!browser.driver.findElements(org.openqa.selenium.By.id("loginContinueLink")).isEmpty()) {
                    browser.find("#loginContinueLink").click();
                    browser.waitFor("#merchant-mailbox");
                }
            }
            assertEquals(Texts.text(language, "merchantMailboxDelayed"), browser.find("#merchant-mailbox-delayed p").getText().trim());
            page("check-mailbox-delayed", "merchantMailboxTitle", "mailbox");
            browser.find("#merchant-resend").click();
            browser.waitFor("#merchant-mailbox-wait");
            assertEquals(Texts.text(language, "merchantMailboxLimitedDelayed"), browser.find("#merchant-mailbox-delayed p").getText().trim());
            page("check-mailbox-delayed-limited", "merchantMailboxTitle", "mailbox");
        }

        // The registration form sent again once done (the Back button, a second tab): the page has expired,
        // said with a way on; "Continue where I was" is the mailbox page again, and no second email is sent
        String twice = address("twice", language);
        browser.openRegistration().fillRegistration("Twice Merchant", twice).captchaDone();
        String staleForm = browser.find("#kc-register-form").getAttribute("action");
        browser.connect();
        browser.waitFor("#merchant-mailbox");
        browser.driver.executeScript("const f = document.createElement('form'); f.method = 'post'; f.action = arguments[0];"
                + "document.body.appendChild(f); f.submit();", staleForm);
        browser.waitFor("#merchant-page-expired");
        page("page-expired", "merchantPageExpiredTitle", "connect");
        browser.find("#loginContinueLink").click();
        browser.waitFor("#merchant-mailbox");
        assertEquals(1, Mails.await(mail, twice, 1).size(), "one welcome email (sent after the commit: waited for)");

        // Already used
        browser.openRegistration().fillRegistration("Grace Hopper", existing).connect();
        browser.waitFor("#merchant-already-used");
        page("already-used", "merchantAlreadyUsedTitle", "connect");

        // The welcome email, in the same language and look
        MimeMessage welcome = Mails.newest(mail, newMerchant);
        assertEquals(Texts.bundle("email", language).getProperty("merchantWelcomeSubject"), Mails.subject(welcome));
        String link = Mails.welcomeLink(welcome);
        email(welcome, "email-welcome");

        // "Someone tried to register with your email", when the realm keeps accounts private
        try (var ignored = MailboxStepConfig.change(realm, Map.of("alreadyUsedMode", "private"))) {
            int before = Mails.count(mail, existing);
            Journey.register(new FormBrowser().language(language), "Grace Hopper", existing);
            MimeMessage tried = Mails.await(mail, existing, before + 1).get(before); // sent after the commit
            assertEquals(Texts.bundle("email", language).getProperty("merchantSomeoneTriedSubject"), Mails.subject(tried));
            email(tried, "email-someone-tried");
        }

        // Create your password, a mistake first
        browser.open(link).waitFor("#merchant-create-password-form");
        assertTrue(browser.find("#merchant-password-for").getText().contains(newMerchant), "the page names the account's address");
        page("create-password", "merchantCreatePasswordTitle", "password");
        browser.find("#password-new").sendKeys(PASSWORD);
        browser.find("#password-confirm").sendKeys(PASSWORD + "x");
        browser.find("#kc-submit").click();
        browser.waitFor("#input-error-password-confirm");
        assertTrue(browser.find("#password-confirm").getAttribute("aria-describedby").contains("input-error-password-confirm"));
        page("create-password-errors", "merchantCreatePasswordTitle", "password");
        browser.find("#password-new").sendKeys(PASSWORD);
        browser.find("#password-confirm").sendKeys(PASSWORD);
        browser.find("#kc-submit").click();
        // The help center: its callback (this tab still held the sign-up) or its Home URL (a later sign-up took the tab).
        browser.until(d -> MerchantRealm.atHelpCenter(d.getCurrentUrl()));
        browser.deleteAllCookies(); // signed in now: forget it, as another browser would

        // The link again: already used; a damaged link
        browser.open(link).waitFor("#merchant-link-problem[data-problem=used]");
        page("link-used", "merchantLink_used_title", "welcome");
        browser.open(damaged(link)).waitFor("#merchant-link-problem[data-problem=damaged]");
        page("link-damaged", "merchantLink_damaged_title", "mailbox");

        // Blocked: the cookies are gone when "Connect" is pressed (an ad blocker, a privacy setting, deleted)
        browser.openRegistration().fillRegistration("Blocked Merchant", address("blocked", language)).captchaDone();
        browser.deleteAllCookies();
        browser.find("#kc-submit").click();
        browser.waitFor("#merchant-blocked");
        page("blocked-cookies", "merchantBlockedTitle", "connect");
        assertEquals(helpCenterHome(), browser.find("#merchant-reload").getAttribute("href"));

        // Keycloak started again (its sign-in cookie gone, its restart cookie kept): said, with a hint
        browser.openRegistration().fillRegistration("Restarted Merchant", address("restarted", language)).captchaDone();
        browser.deleteCookies("AUTH_SESSION_ID");
        browser.find("#kc-submit").click();
        browser.waitFor("#merchant-blocked-hint");
        assertTrue(browser.text().contains(Texts.text(language, "loginTimeout")), browser.text());
        page("sign-in-restarted", "merchantSignInTitle", "connect");

        // The captcha's script blocked
        browser.blockUrls("*/js/altcha/altcha.js");
        browser.openRegistration();
        browser.until(d -> "error".equals(browser.find("#merchant-captcha").getAttribute("data-captcha-state")));
        assertTrue(browser.find("#merchant-captcha-reload").isDisplayed(), "Reload and connect again");
        page("blocked-captcha", "registerTitle", "connect");
        browser.blockUrls();

        // JavaScript off: said where the captcha would be (axe-core needs JavaScript: not run on this one)
        browser.javaScript(false);
        browser.signIn();
        browser.find("#kc-registration a").click();
        browser.waitFor("#merchant-noscript-reload");
        pageWithoutScript("blocked-no-javascript", "registerTitle", "connect");
        browser.javaScript(true);

        // An expired link (time moved 25 hours on; the default lifespan is 24)
        FormBrowser laptop = new FormBrowser().language(language);
        Journey.register(laptop, "Late Merchant", late);
        String replacedLink = Mails.welcomeLink(mail, late);
        // A link replaced by a newer one: registering again sent another
        try (var ignored = MailboxStepConfig.change(realm, Map.of("resendPerMinute", "10"))) {
            Journey.register(new FormBrowser().language(language), "Late Merchant", late);
        }
        String lateLink = Mails.welcomeLinks(mail, late, 2).get(1);
        browser.open(replacedLink).waitFor("#merchant-link-problem[data-problem=replaced]");
        assertTrue(browser.driver.findElements(org.openqa.selenium.By.id("merchant-new-link")).size() == 1, "a new link is offered");
        page("link-replaced", "merchantLink_replaced_title", "mailbox");
        // "Send me a new link" at once: two emails this minute, one allowed by default; the page says how long to wait
        browser.find("#merchant-new-link").click();
        browser.waitFor("#merchant-link-problem[data-problem=resend-limited]");
        assertEquals(1, browser.driver.findElements(org.openqa.selenium.By.id("merchant-link-wait")).size(), "how long to wait");
        page("link-resend-limited", "merchantLink_resend-limited_title", "mailbox");
        // The newest link, opened 25 hours on (the default lifespan is 24)
        timeOffSet.set(25 * 3600);
        browser.open(lateLink).waitFor("#merchant-link-problem[data-problem=expired]");
        page("link-expired", "merchantLink_expired_title", "mailbox");
        timeOffSet.set(0);

        assertTrue(accessibility.isEmpty(), "axe-core " + Axe.version() + " (serious, critical), " + language + ":\n"
                + String.join("\n", accessibility));
        System.out.println("axe-core " + Axe.version() + ": no serious or critical violation on the " + checkedPages
                + " pages in " + language);
    }

    /** Checks the page's language, title and journey step, runs axe-core, and pictures it. */
    private void page(String name, String titleKey, String step) {
        pageWithoutScript(name, titleKey, step);
        checkedPages++;
        for (String violation : Axe.seriousViolations(browser.driver)) {
            accessibility.add(name + ": " + violation);
        }
    }

    private void pageWithoutScript(String name, String titleKey, String step) {
        String language = browser.language;
        String title = browser.title();
        assertEquals(language, browser.find("html").getAttribute("lang"), name);
        if (titleKey != null) {
            assertEquals(Texts.text(language, titleKey), title, name);
        }
        assertEquals(Texts.text(language, "merchantJourneyStep_" + step),
                browser.find(".merchant-journey [aria-current=step] .merchant-journey__label").getText().trim(), name);
        assertEquals(Texts.text(language, "merchantJourneyLabel"), browser.find("nav.merchant-journey").getAttribute("aria-label"));
        Matcher raw = RAW_KEY.matcher(browser.text());
        boolean leaked = raw.find();
        assertFalse(leaked, leaked ? name + ": untranslated " + raw.group() + "\n" + browser.text() : "");
        Shots.page(browser.driver, name, language);
    }

    /** The HTML part of an email, as a mail app shows it: in the merchant's language, pictured. */
    private void email(MimeMessage message, String name) {
        browser.open("data:text/html;charset=utf-8;base64,"
                + Base64.getEncoder().encodeToString(Mails.html(message).getBytes(StandardCharsets.UTF_8)));
        assertEquals(browser.language, browser.find("html").getAttribute("lang"), name);
        Shots.page(browser.driver, name, browser.language);
    }

    /** One address per page test and language, the same each run (the pictures stay the same). */
    private String address(String who, String language) {
        String email = who + "." + language + "@shop.test";
        for (UserRepresentation user : Accounts.withEmail(realm, email)) {
            realm.admin().users().delete(user.getId()).close();
        }
        realm.cleanup().add(r -> r.users().searchByEmail(email, true).forEach(u -> r.users().delete(u.getId()).close()));
        return email;
    }

    private static String damaged(String link) {
        String tail = link.substring(link.length() - 6);
        String changed = tail.equals("AAAAAA") ? "BBBBBB" : "AAAAAA";
        String result = link.substring(0, link.length() - 6) + changed;
        assertNotEquals(link, result);
        return result;
    }

    /** The help center's home: the merchant-support-center client's base URL (HELP_CENTER_URL in the tests). */
    private String helpCenterHome() {
        String base = realm.admin().clients().findByClientId(MerchantRealm.HELP_CENTER_CLIENT).get(0).getBaseUrl();
        return base.endsWith("/") || base.contains("?") ? base : base + "/";
    }
}
