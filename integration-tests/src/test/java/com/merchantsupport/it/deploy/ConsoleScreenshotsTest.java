package com.merchantsupport.it.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import com.merchantsupport.it.support.Screenshots;
import com.merchantsupport.it.support.Chromium;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.AuthenticationFlowRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.realm.ManagedRealm;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What a realm admin finds in the admin console, in a real Chromium: the sign-up flow with the pack's
 * steps, the "check your mailbox" step's settings, the help center's client. The screenshots go to
 * docs/screenshots/ for the deployer guide. Only the names on the pages are asserted, never the looks.
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class ConsoleScreenshotsTest {

    private static final String CONSOLE = Pages.base() + "/admin/master/console/";
    /** The test framework's bootstrap admin (org.keycloak.testframework.config.Config). */
    private static final String ADMIN = "admin";
    private static final String MAILBOX_STEP = "Merchant Support: Check your mailbox";

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    private ChromeDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void signInToTheConsole() {
        browser = Chromium.start("en");
        wait = new WebDriverWait(browser, Duration.ofSeconds(90));
        browser.get(CONSOLE);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys(ADMIN);
        browser.findElement(By.id("password")).sendKeys(ADMIN);
        browser.findElement(By.id("kc-login")).click();
        waitFor("the console after signing in", ExpectedConditions.presenceOfElementLocated(By.tagName("nav")));
    }

    @AfterEach
    void closeBrowser() {
        browser.quit();
    }

    @Test
    void theRegistrationFlowAndTheMailboxStepSettings() {
        String flowId = realm.admin().flows().getFlows().stream()
                .filter(f -> f.getAlias().equals("merchant registration")).map(AuthenticationFlowRepresentation::getId)
                .findFirst().orElseThrow();
        // The realm's registration flow: "Used by: default" in the console.
        open("#/" + MerchantRealm.NAME + "/authentication/" + flowId + "/DEFAULT");
        waitFor("the registration flow", ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='" + MAILBOX_STEP + "']")));
        assertShows("merchant registration", MAILBOX_STEP, "Merchant Support: Name and email", "Merchant Support: Captcha");
        save("console-registration-flow");

        browser.findElement(By.xpath("//tr[.//*[@data-testid='" + MAILBOX_STEP + "']]//button[@aria-label='Settings']")).click();
        WebElement dialog = waitFor("the step's settings", ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[role='dialog']")));
        waitFor("the step's settings", d -> dialog.getText().contains("Welcome link lifespan"));
        for (String setting : List.of("Email already used", "Welcome link lifespan (seconds)", "Emails per email address (minute)",
                "Emails per email address (hour)", "'Someone tried to register' emails per hour",
                "Sign-ups per network address (10 minutes)", "Journey emails of the realm (hour)")) {
            assertTrue(dialog.getText().contains(setting), setting + " in:\n" + dialog.getText());
        }
        save("console-check-your-mailbox-settings");
    }

    @Test
    void theHelpCenterClient() {
        String clientId = realm.admin().clients().findByClientId(MerchantRealm.HELP_CENTER_CLIENT).get(0).getId();
        // Tall enough for the whole settings page: capability config, login and logout settings.
        browser.manage().window().setSize(new Dimension(1280, 3000));
        open("#/" + MerchantRealm.NAME + "/clients/" + clientId + "/settings");
        waitFor("the client's settings", d -> body().contains("Logout settings"));
        assertShows(MerchantRealm.HELP_CENTER_CLIENT, "Standard flow", "Backchannel logout URL");
        save("console-help-center-client");
    }

    /**
     * A console page by its address, loaded afresh (as from a bookmark): a hash change alone leaves the
     * console talking to the realm it showed before.
     */
    private void open(String route) {
        browser.get(CONSOLE + route);
        browser.navigate().refresh();
    }

    /** Waits generously (a cold console on two cores is slow); on a timeout, shows what the browser shows. */
    private <T> T waitFor(String what, Function<? super WebDriver, T> condition) {
        try {
            return wait.until(condition);
        } catch (TimeoutException e) {
            Path shot = Chromium.screenshot(browser, "console-timeout");
            Object requests = browser.executeScript(
                    "return performance.getEntriesByType('resource').filter(e => e.responseStatus >= 400).map(e => e.responseStatus + ' ' + e.name).join('\\n')");
            throw new AssertionError("no " + what + " after 90 s at " + browser.getCurrentUrl() + " (screenshot " + shot + "):\n"
                    + body() + "\nfailed requests:\n" + requests, e);
        }
    }

    private String body() {
        return browser.findElement(By.tagName("body")).getText();
    }

    private void assertShows(String... names) {
        String text = body();
        for (String name : names) {
            assertTrue(text.contains(name), name + " on the page:\n" + text);
        }
    }

    private void save(String name) {
        Screenshots.save(name + ".png", browser.getScreenshotAs(OutputType.BYTES));
    }
}
