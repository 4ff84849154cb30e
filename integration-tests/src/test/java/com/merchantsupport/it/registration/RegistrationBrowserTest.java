package com.merchantsupport.it.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.Chromium;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import com.merchantsupport.it.support.Texts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The seed's slides 1 to 3 in a real Chromium: sign-in, "New on the merchant support center?", Connect, mailbox. */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class RegistrationBrowserTest {

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    private ChromeDriver browser;

    @BeforeEach
    void open() {
        browser = Chromium.start();
    }

    @AfterEach
    void close() {
        browser.quit();
    }

    @Test
    void fromTheSignInPageToCheckYourMailbox() {
        String email = Accounts.newEmail("chromium-register");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));

        browser.get(Pages.signIn().toString());
        Chromium.screenshot(browser, "journey-1-sign-in-en");
        browser.findElement(By.cssSelector("#kc-registration a")).click();

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("name")));
        assertTrue(browser.findElement(By.cssSelector("[aria-current=step]")).getText().contains(Texts.en("merchantJourneyStep_connect")));
        browser.findElement(By.id("name")).sendKeys("Ada Lovelace");
        browser.findElement(By.id("email")).sendKeys(email);
        // "Connect" waits for the captcha, solved in a worker without the merchant doing anything.
        wait.until(ExpectedConditions.elementToBeClickable(By.id("kc-submit")));
        Chromium.screenshot(browser, "journey-2-register-en");
        browser.findElement(By.id("kc-submit")).click();

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("merchant-mailbox")));
        assertTrue(browser.findElement(By.id("merchant-mailbox")).getText().contains(Texts.en("merchantMailboxSent", email)));
        assertTrue(browser.findElement(By.cssSelector("[aria-current=step]")).getText().contains(Texts.en("merchantJourneyStep_mailbox")));
        Chromium.screenshot(browser, "journey-3-check-mailbox-en");
        assertEquals(1, Accounts.withEmail(realm, email).size());
        assertTrue(mail.waitForIncomingEmail(1));
    }
}
