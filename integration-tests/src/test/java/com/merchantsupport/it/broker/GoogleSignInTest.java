package com.merchantsupport.it.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.FederatedIdentityRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectHttpServer;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.oauth.OAuthIdentityProvider;
import org.keycloak.testframework.oauth.annotations.InjectOAuthIdentityProvider;
import org.keycloak.testframework.realm.ManagedRealm;

/**
 * Step 2 of the seed: "Sign in with Google" needs no email round-trip; the Google account is recognised
 * and related to the merchant's account, safely. Google is played by {@link UpstreamProvider}, configured
 * in the realm exactly like the realm JSON's google provider (same flows, same settings).
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class GoogleSignInTest {

    private static final String PASSWORD = "a-Good-password-2026";
    /** The link in Keycloak's "Link {provider}" email. */
    private static final Pattern LINK_ACCOUNT_LINK = Pattern.compile("https?://[^\\s\"<>]+/login-actions/action-token\\?[^\\s\"<>]+");

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    @InjectHttpServer
    HttpServer httpServer;

    @InjectOAuthIdentityProvider
    OAuthIdentityProvider keys;

    private UpstreamProvider google;

    @BeforeEach
    void addTheStandInProvider() {
        google = new UpstreamProvider(httpServer, keys);
        BrokerRealm.addStandIn(realm);
    }

    @AfterEach
    void removeTheStandInEndpoints() {
        google.close();
    }

    private static FormBrowser signInWithPassword(String email, String password) {
        FormBrowser browser = new FormBrowser().open(Pages.signIn());
        return browser.submit("#kc-form-login", Map.of("username", email, "password", password));
    }

    private static Map<String, String> details(EventRepresentation event) {
        return event.getDetails() == null ? Map.of() : event.getDetails();
    }

    @Test
    void theRealmJsonConfiguresGoogleWithThePacksFlowsAndNoBlindTrust() {
        IdentityProviderRepresentation google = realm.admin().identityProviders().get(BrokerRealm.GOOGLE).toRepresentation();

        assertEquals("google", google.getProviderId());
        assertEquals("merchant first broker login", google.getFirstBrokerLoginFlowAlias());
        assertEquals("merchant post broker login", google.getPostBrokerLoginFlowAlias());
        assertFalse(google.isTrustEmail(), "the pack's step decides, not Keycloak's trust-email switch");
        assertEquals("test-only-google-client-id", google.getConfig().get("clientId"), "placeholder filled from the environment");
        assertEquals("true", google.getConfig().get("validateSignature"));
        assertEquals("IMPORT", google.getConfig().get("syncMode"));
        assertTrue(google.getConfig().get("hostedDomain") == null || google.getConfig().get("hostedDomain").isEmpty());
        assertTrue(new FormBrowser().open(Pages.signIn()).page().selectFirst("#social-google") != null, "Sign in with Google");
    }

    @Test
    void theTwoFlowsUseTheSplitStepsSharingOneConfiguration() {
        var first = realm.admin().flows().getExecutions("merchant first broker login");
        var post = realm.admin().flows().getExecutions("merchant post broker login");

        assertEquals(BrokerRealm.STEP, first.get(0).getProviderId());
        assertEquals("ALTERNATIVE", first.get(0).getRequirement());
        assertEquals(List.of(BrokerRealm.POST_LOGIN_STEP), post.stream().map(e -> e.getProviderId()).toList());
        assertEquals("REQUIRED", post.get(0).getRequirement());
        assertNotNull(first.get(0).getAuthenticationConfig());
        assertEquals(first.get(0).getAuthenticationConfig(), post.get(0).getAuthenticationConfig(), "one allow-list for every sign-in");
    }

    @Test
    void aNewMerchantGetsAnAccountAndLandsSignedInAtTheHelpCenterWithoutAnyEmail() {
        String email = BrokerRealm.forgetAfterTest(realm, Accounts.newEmail("google-new"));
        String subject = UpstreamProvider.newSubject();
        google.signsInAs(UpstreamProvider.identity(subject, email, true, "Ada Lovelace"));

        FormBrowser browser = BrokerRealm.signInWithGoogle(new FormBrowser());

        JsonNode claims = Journey.idTokenClaims(Journey.tokens(Journey.code(browser)));
        UserRepresentation user = Accounts.one(realm, email);
        assertEquals(user.getId(), claims.get("sub").asText());
        assertEquals(email, claims.get("email").asText());
        assertTrue(claims.get("email_verified").asBoolean(), "the provider's signed ID token said email_verified");
        assertEquals("Ada Lovelace", claims.get("name").asText());

        assertTrue(user.isEmailVerified());
        assertEquals(List.of("Ada Lovelace"), user.getAttributes().get("name"));
        assertEquals(List.of("completed"), user.getAttributes().get("merchantJourney"));
        assertTrue(user.getRequiredActions().isEmpty(), "no 'create your password' for a Google merchant: " + user.getRequiredActions());
        assertTrue(Accounts.credentials(realm, user.getId()).isEmpty(), "no password");
        List<FederatedIdentityRepresentation> links = BrokerRealm.links(realm, user.getId());
        assertEquals(1, links.size());
        assertEquals(BrokerRealm.ALIAS, links.get(0).getIdentityProvider());
        assertEquals(subject, links.get(0).getUserId());
        assertEquals(0, Mails.to(mail.getReceivedMessages(), email).size(), "no email round-trip");

        List<EventRepresentation> events = BrokerRealm.events(realm, user.getId(), "REGISTER", "LOGIN",
                "IDENTITY_PROVIDER_FIRST_LOGIN", "IDENTITY_PROVIDER_POST_LOGIN");
        assertTrue(events.stream().anyMatch(e -> e.getType().equals("REGISTER") && "broker".equals(details(e).get("register_method"))), events.toString());
        assertTrue(events.stream().anyMatch(e -> e.getType().equals("LOGIN")), events.toString());
        assertTrue(events.stream().anyMatch(e -> e.getType().equals("IDENTITY_PROVIDER_POST_LOGIN")
                && "new_account".equals(details(e).get("merchant_link")) && "true".equals(details(e).get("merchant_email_verified"))),
                events.toString());
        assertTrue(BrokerRealm.eventsFor(realm, email, "IDENTITY_PROVIDER_FIRST_LOGIN").stream()
                .anyMatch(e -> "new_account".equals(details(e).get("merchant_link"))));
    }

    /** A provider that does not vouch for the email gets no finished account: {@link UnvouchedProviderTest}. */
    @Test
    void aNewAccountsNameComesFromTheProfilesGivenAndFamilyNamesWhenTheProviderSendsNoName() {
        String email = BrokerRealm.forgetAfterTest(realm, Accounts.newEmail("google-names"));
        var identity = UpstreamProvider.identity(UpstreamProvider.newSubject(), email, true, null);
        identity.put("given_name", "Grace");
        identity.put("family_name", "Hopper");
        google.signsInAs(identity);

        JsonNode claims = Journey.idTokenClaims(Journey.tokens(Journey.code(BrokerRealm.signInWithGoogle(new FormBrowser()))));

        assertTrue(claims.get("email_verified").asBoolean());
        assertEquals("Grace Hopper", claims.get("name").asText(), "given + family name when the provider sends no name");
        UserRepresentation user = Accounts.one(realm, email);
        assertTrue(user.isEmailVerified());
        assertEquals(List.of("completed"), user.getAttributes().get("merchantJourney"));
        assertNull(user.getAttributes().get("merchantUnvouchedProviders"));
    }

    @Test
    void anExistingVerifiedAccountIsLinkedWithoutAnEmailAndBothWaysInWork() {
        String email = Accounts.newEmail("google-existing");
        String userId = BrokerRealm.account(realm, email, PASSWORD, true);
        String subject = UpstreamProvider.newSubject();
        // Google spells the address with capitals: the same address.
        String googleSpelling = Character.toUpperCase(email.charAt(0)) + email.substring(1).replace("@shop.test", "@Shop.Test");
        google.signsInAs(UpstreamProvider.identity(subject, googleSpelling, true, "Ada From Google"));

        FormBrowser browser = BrokerRealm.signInWithGoogle(new FormBrowser());

        JsonNode claims = Journey.idTokenClaims(Journey.tokens(Journey.code(browser)));
        assertEquals(userId, claims.get("sub").asText(), "signed in to the existing account");
        assertEquals(1, Accounts.withEmail(realm, email).size(), "still one account");
        List<FederatedIdentityRepresentation> links = BrokerRealm.links(realm, userId);
        assertEquals(1, links.size());
        assertEquals(subject, links.get(0).getUserId());
        UserRepresentation user = Accounts.one(realm, email);
        assertEquals(List.of("Existing Merchant"), user.getAttributes().get("name"), "the merchant's own name is kept");
        assertEquals(0, Mails.to(mail.getReceivedMessages(), email).size(), "no email round-trip");
        assertTrue(BrokerRealm.events(realm, userId, "FEDERATED_IDENTITY_LINK").stream()
                .anyMatch(e -> BrokerRealm.ALIAS.equals(details(e).get("identity_provider"))));
        assertTrue(BrokerRealm.events(realm, userId, "IDENTITY_PROVIDER_FIRST_LOGIN").stream()
                .anyMatch(e -> "linked_verified_email".equals(details(e).get("merchant_link"))));

        // The password still works, and so does Google, on the same account.
        JsonNode withPassword = Journey.idTokenClaims(Journey.tokens(Journey.code(signInWithPassword(email, PASSWORD))));
        assertEquals(userId, withPassword.get("sub").asText());
        google.signsInAs(UpstreamProvider.identity(subject, googleSpelling, true, "Ada From Google"));
        JsonNode again = Journey.idTokenClaims(Journey.tokens(Journey.code(BrokerRealm.signInWithGoogle(new FormBrowser()))));
        assertEquals(userId, again.get("sub").asText());
    }

    @Test
    void laterSignInsFindTheAccountByTheGoogleSubjectNotByTheEmail() {
        String email = BrokerRealm.forgetAfterTest(realm, Accounts.newEmail("google-subject"));
        String renamed = BrokerRealm.forgetAfterTest(realm, Accounts.newEmail("google-renamed"));
        String subject = UpstreamProvider.newSubject();
        google.signsInAs(UpstreamProvider.identity(subject, email, true, "Subject Merchant"));
        String userId = Journey.idTokenClaims(Journey.tokens(Journey.code(BrokerRealm.signInWithGoogle(new FormBrowser())))).get("sub").asText();
        int firstLogins = BrokerRealm.eventsFor(realm, email, "IDENTITY_PROVIDER_FIRST_LOGIN").size();

        // The merchant changed the Google account's address: same subject, other email.
        google.signsInAs(UpstreamProvider.identity(subject, renamed, true, "Subject Merchant"));
        JsonNode claims = Journey.idTokenClaims(Journey.tokens(Journey.code(BrokerRealm.signInWithGoogle(new FormBrowser()))));

        assertEquals(userId, claims.get("sub").asText(), "the linked account");
        assertEquals(email, claims.get("email").asText(), "IMPORT sync: the account keeps its email");
        assertTrue(Accounts.withEmail(realm, renamed).isEmpty(), "no second account");
        assertTrue(BrokerRealm.eventsFor(realm, renamed, "IDENTITY_PROVIDER_FIRST_LOGIN").isEmpty(), "not a first login");
        assertEquals(firstLogins, BrokerRealm.eventsFor(realm, email, "IDENTITY_PROVIDER_FIRST_LOGIN").size());
    }

    @Test
    void anAccountWhoseEmailWasNeverVerifiedIsNotLinkedSilently() {
        String email = Accounts.newEmail("google-squatted");
        String userId = BrokerRealm.account(realm, email, PASSWORD, false);
        google.signsInAs(UpstreamProvider.identity(UpstreamProvider.newSubject(), email, true, "Real Owner"));

        FormBrowser browser = BrokerRealm.signInWithGoogle(new FormBrowser());

        // Keycloak's "Handle Existing Account": confirm, then prove it.
        assertEquals(200, browser.status(), browser.text());
        assertTrue(browser.text().contains("Account already exists"), browser.text());
        assertNotNull(browser.page().selectFirst("#linkAccount"), browser.text());
        assertTrue(browser.page().selectFirst("#updateProfile") == null, "no review-profile page in this flow");
        assertTrue(BrokerRealm.links(realm, userId).isEmpty(), "not linked");
        assertTrue(BrokerRealm.eventsFor(realm, email, "IDENTITY_PROVIDER_FIRST_LOGIN").stream()
                .anyMatch(e -> "verification_required".equals(details(e).get("merchant_link"))
                        && "account_email_not_verified".equals(details(e).get("reason"))));

        // "Add to existing account": Keycloak's verification email, still no link until it is used.
        browser.submit("#kc-register-form", Map.of("submitAction", "linkAccount"));
        assertTrue(browser.text().contains("An email with instructions to link"), browser.text());
        assertTrue(mail.waitForIncomingEmail(1));
        List<MimeMessage> received = Mails.to(mail.getReceivedMessages(), email);
        assertEquals(1, received.size());
        assertTrue(BrokerRealm.links(realm, userId).isEmpty(), "not linked before the email's link is used");

        // The owner of the mailbox uses the link: now linked, signed in, and the address is verified.
        Matcher link = LINK_ACCOUNT_LINK.matcher(Mails.text(received.get(0)));
        assertTrue(link.find(), Mails.text(received.get(0)));
        browser.open(link.group());
        assertEquals(userId, Journey.idTokenClaims(Journey.tokens(Journey.code(browser))).get("sub").asText());
        assertEquals(1, BrokerRealm.links(realm, userId).size());
        assertTrue(Accounts.one(realm, email).isEmailVerified());
        assertTrue(BrokerRealm.events(realm, userId, "FEDERATED_IDENTITY_LINK").size() >= 1);
    }

    @Test
    void aWelcomeLinkIsDeadOnceGoogleSignInCompletedTheAccount() {
        String email = Accounts.newEmail("google-finished");
        Journey.register(new FormBrowser(), "Form Then Google", email);
        assertTrue(mail.waitForIncomingEmail(1));
        String welcomeLink = Mails.welcomeLink(Mails.to(mail.getReceivedMessages(), email).get(0));
        String userId = Accounts.one(realm, email).getId();
        google.signsInAs(UpstreamProvider.identity(UpstreamProvider.newSubject(), email, true, "Form Then Google"));

        // The unverified account is linked only once the mailbox is proven through Keycloak's own email.
        FormBrowser browser = BrokerRealm.signInWithGoogle(new FormBrowser());
        browser.submit("#kc-register-form", Map.of("submitAction", "linkAccount"));
        assertTrue(mail.waitForIncomingEmail(2));
        Matcher link = Mails.to(mail.getReceivedMessages(), email).stream().map(m -> LINK_ACCOUNT_LINK.matcher(Mails.text(m)))
                .filter(Matcher::find).findFirst().orElseThrow();
        browser.open(link.group());
        assertEquals(userId, Journey.idTokenClaims(Journey.tokens(Journey.code(browser))).get("sub").asText());
        assertEquals(List.of("completed"), Accounts.one(realm, email).getAttributes().get("merchantJourney"));

        FormBrowser late = new FormBrowser().open(welcomeLink);
        assertEquals(410, late.status(), late.text());
        assertTrue(late.text().contains("Your account is ready"), late.text());
        assertNull(late.page().selectFirst("#merchant-create-password-form"));
        assertTrue(Accounts.credentials(realm, userId).isEmpty(), "still no password: Google is the way in");
    }

    @Test
    void aProviderThatSaysTheEmailIsNotVerifiedIsNotLinkedSilently() {
        String email = Accounts.newEmail("google-not-verified");
        String userId = BrokerRealm.account(realm, email, PASSWORD, true);
        google.signsInAs(UpstreamProvider.identity(UpstreamProvider.newSubject(), email, false, "Someone"));

        FormBrowser browser = BrokerRealm.signInWithGoogle(new FormBrowser());

        assertTrue(browser.text().contains("Account already exists"), browser.text());
        assertTrue(BrokerRealm.links(realm, userId).isEmpty(), "not linked");
        assertTrue(BrokerRealm.eventsFor(realm, email, "IDENTITY_PROVIDER_FIRST_LOGIN").stream()
                .anyMatch(e -> "provider_email_not_verified".equals(details(e).get("reason"))));

        // "Add to existing account": the owner of the address confirms by email first.
        browser.submit("#kc-register-form", Map.of("submitAction", "linkAccount"));
        assertTrue(browser.text().contains("An email with instructions to link"), browser.text());
        assertTrue(BrokerRealm.links(realm, userId).isEmpty(), "not linked before the email's link is used");
    }

    @Test
    void aSecondGoogleIdentityWithTheSameEmailIsNotLinkedSilently() {
        String email = BrokerRealm.forgetAfterTest(realm, Accounts.newEmail("google-second"));
        google.signsInAs(UpstreamProvider.identity(UpstreamProvider.newSubject(), email, true, "First Identity"));
        String userId = Journey.idTokenClaims(Journey.tokens(Journey.code(BrokerRealm.signInWithGoogle(new FormBrowser())))).get("sub").asText();

        // Another subject claims the same address: the account is already linked to this provider.
        google.signsInAs(UpstreamProvider.identity(UpstreamProvider.newSubject(), email, true, "Second Identity"));
        FormBrowser browser = BrokerRealm.signInWithGoogle(new FormBrowser());

        assertTrue(browser.text().contains("Account already exists"), browser.text());
        assertEquals(1, BrokerRealm.links(realm, userId).size());
        assertTrue(BrokerRealm.eventsFor(realm, email, "IDENTITY_PROVIDER_FIRST_LOGIN").stream()
                .anyMatch(e -> "account_already_linked_to_provider".equals(details(e).get("reason"))));
    }
}
