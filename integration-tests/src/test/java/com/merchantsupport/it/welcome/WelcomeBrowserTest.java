package com.merchantsupport.it.welcome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.AltchaSolver;
import com.merchantsupport.it.support.Chromium;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.HelpCenterStandIn;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Texts;
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

/**
 * From the email's link to "Welcome, NAME!" at the help center, in a real Chromium (another browser than the one
 * that registered). The link replays nothing of the laptop's sign-in: Keycloak sends the phone to the help center's
 * Home URL, the stand-in starts its own sign-in there (its own state, kept in the phone's cookie), and its callback
 * accepts only that state, so reaching "Welcome" shows the callback carried the phone's own state.
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class WelcomeBrowserTest {

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    @Test
    void fromTheEmailLinkToWelcomeAtTheHelpCenter() throws Exception {
        try (HelpCenterStandIn helpCenter = HelpCenterStandIn.start(realm)) {
            String email = Accounts.newEmail("chromium");
            // Registered on a laptop, without JavaScript...
            FormBrowser laptop = new FormBrowser().open(HelpCenterStandIn.URL + "/register");
            laptop.submit(Journey.REGISTER_FORM, Map.of("name", "Hedy Lamarr", "email", email,
                    "altcha", AltchaSolver.solvePage(laptop)));
            assertTrue(laptop.text().contains(Texts.en("merchantMailboxTitle")), laptop.text());
            String link = Mails.welcomeLink(mail, email);

            // ...and finished on another device, the mail app's browser.
            ChromeDriver phone = Chromium.start();
            try {
                phone.get(link);
                WebDriverWait wait = new WebDriverWait(phone, Duration.ofSeconds(20));
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("password-new")));
                assertEquals(Texts.en("merchantCreatePasswordTitle"), phone.findElement(By.id("kc-page-title")).getText().trim());
                assertEquals(Texts.en("merchantCreatePasswordFor", email), phone.findElement(By.id("merchant-password-for")).getText().trim());
                Chromium.screenshot(phone, "create-password-en");

                phone.findElement(By.id("password-new")).sendKeys(Journey.PASSWORD);
                phone.findElement(By.id("password-confirm")).sendKeys(Journey.PASSWORD);
                phone.findElement(By.id("kc-submit")).click();

                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "Welcome, Hedy Lamarr!"));
                assertTrue(phone.getCurrentUrl().startsWith(HelpCenterStandIn.URL), phone.getCurrentUrl());
                Chromium.screenshot(phone, "help-center-welcome-en");
            } finally {
                phone.quit();
            }
        }
    }
}
