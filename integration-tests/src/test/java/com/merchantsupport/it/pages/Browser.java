package com.merchantsupport.it.pages;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.merchantsupport.it.support.Chromium;
import com.merchantsupport.it.support.Pages;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** A merchant's Chromium (support/Chromium.java) with the few moves the page tests repeat. */
final class Browser implements AutoCloseable {

    final ChromeDriver driver;
    final String language;

    Browser(String language) {
        this.language = language;
        this.driver = Chromium.start(language);
    }

    /** The help center's sign-in page, asked in this browser's language ({@code ui_locales}). */
    Browser signIn() {
        return open(Pages.signIn("ui_locales=" + language).toString());
    }

    Browser open(String url) {
        driver.get(url);
        return this;
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    WebElement waitFor(String css) {
        return until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    <T> T until(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(30)).until(condition);
    }

    /** Sign-in page, then "New on the merchant support center?". */
    Browser openRegistration() {
        signIn();
        find("#kc-registration a").click();
        waitFor("#kc-register-form #email");
        return this;
    }

    /** The ALTCHA widget solves by itself; "Connect" waits for it. */
    Browser captchaDone() {
        until(d -> "verified".equals(d.findElement(By.id("merchant-captcha")).getAttribute("data-captcha-state")));
        return this;
    }

    Browser fillRegistration(String name, String email) {
        find("#name").clear();
        find("#name").sendKeys(name);
        find("#email").clear();
        find("#email").sendKeys(email);
        return this;
    }

    void connect() {
        captchaDone();
        find("#kc-submit").click();
    }

    String title() {
        return waitFor("#kc-page-title").getText().trim();
    }

    String text() {
        return find("body").getText();
    }

    /** All cookies of every site, as "delete your cookies" does. */
    void deleteAllCookies() {
        driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
    }

    /** Only the cookies whose name starts so (Keycloak's AUTH_SESSION_ID, say), on every site. */
    @SuppressWarnings("unchecked")
    void deleteCookies(String namePrefix) {
        Map<String, Object> all = driver.executeCdpCommand("Network.getAllCookies", Map.of());
        for (Map<String, Object> cookie : (List<Map<String, Object>>) all.get("cookies")) {
            String name = (String) cookie.get("name");
            if (name.startsWith(namePrefix)) {
                driver.executeCdpCommand("Network.deleteCookies", Map.of("name", name, "domain", cookie.get("domain"),
                        "path", cookie.get("path")));
            }
        }
    }

    /** What an ad blocker does to a script: the request fails. */
    void blockUrls(String... patterns) {
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of(patterns)));
    }

    void javaScript(boolean on) {
        driver.executeCdpCommand("Emulation.setScriptExecutionDisabled", Map.of("value", !on));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
