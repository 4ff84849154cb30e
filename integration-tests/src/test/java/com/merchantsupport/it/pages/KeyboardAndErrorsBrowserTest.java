package com.merchantsupport.it.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Texts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;

/**
 * Without a mouse: from the sign-in page to "check your mailbox" with Tab, typing and Enter, every focused
 * element visibly outlined; errors tied to their fields (aria-describedby), in a live region, and the first one
 * focused so it is read out.
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class KeyboardAndErrorsBrowserTest {

    /** What keyboard focus looks like on the focused element: '' when visible, else a description of it. */
    private static final String FOCUS_NOT_VISIBLE = """
            let el = document.activeElement;
            while (el && el.shadowRoot && el.shadowRoot.activeElement) { el = el.shadowRoot.activeElement; }
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

    private Browser browser;

    @AfterEach
    void close() {
        if (browser != null) {
            browser.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"en", "fr"})
    void fromSignInToCheckYourMailboxWithTheKeyboardAlone(String language) {
        browser = new Browser(language);
        String email = Accounts.newEmail("keyboard");
        List<String> unseen = new ArrayList<>();

        browser.signIn();
        tabTo("#kc-registration a", unseen);
        press(Keys.ENTER);

        browser.waitFor("#kc-register-form #name");
        tabTo("#name", unseen);
        type("Ada Keyboard");
        tabTo("#email", unseen);
        type(email);
        browser.captchaDone(); // ALTCHA solves by itself; until then "Connect" is disabled, so not reachable
        tabTo("#kc-submit", unseen);
        press(Keys.ENTER);

        browser.waitFor("#merchant-mailbox");
        assertTrue(browser.find("#merchant-mailbox").getText().contains(Texts.text(language, "merchantMailboxSent", email)), browser.text());
        assertEquals(1, Accounts.withEmail(realm, email).size());
        assertTrue(unseen.isEmpty(), "focus not visible on:\n" + String.join("\n", unseen));
    }

    @Test
    void registrationErrorsAreTiedToTheirFieldsAnnouncedAndFocused() {
        browser = new Browser("en");
        browser.openRegistration();
        browser.connect(); // nothing filled in

        browser.waitFor("#input-error-name");
        for (String field : List.of("name", "email")) {
            var input = browser.find("#" + field);
            assertEquals("true", input.getAttribute("aria-invalid"), field);
            assertTrue(input.getAttribute("aria-describedby").contains("input-error-" + field), field);
            assertFalse(browser.find("#input-error-" + field).findElements(By.xpath("ancestor::*[@aria-live]")).isEmpty(),
                    field + ": its error is in a live region");
        }
        assertEquals(Texts.en("merchantNameMissing"), browser.find("#input-error-name").getText().trim());
        assertEquals("name", focused(), "the first error has the focus, so it is read out");
    }

    @Test
    void aWrongPasswordIsTiedToTheEmailFieldAndFocused() {
        browser = new Browser("en");
        String email = Accounts.newEmail("wrong-password");
        Accounts.existingMerchant(realm, email, "a-Good-password-2026");
        browser.signIn();
        browser.find("#username").sendKeys(email);
        browser.find("#password").sendKeys("not-the-password");
        browser.find("#kc-login").click();

        browser.waitFor("#input-error-username");
        assertTrue(browser.find("#username").getAttribute("aria-describedby").contains("input-error-username"));
        assertEquals("username", focused());
        assertNull(browser.find("#password").getAttribute("aria-invalid"), "no empty aria-invalid left on valid fields");
    }

    @Test
    void aRestartedSignInIsSaidAndFocused() {
        browser = new Browser("en");
        browser.openRegistration().fillRegistration("Restart Merchant", Accounts.newEmail("restart")).captchaDone();
        browser.deleteCookies("AUTH_SESSION_ID"); // Keycloak's restart cookie stays
        browser.find("#kc-submit").click();

        browser.waitFor("#merchant-blocked-hint");
        assertEquals(Texts.en("loginTimeout"), browser.find(".pf-v5-c-login__main-body > .pf-v5-c-alert").getText().trim());
        assertTrue((Boolean) browser.driver.executeScript(
                "return document.activeElement === document.querySelector('.pf-v5-c-login__main-body > .pf-v5-c-alert')"),
                "the message has the focus");
        browser.find("#merchant-blocked-hint summary").click();
        assertTrue(browser.find("#merchant-blocked-hint").getText().contains(Texts.en("merchantBlockedWhy")));
    }

    private void tabTo(String css, List<String> unseen) {
        for (int i = 0; i < 40; i++) {
            press(Keys.TAB);
            String notVisible = (String) browser.driver.executeScript(FOCUS_NOT_VISIBLE);
            if (!notVisible.isEmpty()) {
                unseen.add(notVisible);
            }
            if (Boolean.TRUE.equals(browser.driver.executeScript("return document.activeElement.matches(arguments[0])", css))) {
                return;
            }
        }
        throw new AssertionError("Tab never reached " + css + " on " + browser.driver.getCurrentUrl());
    }

    private void press(CharSequence key) {
        new Actions(browser.driver).sendKeys(key).perform();
    }

    private void type(String text) {
        new Actions(browser.driver).sendKeys(text).perform();
    }

    private String focused() {
        return (String) browser.driver.executeScript("return document.activeElement.id");
    }
}
