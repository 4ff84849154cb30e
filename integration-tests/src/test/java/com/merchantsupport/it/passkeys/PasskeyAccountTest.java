package com.merchantsupport.it.passkeys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.Chromium;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.MailboxStepConfig;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import com.merchantsupport.it.support.Passkeys;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.RequiredActionProviderRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;

/**
 * An account finished with a passkey and no password is a finished account for every rule of the pack: what the
 * admin sees (the passkey, no password, email verified, journey completed, the events), the welcome link refused,
 * "already used" in both modes, the ID token's claims the same as after a password, and "Forgot my password" as the
 * way to add a password. Each passkey is made in a real Chromium with a virtual authenticator.
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class PasskeyAccountTest {

    private static final String PASSWORD = "a-Good-password-2026";
    private static final Pattern RESET_LINK = Pattern.compile("https?://[^\\s\"<>]+/login-actions/action-token\\?key=[A-Za-z0-9._\\-]+[^\\s\"<>]*");
    /** What differs between any two sign-ins or accounts; every other claim must be the same. */
    private static final Set<String> PER_SIGN_IN = Set.of("exp", "iat", "auth_time", "jti", "sid", "sub", "email", "at_hash");

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    @Test
    void theAccountHoldsThePasskeyAndNoPasswordAndTheWelcomeLinkIsThenRefused() throws Exception {
        String email = Accounts.newEmail("passkey-account");
        String link = register("Passkey Account", email);
        withPasskey(link, null);

        UserRepresentation account = Accounts.one(realm, email);
        assertEquals(List.of("webauthn-passwordless"), credentialTypes(account));
        assertTrue(account.isEmailVerified(), "the link proved the address");
        assertEquals(List.of("completed"), account.getAttributes().get("merchantJourney"));
        assertEquals(List.of(), account.getRequiredActions());

        // The events an admin reads: the link used, the passkey created (Keycloak's own event, with the journey's step).
        assertTrue(events(account, "VERIFY_EMAIL").stream().anyMatch(e -> "link-used".equals(e.getDetails().get("merchant_step"))));
        EventRepresentation created = events(account, "UPDATE_CREDENTIAL").stream()
                .filter(e -> "passkey-created".equals(e.getDetails().get("merchant_step"))).findFirst()
                .orElseThrow(() -> new AssertionError("no UPDATE_CREDENTIAL passkey-created event: " + events(account, "UPDATE_CREDENTIAL")));
        assertEquals("webauthn-passwordless", created.getDetails().get("credential_type"));

        FormBrowser again = new FormBrowser().open(link);
        assertEquals(410, again.status(), again.text());
        assertTrue(again.text().contains("Your passkey is already created"), again.text());
        assertNull(again.page().selectFirst("#merchant-create-password-form"), "no password form");
        assertEquals("used-passkey", again.page().selectFirst("#merchant-link-problem").attr("data-problem"));
    }

    @Test
    void inTheBrowserThatRegisteredThePasskeyAnswersTheHelpCentersOwnSignIn() throws Exception {
        String email = Accounts.newEmail("passkey-same-browser");
        ChromeDriver laptop = Chromium.start();
        try {
            Passkeys.authenticator(laptop, true);
            laptop.get(Pages.signIn("state=same-browser").toString());
            Passkeys.until(laptop, ExpectedConditions.elementToBeClickable(By.cssSelector("#kc-registration a"))).click();
            Passkeys.until(laptop, ExpectedConditions.visibilityOfElementLocated(By.id("email")));
            laptop.findElement(By.id("name")).sendKeys("Same Browser");
            laptop.findElement(By.id("email")).sendKeys(email);
            // The self-hosted captcha solves by itself; "Connect" waits for it.
            Passkeys.until(laptop, d -> "verified".equals(d.findElement(By.id("merchant-captcha")).getAttribute("data-captcha-state")));
            laptop.findElement(By.id("kc-submit")).click();
            Passkeys.until(laptop, ExpectedConditions.visibilityOfElementLocated(By.id("merchant-mailbox")));

            laptop.get(Mails.welcomeLink(mailTo(email, 1)));
            Passkeys.until(laptop, ExpectedConditions.visibilityOfElementLocated(By.id("merchant-use-passkey")));
            Passkeys.usePasskeyInstead(laptop);
            Passkeys.createPasskey(laptop);
            // The help center's original request, answered: its callback with a code and its own state.
            String callback = Passkeys.until(laptop, d -> d.getCurrentUrl().startsWith(MerchantRealm.HELP_CENTER_REDIRECT_URI) ? d.getCurrentUrl() : null);
            assertTrue(callback.contains("state=same-browser") && callback.contains("code="), callback);
        } finally {
            laptop.quit();
        }
        assertEquals(List.of("webauthn-passwordless"), credentialTypes(Accounts.one(realm, email)));
    }

    @Test
    void registeringAgainWithThatAddressIsAlreadyUsedAndInPrivateModeWarnsTheOwner() throws Exception {
        String email = Accounts.newEmail("passkey-again");
        withPasskey(register("Passkey Again", email), null);

        FormBrowser reveal = Journey.register(new FormBrowser(), "Someone Else", email);
        assertTrue(reveal.text().contains("You already have an account"), reveal.text());

        // The welcome email went to this address a moment ago: the per-address limit is lifted, or the page would say
        // "wait" (as it would for a new address) and no warning would go out.
        try (var ignored = MailboxStepConfig.change(realm, Map.of("alreadyUsedMode", "private", "resendPerMinute", "10"))) {
            FormBrowser secret = Journey.register(new FormBrowser(), "Someone Else", email);
            assertTrue(secret.text().contains("Check your mailbox"), secret.text());
            MimeMessage warning = mailTo(email, 2);
            assertEquals("Someone tried to register with your email", Mails.subject(warning));
        }
        assertEquals(1, Mails.to(mail.getReceivedMessages(), email).stream()
                .filter(m -> Mails.subject(m).equals("Welcome to Merchant Support")).count(), "no second welcome email");
        assertEquals(List.of("webauthn-passwordless"), credentialTypes(Accounts.one(realm, email)), "the account unchanged");
    }

    @Test
    void theIdTokenAfterAPasskeyCarriesTheSameClaimsAsAfterAPassword() throws Exception {
        String withPassword = Accounts.newEmail("claims-password");
        FormBrowser browser = new FormBrowser().open(register("Claims Merchant", withPassword));
        browser.submit("#merchant-create-password-form", Map.of("password-new", PASSWORD, "password-confirm", PASSWORD));
        JsonNode afterPassword = Journey.idTokenClaims(Journey.tokens(Journey.signInAgainFromHome(browser, "claims-password")));

        String withPasskey = Accounts.newEmail("claims-passkey");
        JsonNode afterPasskey = Journey.idTokenClaims(Journey.tokens(withPasskey(register("Claims Merchant", withPasskey), "claims-passkey")));

        assertEquals(names(afterPassword), names(afterPasskey), "the same claims");
        assertEquals(comparable(afterPassword), comparable(afterPasskey), "the same values");
        assertEquals(withPasskey, afterPasskey.get("email").asText());
        assertTrue(afterPasskey.get("email_verified").asBoolean());
        assertEquals("Claims Merchant", afterPasskey.get("name").asText());
    }

    @Test
    void forgotMyPasswordLetsAMerchantWithOnlyAPasskeyAddAPassword() throws Exception {
        String email = Accounts.newEmail("passkey-forgot");
        withPasskey(register("Forgetful Merchant", email), null);

        FormBrowser browser = Journey.forgotPassword(new FormBrowser(), email);
        Matcher reset = RESET_LINK.matcher(Mails.text(mailTo(email, 2)));
        assertTrue(reset.find(), "a reset email");
        browser.open(reset.group());
        browser.submit("#kc-passwd-update-form", Map.of("password-new", PASSWORD, "password-confirm", PASSWORD));

        assertTrue(MerchantRealm.atHelpCenter(browser.location()), browser.status() + " " + browser.location() + "\n" + browser.text());
        assertEquals(List.of("password", "webauthn-passwordless"), credentialTypes(Accounts.one(realm, email)), "both ways in");
    }

    @Test
    void aPasskeyAnswerForALinkSpentMeanwhileInAnotherBrowserCreatesNothing() throws Exception {
        String email = Accounts.newEmail("passkey-late");
        String link = register("Late Passkey", email);
        ChromeDriver phone = Chromium.start();
        try {
            Passkeys.authenticator(phone, true);
            phone.get(link);
            Passkeys.until(phone, ExpectedConditions.visibilityOfElementLocated(By.id("merchant-use-passkey")));
            Passkeys.usePasskeyInstead(phone);

            // Meanwhile, on the laptop, the same link makes a password.
            FormBrowser laptop = new FormBrowser().open(link);
            laptop.submit("#merchant-create-password-form", Map.of("password-new", PASSWORD, "password-confirm", PASSWORD));
            assertTrue(MerchantRealm.atHelpCenter(laptop.location()), laptop.text());

            Passkeys.createPasskey(phone);
            Passkeys.until(phone, ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#merchant-link-problem[data-problem=used]")));
        } finally {
            phone.quit();
        }
        assertEquals(List.of("password"), credentialTypes(Accounts.one(realm, email)), "no passkey stored");
    }

    @Test
    void anAnswerKeycloakRefusesAfterTheSpendUndoesTheSpendAndTheLinkStillWorks() throws Exception {
        String email = Accounts.newEmail("passkey-unverified");
        String link = register("Unverified Passkey", email);
        ChromeDriver phone = Chromium.start();
        try {
            VirtualAuthenticator device = Passkeys.authenticator(phone, true);
            // The authenticator answers without user verification, which the passwordless policy requires: the answer
            // is well formed, so the link is spent, then Keycloak refuses it and the whole transaction is undone.
            phone.executeCdpCommand("WebAuthn.setResponseOverrideBits", Map.of("authenticatorId", device.getId(), "isBadUV", true));
            phone.get(link);
            Passkeys.until(phone, ExpectedConditions.visibilityOfElementLocated(By.id("merchant-use-passkey")));
            Passkeys.usePasskeyInstead(phone);
            Passkeys.createPasskey(phone);
            Passkeys.until(phone, ExpectedConditions.visibilityOfElementLocated(By.id("merchant-create-password-form")));
            assertTrue(phone.findElement(By.cssSelector(".pf-v5-c-alert")).getText().contains("No passkey was created"));
            assertEquals(List.of(), credentialTypes(Accounts.one(realm, email)), "nothing stored");
            assertTrue(events(Accounts.one(realm, email), "UPDATE_CREDENTIAL_ERROR").stream()
                    .anyMatch(e -> "webauthn-passwordless".equals(e.getDetails().get("credential_type"))), "the refusal is an event");

            // The link was not spent: the same page makes the passkey once the device verifies its user.
            phone.executeCdpCommand("WebAuthn.setResponseOverrideBits", Map.of("authenticatorId", device.getId(), "isBadUV", false));
            Passkeys.usePasskeyInstead(phone);
            Passkeys.createPasskey(phone);
            Passkeys.until(phone, d -> MerchantRealm.atHelpCenter(d.getCurrentUrl()));
        } finally {
            phone.quit();
        }
        assertEquals(List.of("webauthn-passwordless"), credentialTypes(Accounts.one(realm, email)));
    }

    @Test
    void turningKeycloaksPasswordlessRegistrationOffTakesThePasskeyOffThePageAndTheEmail() throws Exception {
        RequiredActionProviderRepresentation registration = realm.admin().flows().getRequiredAction("webauthn-register-passwordless");
        assertTrue(registration.isEnabled(), "enabled by the realm JSON");
        registration.setEnabled(false);
        realm.admin().flows().updateRequiredAction(registration.getAlias(), registration);
        try {
            String email = Accounts.newEmail("passkey-off");
            String link = register("No Passkey", email);
            assertTrue(!Mails.text(mailTo(email, 1)).contains("passkey"), "the email does not mention passkeys");
            FormBrowser phone = new FormBrowser().open(link);
            assertTrue(phone.page().selectFirst("#merchant-create-password-form") != null, phone.text());
            assertNull(phone.page().selectFirst("#merchant-passkey-form"), "no passkey offered");
            // A "Use a passkey instead" posted anyway gets the password form.
            FormBrowser forged = new FormBrowser().open(link);
            forged.post(forged.page().selectFirst("#merchant-create-password-form").absUrl("action"), Map.of("passkey", "start"));
            assertTrue(forged.page().selectFirst("#merchant-create-password-form") != null, forged.text());
            assertNull(forged.page().selectFirst("#registerWebAuthn"), "no passkey page");
        } finally {
            registration.setEnabled(true);
            realm.admin().flows().updateRequiredAction(registration.getAlias(), registration);
        }
    }

    /** Registered without JavaScript; the welcome email's link. */
    private String register(String name, String email) throws InterruptedException {
        FormBrowser laptop = Journey.register(new FormBrowser(), name, email);
        assertTrue(laptop.text().contains("Check your mailbox"), laptop.text());
        return Mails.welcomeLink(mailTo(email, 1));
    }

    /**
     * The link opened on a phone, finished with "Use a passkey instead". With a {@code state}, the help center then
     * signs in there (its Home URL starts a sign-in the new SSO session answers): the code of that sign-in.
     */
    private static String withPasskey(String link, String state) {
        ChromeDriver phone = Chromium.start();
        try {
            Passkeys.authenticator(phone, true);
            phone.get(link);
            Passkeys.until(phone, ExpectedConditions.visibilityOfElementLocated(By.id("merchant-use-passkey")));
            Passkeys.usePasskeyInstead(phone);
            Passkeys.createPasskey(phone);
            Passkeys.until(phone, d -> MerchantRealm.atHelpCenter(d.getCurrentUrl()));
            if (state == null) {
                return null;
            }
            try {
                phone.get(Pages.signIn("state=" + state).toString());
            } catch (WebDriverException nothingListens) {
                // Nothing answers at the tests' help center URL: the code is in the address the browser was sent to.
            }
            String callback = Passkeys.until(phone, d -> d.getCurrentUrl().startsWith(MerchantRealm.HELP_CENTER_REDIRECT_URI) ? d.getCurrentUrl() : null);
            assertTrue(callback.contains("state=" + state), callback);
            for (String pair : URI.create(callback).getRawQuery().split("&")) {
                if (pair.startsWith("code=")) {
                    return URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
                }
            }
            throw new AssertionError("no code in " + callback);
        } finally {
            phone.quit();
        }
    }

    private MimeMessage mailTo(String email, int count) throws InterruptedException {
        for (int i = 0; i < 150; i++) {
            List<MimeMessage> found = Mails.to(mail.getReceivedMessages(), email);
            if (found.size() >= count) {
                return found.get(count - 1);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("expected " + count + " emails to " + email);
    }

    private List<String> credentialTypes(UserRepresentation account) {
        return Accounts.credentials(realm, account.getId()).stream().map(CredentialRepresentation::getType).sorted().toList();
    }

    private List<EventRepresentation> events(UserRepresentation account, String type) {
        return realm.admin().getEvents(List.of(type), null, account.getId(), null, null, null, 0, 50);
    }

    private static Set<String> names(JsonNode claims) {
        Set<String> names = new java.util.TreeSet<>();
        claims.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Map<String, String> comparable(JsonNode claims) {
        Map<String, String> values = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = claims.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!PER_SIGN_IN.contains(field.getKey())) {
                values.put(field.getKey(), field.getValue().toString());
            }
        }
        return values;
    }
}
