package com.merchantsupport.it.support;

import java.time.Duration;
import java.util.List;

import java.util.function.Function;

import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.Credential;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * A merchant's passkey in a real Chromium: a virtual authenticator (the WebAuthn WebDriver extension, which
 * chromedriver plays through DevTools' WebAuthn domain) standing in for Face ID, a fingerprint or Windows Hello: built
 * into the device, keeps resident keys, verifies its user. The browser's own prompt is the authenticator's answer.
 */
public final class Passkeys {

    private Passkeys() {
    }

    /** The device's authenticator; {@code consenting} false plays a merchant who closes or refuses the prompt. */
    public static VirtualAuthenticator authenticator(ChromeDriver browser, boolean consenting) {
        return browser.addVirtualAuthenticator(new VirtualAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                .setHasResidentKey(true)
                .setHasUserVerification(true)
                .setIsUserVerified(true)
                .setIsUserConsenting(consenting));
    }

    /** The same passkeys on another device: a password manager that syncs them, say. */
    public static void add(List<Credential> passkeys, VirtualAuthenticator to) {
        for (Credential credential : passkeys) {
            to.addCredential(Credential.createResidentCredential(credential.getId(), credential.getRpId(),
                    credential.getPrivateKey(), credential.getUserHandle(), credential.getSignCount()));
        }
    }

    /** On "Create your password": "Use a passkey instead", then the passkey page. */
    public static void usePasskeyInstead(ChromeDriver browser) {
        browser.findElement(By.id("merchant-use-passkey")).click();
        // Enabled once the page's script listens to it.
        until(browser, ExpectedConditions.elementToBeClickable(By.id("registerWebAuthn")));
    }

    /** On "Create your passkey": the button, the browser's prompt (the authenticator), then Keycloak's label prompt. */
    public static void createPasskey(ChromeDriver browser) {
        browser.findElement(By.id("registerWebAuthn")).click();
        acceptLabelPrompt(browser);
    }

    /** Keycloak's script asks for a label once the passkey exists (window.prompt): the proposed one is kept. */
    public static void acceptLabelPrompt(ChromeDriver browser) {
        waitFor(browser).until(ExpectedConditions.alertIsPresent()).accept();
    }

    /** Waits for the condition; a timeout says where the browser is and what it shows. */
    public static <T> T until(ChromeDriver browser, Function<WebDriver, T> condition) {
        return until(browser, Duration.ofSeconds(20), condition);
    }

    public static <T> T until(ChromeDriver browser, Duration within, Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(browser, within).until(condition);
        } catch (TimeoutException e) {
            String body;
            try {
                body = browser.findElement(By.tagName("body")).getText();
            } catch (RuntimeException noPage) {
                body = "(no page: " + noPage.getMessage() + ")";
            }
            throw new AssertionError(e.getMessage() + "\nat " + browser.getCurrentUrl() + ":\n" + body, e);
        }
    }

    private static WebDriverWait waitFor(ChromeDriver browser) {
        return new WebDriverWait(browser, Duration.ofSeconds(20));
    }
}
