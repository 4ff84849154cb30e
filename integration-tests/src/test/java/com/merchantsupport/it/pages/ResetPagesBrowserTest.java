package com.merchantsupport.it.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Texts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;

/**
 * "Forgot my password" in a real Chromium, in the five languages: the page with the registration's captcha (ALTCHA
 * solves itself, then "Submit"), and the "please try again later" page (HTTP 429) a second request for the same
 * address within the minute gets. axe-core finds no serious or critical problem on either. Chromium's requests come
 * from 127.0.0.1, whose per-network-address limit the test realm raises; the per-address limit (1 a minute) is the
 * shipped one, so each run types a fresh address.
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class ResetPagesBrowserTest {

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
    @ValueSource(strings = {"en", "fr", "de", "es", "it"})
    void theResetPageCarriesTheCaptchaAndASecondRequestWithinTheMinuteIsAskedToWait(String language) {
        browser = new Browser(language);
        String email = Accounts.newEmail("reset-page-" + language);
        Accounts.existingMerchant(realm, email, "an-old-Password-123");
        List<String> accessibility = new ArrayList<>();

        forgotPassword();
        assertEquals("altcha", browser.find("#kc-reset-password-form #merchant-captcha").getAttribute("data-captcha-provider"));
        browser.captchaDone();
        check("forgot-password-captcha", "emailForgotTitle", accessibility);
        submit(email);
        browser.waitFor("#kc-form-login");
        assertEquals(1, Mails.await(mail, email, 1).size());

        forgotPassword();
        browser.captchaDone();
        submit(email);
        browser.waitFor("#merchant-try-later");
        assertTrue(browser.find("#merchant-try-later").getText().contains(Texts.text(language, "merchantTryLaterWhyReset")),
                browser.text());
        check("forgot-password-try-later", "merchantTryLaterTitle", accessibility);
        assertEquals(1, Mails.count(mail, email), "no second email");

        assertTrue(accessibility.isEmpty(), "axe-core " + Axe.version() + " (serious, critical), " + language + ":\n"
                + String.join("\n", accessibility));
    }

    private void forgotPassword() {
        browser.signIn();
        browser.find("#kc-form-login a[href*='reset-credentials']").click();
        browser.waitFor("#kc-reset-password-form");
    }

    private void submit(String email) {
        browser.find("#username").clear();
        browser.find("#username").sendKeys(email);
        browser.find("#kc-form-buttons").click();
    }

    /** The page's language, title and journey step ("Connect"), no raw message key, axe-core; pictured (en, fr). */
    private void check(String name, String titleKey, List<String> accessibility) {
        String language = browser.language;
        assertEquals(language, browser.find("html").getAttribute("lang"), name);
        String title = browser.title();
        if (!"emailForgotTitle".equals(titleKey)) { // Keycloak's own key: its words, not the pack's bundle
            assertEquals(Texts.text(language, titleKey), title, name);
        }
        assertEquals(Texts.text(language, "merchantJourneyStep_connect"),
                browser.find(".merchant-journey [aria-current=step] .merchant-journey__label").getText().trim(), name);
        assertTrue(!browser.text().matches("(?s).*\\b(?:merchant|captcha)[A-Z]\\w+\\b.*"), name + ": a raw key\n" + browser.text());
        for (String violation : Axe.seriousViolations(browser.driver)) {
            accessibility.add(name + ": " + violation);
        }
        Shots.page(browser.driver, name, language);
    }
}
