package com.merchantsupport.it.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

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
import org.keycloak.testframework.realm.ManagedRealm;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/** What a merchant sees first, in a real Chromium. */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class SignInPageBrowserTest {

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    private ChromeDriver browser;

    @BeforeEach
    void openBrowser() {
        browser = Chromium.start();
    }

    @AfterEach
    void closeBrowser() {
        browser.quit();
    }

    @Test
    void merchantSeesTheSignInPageWithTheWayToRegister() throws Exception {
        browser.get(Pages.signIn().toString());

        String page = browser.findElement(By.tagName("body")).getText();
        assertTrue(page.contains(Texts.en("noAccount")), page);
        assertTrue(browser.findElement(By.id("username")).isDisplayed(), "email field");
        assertEquals("en", browser.findElement(By.tagName("html")).getAttribute("lang"));

        Path shot = Chromium.screenshot(browser, "sign-in-en");
        assertTrue(Files.size(shot) > 1000, "screenshot saved");
    }
}
