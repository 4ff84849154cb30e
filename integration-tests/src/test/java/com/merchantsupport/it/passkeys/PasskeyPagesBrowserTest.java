package com.merchantsupport.it.passkeys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.merchantsupport.it.pages.Axe;
import com.merchantsupport.it.pages.Shots;
import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.Chromium;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import com.merchantsupport.it.support.Passkeys;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The passkey pages in each of the five languages, in a real Chromium with a virtual authenticator, with the keyboard
 * alone (Tab and Enter, the focus visible at every stop): "Use a passkey instead" on "Create your password", "Create
 * your passkey", the password form again when the browser cannot make a passkey, the passkey made, the link then
 * refused, and "Sign in with a passkey" on the sign-in page. Each page speaks the language with the pack's words,
 * shows the journey's step, and axe-core finds no serious or critical problem on it; English and French are pictured
 * for docs/PAGES.md.
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class PasskeyPagesBrowserTest {

    /** A message key that leaked onto a page instead of its text. */
    private static final Pattern RAW_KEY = Pattern.compile("\\b(?:merchant|captcha)[A-Z]\\w+\\b|\\?\\?\\?|\\bwebauthn-[\\w-]+");
    /** What keyboard focus looks like on the focused element: '' when visible, else a description of it. */
    private static final String FOCUS_NOT_VISIBLE = """
            let el = document.activeElement;
            if (!el || el === document.body) { return 'nothing focused'; }
            const s = getComputedStyle(el);
            const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
            const ring = s.boxShadow && s.boxShadow !== 'none';
            return outline || ring ? '' : el.outerHTML.substring(0, 160);
            """;

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    private final List<String> problems = new ArrayList<>();

    @ParameterizedTest
    @ValueSource(strings = {"en", "fr", "de", "es", "it"})
    void thePasskeyPagesInEveryLanguageWithTheKeyboardAlone(String language) throws Exception {
        String email = address("passkey.merchant", language);
        FormBrowser laptop = Journey.register(new FormBrowser().language(language), "Ada Passkey", email);
        assertTrue(laptop.page().selectFirst("#merchant-mailbox-passkey") != null, "the mailbox page mentions passkeys");
        assertEquals(text(language, "merchantMailboxPasskey"), laptop.page().selectFirst("#merchant-mailbox-passkey").text());
        MimeMessage welcome = mailTo(email);
        assertTrue(Mails.text(welcome).contains(emailText(language, "merchantWelcomePasskey")), "the welcome email mentions passkeys");
        String link = Mails.welcomeLink(welcome);

        ChromeDriver browser = Chromium.start(language);
        try {
            Passkeys.authenticator(browser, true);
            browser.get(link);
            Passkeys.until(browser, ExpectedConditions.visibilityOfElementLocated(By.id("merchant-use-passkey")));
            assertEquals(text(language, "merchantCreatePasswordUsePasskey"), browser.findElement(By.id("merchant-use-passkey")).getText().trim());
            // Pictured by MerchantPagesBrowserTest ("create-password"), which sees the same page.
            page(browser, language, null, "merchantCreatePasswordTitle", "password");

            // "Use a passkey instead", with the keyboard.
            tabTo(browser, "#merchant-use-passkey");
            press(browser, Keys.ENTER);
            Passkeys.until(browser, ExpectedConditions.elementToBeClickable(By.id("registerWebAuthn")));
            assertEquals(text(language, "merchantCreatePasskeyFor", email), browser.findElement(By.id("merchant-passkey-for")).getText().trim());
            page(browser, language, "create-passkey", "merchantCreatePasskeyTitle", "password");

            // A browser that cannot make passkeys: the password form again, saying so.
            browser.executeScript("delete window.PublicKeyCredential;");
            tabTo(browser, "#registerWebAuthn");
            press(browser, Keys.ENTER);
            Passkeys.until(browser, ExpectedConditions.visibilityOfElementLocated(By.id("merchant-create-password-form")));
            assertEquals(text(language, "merchantPasskeyNotCreated"), browser.findElement(By.cssSelector(".pf-v5-c-alert__title")).getText().trim());
            page(browser, language, "create-password-passkey-failed", "merchantCreatePasswordTitle", "password");

            // Again, in a browser that can: the passkey, then the help center.
            tabTo(browser, "#merchant-use-passkey");
            press(browser, Keys.ENTER);
            Passkeys.until(browser, ExpectedConditions.elementToBeClickable(By.id("registerWebAuthn")));
            tabTo(browser, "#registerWebAuthn");
            press(browser, Keys.ENTER);
            Passkeys.acceptLabelPrompt(browser);
            Passkeys.until(browser, d -> MerchantRealm.atHelpCenter(d.getCurrentUrl()));

            // The link again: the passkey exists.
            browser.get(link);
            Passkeys.until(browser, ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#merchant-link-problem[data-problem=used-passkey]")));
            page(browser, language, "link-used-passkey", "merchantLink_used-passkey_title", "welcome");
            browser.manage().deleteAllCookies(); // Keycloak's (this page's): signed out, as another browser would be

            // The sign-in page, where the browser has no passkey autofill: "Sign in with a passkey", with the keyboard.
            browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                    "if (window.PublicKeyCredential) { PublicKeyCredential.isConditionalMediationAvailable = async () => false; }"));
            browser.get(Pages.signIn("ui_locales=" + language).toString());
            Passkeys.until(browser, ExpectedConditions.elementToBeClickable(By.id("authenticateWebAuthnButton")));
            assertEquals(text(language, "webauthn-doAuthenticate"), browser.findElement(By.id("authenticateWebAuthnButton")).getText().trim());
            assertEquals(text(language, "merchantSignInWithPasskey"), browser.findElement(By.id("merchant-passkey-sign-in-title")).getText().trim());
            // Pictured by MerchantPagesBrowserTest ("sign-in"), which sees the same page.
            page(browser, language, null, "merchantSignInTitle", "connect");
            tabTo(browser, "#authenticateWebAuthnButton");
            try {
                press(browser, Keys.ENTER);
            } catch (WebDriverException nothingListens) {
                // The tests' help center URL has no server: the browser is sent there all the same.
            }
            String callback = Passkeys.until(browser, d -> d.getCurrentUrl().startsWith(MerchantRealm.HELP_CENTER_REDIRECT_URI) ? d.getCurrentUrl() : null);
            assertTrue(callback.contains("code="), callback);
        } finally {
            browser.quit();
        }
        assertTrue(problems.isEmpty(), "axe-core " + Axe.version() + " (serious, critical) and keyboard focus, " + language + ":\n"
                + String.join("\n", problems));
    }

    /** The page's language, title and journey step, no key shown raw, no serious axe-core violation; pictured when named. */
    private void page(ChromeDriver browser, String language, String name, String titleKey, String step) {
        String what = name == null ? titleKey : name;
        assertEquals(language, browser.findElement(By.tagName("html")).getAttribute("lang"), what);
        assertEquals(text(language, titleKey), browser.findElement(By.id("kc-page-title")).getText().trim(), what);
        assertEquals(text(language, "merchantJourneyStep_" + step),
                browser.findElement(By.cssSelector(".merchant-journey [aria-current=step] .merchant-journey__label")).getText().trim(), what);
        String shown = browser.findElement(By.tagName("body")).getText();
        Matcher raw = RAW_KEY.matcher(shown);
        assertFalse(raw.find(), what + ": untranslated key on the page:\n" + shown);
        for (String violation : Axe.seriousViolations(browser)) {
            problems.add(what + ": " + violation);
        }
        if (name != null) {
            Shots.page(browser, name, language);
        }
    }

    /** Tab until the element has the focus, checking at each stop that the focus can be seen. */
    private void tabTo(ChromeDriver browser, String css) {
        for (int i = 0; i < 40; i++) {
            press(browser, Keys.TAB);
            String unseen = (String) browser.executeScript(FOCUS_NOT_VISIBLE);
            if (!unseen.isEmpty()) {
                problems.add("focus not visible: " + unseen);
            }
            if (Boolean.TRUE.equals(browser.executeScript("return document.activeElement.matches(arguments[0])", css))) {
                return;
            }
        }
        throw new AssertionError("Tab never reached " + css + " on " + browser.getCurrentUrl());
    }

    private static void press(ChromeDriver browser, CharSequence key) {
        new Actions(browser).sendKeys(key).perform();
    }

    /** One address per language, the same each run (the pictures stay the same). */
    private String address(String who, String language) {
        String email = who + "." + language + "@shop.test";
        for (UserRepresentation user : Accounts.withEmail(realm, email)) {
            realm.admin().users().delete(user.getId()).close();
        }
        realm.cleanup().add(r -> r.users().searchByEmail(email, true).forEach(u -> r.users().delete(u.getId()).close()));
        return email;
    }

    private MimeMessage mailTo(String email) throws InterruptedException {
        for (int i = 0; i < 150; i++) {
            List<MimeMessage> found = Mails.to(mail.getReceivedMessages(), email);
            if (!found.isEmpty()) {
                return found.get(found.size() - 1);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no email to " + email);
    }

    /** What a page shows for a key of the pack's login bundle, in that language (Keycloak reads bundles as UTF-8). */
    private static String text(String language, String key, Object... arguments) {
        return new MessageFormat(bundle("login", language, key), Locale.forLanguageTag(language)).format(arguments);
    }

    private static String emailText(String language, String key) {
        return new MessageFormat(bundle("email", language, key), Locale.forLanguageTag(language)).format(new Object[0]);
    }

    private static String bundle(String type, String language, String key) {
        Path file = Path.of(System.getProperty("project.root", ".."), "themes", "merchant-support", type, "messages",
                "messages_" + language + ".properties");
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String value = properties.getProperty(key);
        if (value == null) {
            throw new AssertionError("no " + key + " in " + file);
        }
        return value;
    }
}
