package com.merchantsupport.it.passkeys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.AltchaSolver;
import com.merchantsupport.it.support.Chromium;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.HelpCenterStandIn;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Passkeys;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.virtualauthenticator.Credential;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;

/**
 * "Use a passkey instead", in real Chromiums with a virtual authenticator: the merchant registers on a laptop, opens
 * the welcome link on a phone, creates a passkey there and lands on "Welcome, NAME!" at the help center stand-in;
 * then browsers that never saw the journey, holding the same passkey, sign in with it alone: with the "Sign in with a
 * passkey" button, and through the email field's autofill. A prompt the merchant never confirms, and a browser
 * without passkeys, bring back the password form, whose password still works.
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class PasskeyBrowserTest {

    private static final String PASSWORD = "a-Good-password-2026";

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    @Test
    void aPasskeyMadeFromTheWelcomeLinkSignsInAtTheHelpCenterAndLaterAloneInAnotherBrowser() throws Exception {
        try (HelpCenterStandIn helpCenter = HelpCenterStandIn.start(realm)) {
            String email = Accounts.newEmail("passkey");
            String link = registerOnTheLaptop("Grace Passkey", email);

            ChromeDriver phone = Chromium.start();
            List<Credential> passkeys;
            try {
                VirtualAuthenticator faceId = Passkeys.authenticator(phone, true);
                phone.get(link);
                Passkeys.until(phone, ExpectedConditions.visibilityOfElementLocated(By.id("merchant-use-passkey")));
                Passkeys.usePasskeyInstead(phone);
                assertEquals("Create your passkey", phone.findElement(By.id("kc-page-title")).getText().trim());
                assertEquals("Create a passkey for " + email, phone.findElement(By.id("merchant-passkey-for")).getText().trim());
                Passkeys.createPasskey(phone);

                Passkeys.until(phone, ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "Welcome, Grace Passkey!"));
                assertTrue(phone.getCurrentUrl().startsWith(HelpCenterStandIn.URL), phone.getCurrentUrl());
                passkeys = faceId.getCredentials();
            } finally {
                phone.quit();
            }

            assertEquals(1, passkeys.size(), "one passkey on the device");
            assertTrue(passkeys.get(0).isResidentCredential(), "a resident key: it signs in without an email typed");
            assertEquals("localhost", passkeys.get(0).getRpId(), "the RP ID follows the hostname");

            UserRepresentation account = Accounts.one(realm, email);
            assertEquals(List.of("webauthn-passwordless"), credentialTypes(account), "a passkey and no password");
            assertTrue(account.isEmailVerified());
            assertEquals(List.of("completed"), account.getAttributes().get("merchantJourney"));
            assertEquals(List.of(), account.getRequiredActions());

            // Another browser with the same passkey (a synced password manager, say) and nothing of the journey, in
            // which the sign-in page's autofill is not available: "Sign in with a passkey".
            ChromeDriver laptop = Chromium.start();
            try {
                withoutPasskeyAutofill(laptop);
                Passkeys.add(passkeys, Passkeys.authenticator(laptop, true));
                laptop.get(HelpCenterStandIn.URL + "/login");
                Passkeys.until(laptop, ExpectedConditions.elementToBeClickable(By.id("authenticateWebAuthnButton")));
                assertEquals("Sign in with a passkey", laptop.findElement(By.id("authenticateWebAuthnButton")).getText().trim());
                laptop.findElement(By.id("authenticateWebAuthnButton")).click();
                Passkeys.until(laptop, ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "Welcome, Grace Passkey!"));
            } finally {
                laptop.quit();
            }

            // And where the browser offers passkeys in the email field (Keycloak's conditional UI): Chromium's virtual
            // authenticator answers that request itself, as a merchant picking the passkey from the list would.
            ChromeDriver tablet = Chromium.start();
            try {
                Passkeys.add(passkeys, Passkeys.authenticator(tablet, true));
                tablet.get(HelpCenterStandIn.URL + "/login");
                Passkeys.until(tablet, ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "Welcome, Grace Passkey!"));
            } finally {
                tablet.quit();
            }
        }
    }

    /** A browser without conditional mediation (no passkeys offered in the email field), as many still are. */
    private static void withoutPasskeyAutofill(ChromeDriver browser) {
        browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                "if (window.PublicKeyCredential) { PublicKeyCredential.isConditionalMediationAvailable = async () => false; }"));
    }

    @Test
    void aRefusedPromptOrABrowserWithoutPasskeysBringsBackThePasswordFormAndTheLinkStillWorks() throws Exception {
        try (HelpCenterStandIn helpCenter = HelpCenterStandIn.start(realm); var quickPrompt = createTimeout(10)) {
            String email = Accounts.newEmail("passkey-refused");
            String link = registerOnTheLaptop("Refusing Merchant", email);

            ChromeDriver phone = Chromium.start();
            try {
                // An authenticator whose user never consents: the browser gives up when the prompt times out (the
                // policy's 10 seconds here), as when the merchant closes it.
                Passkeys.authenticator(phone, false);
                phone.get(link);
                Passkeys.until(phone, ExpectedConditions.visibilityOfElementLocated(By.id("merchant-use-passkey")));
                Passkeys.usePasskeyInstead(phone);
                phone.findElement(By.id("registerWebAuthn")).click();
                assertBackOnThePasswordForm(phone, Duration.ofSeconds(40));

                // A browser that cannot make passkeys.
                Passkeys.usePasskeyInstead(phone);
                phone.executeScript("delete window.PublicKeyCredential;");
                phone.findElement(By.id("registerWebAuthn")).click();
                assertBackOnThePasswordForm(phone, Duration.ofSeconds(20));
                assertEquals(List.of(), credentialTypes(Accounts.one(realm, email)), "nothing made, the link not spent");

                // "Create a password instead" from the passkey page, and the password.
                Passkeys.usePasskeyInstead(phone);
                phone.findElement(By.id("merchant-password-instead")).click();
                Passkeys.until(phone, ExpectedConditions.visibilityOfElementLocated(By.id("password-new")));
                phone.findElement(By.id("password-new")).sendKeys(PASSWORD);
                phone.findElement(By.id("password-confirm")).sendKeys(PASSWORD);
                phone.findElement(By.id("kc-submit")).click();
                Passkeys.until(phone, ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "Welcome, Refusing Merchant!"));
            } finally {
                phone.quit();
            }
            assertEquals(List.of("password"), credentialTypes(Accounts.one(realm, email)));
        }
    }

    /** The passwordless policy's prompt timeout for one test, put back afterwards. */
    private AutoCloseable createTimeout(int seconds) {
        RealmRepresentation rep = realm.admin().toRepresentation();
        Integer before = rep.getWebAuthnPolicyPasswordlessCreateTimeout();
        rep.setWebAuthnPolicyPasswordlessCreateTimeout(seconds);
        realm.admin().update(rep);
        return () -> {
            RealmRepresentation back = realm.admin().toRepresentation();
            back.setWebAuthnPolicyPasswordlessCreateTimeout(before);
            realm.admin().update(back);
        };
    }

    private static void assertBackOnThePasswordForm(ChromeDriver phone, Duration within) {
        Passkeys.until(phone, within, ExpectedConditions.visibilityOfElementLocated(By.id("merchant-create-password-form")));
        String alert = phone.findElement(By.cssSelector(".pf-v5-c-alert")).getText();
        assertTrue(alert.contains("No passkey was created"), alert);
        assertTrue(phone.findElement(By.id("merchant-use-passkey")).isDisplayed(), "the passkey can be tried again");
    }

    /** Registered on a laptop without JavaScript; the welcome email's link. */
    private String registerOnTheLaptop(String name, String email) throws InterruptedException {
        FormBrowser laptop = new FormBrowser().open(HelpCenterStandIn.URL + "/register");
        laptop.submit("#kc-register-form", Map.of("name", name, "email", email, "altcha", AltchaSolver.solvePage(laptop)));
        assertTrue(laptop.text().contains("Check your mailbox"), laptop.text());
        return Mails.welcomeLink(welcomeMail(email));
    }

    private MimeMessage welcomeMail(String email) throws InterruptedException {
        for (int i = 0; i < 150; i++) {
            List<MimeMessage> found = Mails.to(mail.getReceivedMessages(), email);
            if (!found.isEmpty()) {
                return found.get(0);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no welcome email to " + email);
    }

    private List<String> credentialTypes(UserRepresentation account) {
        return Accounts.credentials(realm, account.getId()).stream().map(CredentialRepresentation::getType).sorted().toList();
    }
}
