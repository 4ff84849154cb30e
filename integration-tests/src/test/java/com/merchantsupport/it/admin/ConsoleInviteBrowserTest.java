package com.merchantsupport.it.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.Chromium;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.MailboxStepConfig;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import com.merchantsupport.it.support.Screenshots;
import com.merchantsupport.it.support.Texts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console's own screens, in a real Chromium, as a realm admin uses them for a merchant: "Create user" with an email
 * and a name (the merchant gets the welcome email), "Required user actions" with "Merchant Support: Create your
 * password" saved (a new link), and Credentials → "Credential Reset" → "Send Email" with that action (Keycloak's email,
 * whose link sends the pack's instead). Pictures under target/screenshots/ (docs/screenshots/ when refreshing).
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class ConsoleInviteBrowserTest {

    private static final String CONSOLE = Pages.base() + "/admin/master/console/";
    /** The test framework's bootstrap admin (org.keycloak.testframework.config.Config). */
    private static final String ADMIN = "admin";
    private static final String ACTION_NAME = "Merchant Support: Create your password";

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    private ChromeDriver browser;
    private WebDriverWait wait;
    private MailboxStepConfig manyEmails;
    private final List<String> made = new ArrayList<>();

    @BeforeEach
    void signInToTheConsole() {
        manyEmails = MailboxStepConfig.change(realm, Map.of("resendPerMinute", "10", "resendPerHour", "100"));
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
        manyEmails.close();
        made.forEach(id -> {
            try {
                realm.admin().users().get(id).remove();
            } catch (jakarta.ws.rs.NotFoundException gone) {
                // removed already
            }
        });
    }

    @Test
    void createUserWithAnEmailAndANameInvitesTheMerchant() {
        String email = Accounts.newEmail("console-invite");
        open("#/" + MerchantRealm.NAME + "/users/add-user");
        WebElement emailField = waitFor("the create-user form", ExpectedConditions.visibilityOfElementLocated(By.id("email")));
        emailField.sendKeys(email);
        browser.findElement(By.id("name")).sendKeys("Console Merchant");
        save("console-create-user");
        press(By.cssSelector("[data-testid='user-creation-save']"));
        waitFor("the created user", d -> body().contains("The user has been created"));

        String link = Mails.welcomeLink(Mails.newest(mail, email));
        UserRepresentation user = Accounts.one(realm, email);
        made.add(user.getId());
        assertEquals(List.of("merchant-create-password"), user.getRequiredActions());
        // The details page the console shows next: the required action the invite set.
        open("#/" + MerchantRealm.NAME + "/users/" + user.getId() + "/settings");
        waitFor("the merchant's details", d -> body().contains(ACTION_NAME));
        save("console-invited-merchant");

        FormBrowser merchant = new FormBrowser().open(link);
        Journey.createPassword(merchant);
        Journey.signInAgainFromHome(merchant, "console-invite-state");
    }

    @Test
    void requiredUserActionsSavedWithTheActionSendsANewLink() throws Exception {
        String email = Accounts.newEmail("console-action");
        Journey.register(new FormBrowser(), "Console Action", email);
        String first = Mails.welcomeLink(Mails.newest(mail, email));
        UserRepresentation user = Accounts.one(realm, email);
        made.add(user.getId());
        user.setRequiredActions(List.of());
        realm.admin().users().get(user.getId()).update(user);

        open("#/" + MerchantRealm.NAME + "/users/" + user.getId() + "/settings");
        pickAction(waitFor("the merchant's details", ExpectedConditions.visibilityOfElementLocated(By.cssSelector("input[placeholder='Select action']"))));
        save("console-required-user-actions");
        press(By.cssSelector("[data-testid='user-creation-save']"));
        waitFor("the saved user", d -> body().contains("The user has been saved"));

        String second = Mails.welcomeLinks(mail, email, 2).get(1);
        assertEquals(Mails.generation(first) + 1, Mails.generation(second));
        assertEquals(410, new FormBrowser().open(first).status());
    }

    @Test
    void sendEmailWithTheActionNeverGivesASecondLiveLink() throws Exception {
        String email = Accounts.newEmail("console-send-email");
        Journey.register(new FormBrowser(), "Console Send Email", email);
        String first = Mails.welcomeLink(Mails.newest(mail, email));
        String id = Accounts.one(realm, email).getId();
        made.add(id);

        open("#/" + MerchantRealm.NAME + "/users/" + id + "/credentials");
        WebElement reset = waitFor("the credentials tab", ExpectedConditions.elementToBeClickable(
                By.xpath("//button[normalize-space()='Credential Reset']")));
        reset.click();
        WebElement dialog = waitFor("the credential reset dialog", ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='credential-reset-modal']")));
        pickAction(dialog.findElement(By.cssSelector("input[placeholder='Select action']")));
        save("console-send-email");
        press(By.xpath("//*[@role='dialog']//button[normalize-space()='Send Email']"));
        waitFor("the sent email", d -> body().contains("Email sent to user."));

        String keycloakLink = Mails.actionTokenLink(Mails.await(mail, email, 2).get(1));
        FormBrowser merchant = new FormBrowser().open(keycloakLink);
        if (merchant.page().selectFirst("a[href*='login-actions/action-token']") != null) {
            merchant.open(merchant.link("a[href*='login-actions/action-token']"));
        }
        assertNull(merchant.page().selectFirst(Journey.CREATE_PASSWORD_FORM), merchant.text());
        assertTrue(merchant.text().contains(Texts.en("merchantLink_resent_text")), merchant.text());
        String packs = Mails.welcomeLink(Mails.await(mail, email, 3).get(2));
        assertEquals(410, new FormBrowser().open(first).status());
        Journey.createPassword(new FormBrowser().open(packs));
        assertEquals(1, Accounts.credentials(realm, id).size());
    }

    /** "Merchant Support: Create your password" in a required-actions select (typeahead, multi). */
    private void pickAction(WebElement select) {
        select.click();
        select.sendKeys("Merchant");
        WebElement option = waitFor("the pack's required action in the list", ExpectedConditions.elementToBeClickable(
                By.xpath("//*[@role='option'][contains(normalize-space(.), '" + ACTION_NAME + "')]")));
        option.click();
        waitFor("the action chosen", ExpectedConditions.visibilityOfElementLocated(
                By.xpath("//*[contains(@class, 'c-chip')][contains(normalize-space(.), '" + ACTION_NAME + "')]")));
    }

    /** A click that an open select's menu over the button cannot take. */
    private void press(By button) {
        browser.executeScript("arguments[0].click();", waitFor("the button " + button, ExpectedConditions.presenceOfElementLocated(button)));
    }

    /** A console page by its address, loaded afresh (as from a bookmark). */
    private void open(String route) {
        browser.get(CONSOLE + route);
        browser.navigate().refresh();
    }

    /** Waits generously (a cold console on two cores is slow); on a timeout, shows what the browser shows. */
    private <T> T waitFor(String what, Function<? super WebDriver, T> condition) {
        try {
            return wait.until(condition);
        } catch (TimeoutException e) {
            Path shot = Chromium.screenshot(browser, "console-invite-timeout");
            throw new AssertionError("no " + what + " after 90 s at " + browser.getCurrentUrl() + " (screenshot " + shot + "):\n"
                    + body(), e);
        }
    }

    /** The page's text now ("" while the console replaces it). */
    private String body() {
        try {
            return browser.findElement(By.tagName("body")).getText();
        } catch (org.openqa.selenium.StaleElementReferenceException rerendered) {
            return "";
        }
    }

    private void save(String name) {
        Screenshots.save(name + ".png", browser.getScreenshotAs(OutputType.BYTES));
    }
}
