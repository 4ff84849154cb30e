package com.merchantsupport.it.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.FederatedIdentityRepresentation;
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
 * Realms imported before the step was split name {@code merchant-verified-email-link} in both broker flows, and
 * the pack upgrade must not break their "Sign in with Google". The stand-in provider signs in through
 * {@link FlowsBeforeTheSplit}: the realm JSON's flows with that one id where the file now has two.
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class RealmImportedBeforeTheSplitTest {

    private static final String PASSWORD = "a-Good-password-2026";

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
    void addTheStandInWithTheFlowsOfBeforeTheSplit() {
        google = new UpstreamProvider(httpServer, keys);
        BrokerRealm.addStandIn(realm);
        FlowsBeforeTheSplit.useForStandIn(realm);
    }

    @AfterEach
    void removeTheStandInEndpoints() {
        google.close();
    }

    private static Map<String, String> details(EventRepresentation event) {
        return event.getDetails() == null ? Map.of() : event.getDetails();
    }

    @Test
    void bothFlowsNameOnlyTheOldStep() {
        List<String> first = FlowsBeforeTheSplit.steps(realm, FlowsBeforeTheSplit.PREFIX + FlowsBeforeTheSplit.FIRST_LOGIN);
        List<String> post = FlowsBeforeTheSplit.steps(realm, FlowsBeforeTheSplit.PREFIX + FlowsBeforeTheSplit.POST_LOGIN);

        assertEquals(BrokerRealm.STEP_BEFORE_THE_SPLIT, first.get(0), first.toString());
        assertTrue(first.containsAll(List.of("idp-create-user-if-unique", "idp-confirm-link", "idp-email-verification")), first.toString());
        assertEquals(List.of(BrokerRealm.STEP_BEFORE_THE_SPLIT), post);
        assertFalse(first.contains(BrokerRealm.STEP) || first.contains(BrokerRealm.POST_LOGIN_STEP), first.toString());
    }

    @Test
    void aNewMerchantGetsAFinishedAccountWithoutAnyEmailAsBefore() {
        String email = BrokerRealm.forgetAfterTest(realm, Accounts.newEmail("legacy-new"));
        String subject = UpstreamProvider.newSubject();
        google.signsInAs(UpstreamProvider.identity(subject, email, true, "Ada Lovelace"));

        JsonNode claims = Journey.idTokenClaims(Journey.tokens(Journey.code(BrokerRealm.signInWithGoogle(new FormBrowser()))));

        UserRepresentation user = Accounts.one(realm, email);
        assertEquals(user.getId(), claims.get("sub").asText());
        assertTrue(claims.get("email_verified").asBoolean(), "finished by the old step in the post login flow");
        assertEquals("Ada Lovelace", claims.get("name").asText());
        assertEquals(List.of("completed"), user.getAttributes().get("merchantJourney"));
        assertTrue(user.getRequiredActions().isEmpty(), user.getRequiredActions().toString());
        assertTrue(Accounts.credentials(realm, user.getId()).isEmpty(), "no password");
        assertEquals(0, Mails.to(mail.getReceivedMessages(), email).size(), "no email round-trip");
        assertTrue(BrokerRealm.eventsFor(realm, email, "IDENTITY_PROVIDER_FIRST_LOGIN").stream()
                .anyMatch(e -> "new_account".equals(details(e).get("merchant_link"))));
        assertTrue(BrokerRealm.events(realm, user.getId(), "IDENTITY_PROVIDER_POST_LOGIN").stream()
                .anyMatch(e -> "new_account".equals(details(e).get("merchant_link")) && "true".equals(details(e).get("merchant_email_verified"))));
    }

    @Test
    void anExistingVerifiedAccountIsLinkedWithoutAnEmailAsBefore() {
        String email = Accounts.newEmail("legacy-existing");
        String userId = BrokerRealm.account(realm, email, PASSWORD, true);
        String subject = UpstreamProvider.newSubject();
        google.signsInAs(UpstreamProvider.identity(subject, email, true, "Ada From Google"));

        JsonNode claims = Journey.idTokenClaims(Journey.tokens(Journey.code(BrokerRealm.signInWithGoogle(new FormBrowser()))));

        assertEquals(userId, claims.get("sub").asText());
        List<FederatedIdentityRepresentation> links = BrokerRealm.links(realm, userId);
        assertEquals(1, links.size());
        assertEquals(subject, links.get(0).getUserId());
        assertEquals(0, Mails.to(mail.getReceivedMessages(), email).size(), "no email round-trip");
        assertTrue(BrokerRealm.events(realm, userId, "IDENTITY_PROVIDER_FIRST_LOGIN").stream()
                .anyMatch(e -> "linked_verified_email".equals(details(e).get("merchant_link"))));
    }

    @Test
    void anAccountWhoseEmailWasNeverVerifiedStillGoesToKeycloaksConfirmation() {
        String email = Accounts.newEmail("legacy-unverified");
        String userId = BrokerRealm.account(realm, email, PASSWORD, false);
        google.signsInAs(UpstreamProvider.identity(UpstreamProvider.newSubject(), email, true, "Real Owner"));

        FormBrowser browser = BrokerRealm.signInWithGoogle(new FormBrowser());

        assertEquals(200, browser.status(), browser.text());
        assertTrue(browser.text().contains("Account already exists"), browser.text());
        assertTrue(BrokerRealm.links(realm, userId).isEmpty(), "not linked");
    }

    @Test
    void aDomainNotAllowedIsRefusedOnTheSignInPageAtTheFirstAndEveryLaterSignIn() {
        FlowsBeforeTheSplit.changeStep(realm, Map.of("allowedHostedDomains", "allowed.test"));
        String outsider = BrokerRealm.forgetAfterTest(realm, Accounts.newEmail("legacy-hd-out"));
        var outside = UpstreamProvider.identity(UpstreamProvider.newSubject(), outsider, true, "Outsider");
        outside.put("hd", "elsewhere.test");
        google.signsInAs(outside);

        // First login: the old step is an alternative there, so it refuses through its own action URL.
        FormBrowser refused = BrokerRealm.signInWithGoogle(new FormBrowser());
        assertSignInPageSays(refused, "belongs to elsewhere.test, which cannot be used to sign in");
        assertTrue(Accounts.withEmail(realm, outsider).isEmpty(), "no account created");

        String insider = BrokerRealm.forgetAfterTest(realm, Accounts.newEmail("legacy-hd-in"));
        var inside = UpstreamProvider.identity(UpstreamProvider.newSubject(), insider, true, "Insider");
        inside.put("hd", "allowed.test");
        google.signsInAs(inside);
        assertEquals(insider, Journey.idTokenClaims(Journey.tokens(Journey.code(BrokerRealm.signInWithGoogle(new FormBrowser()))))
                .get("email").asText());

        // Post login: the admin narrows the list, the linked account is refused on its next sign-in.
        FlowsBeforeTheSplit.changeStep(realm, Map.of("allowedHostedDomains", "other.test"));
        google.signsInAs(inside);
        assertSignInPageSays(BrokerRealm.signInWithGoogle(new FormBrowser()), "belongs to allowed.test, which cannot be used to sign in");
        String userId = Accounts.one(realm, insider).getId();
        assertTrue(BrokerRealm.events(realm, null, "IDENTITY_PROVIDER_POST_LOGIN_ERROR").stream()
                .anyMatch(e -> "merchant_hosted_domain_not_allowed".equals(e.getError()) && userId.equals(e.getUserId())));
    }

    private static void assertSignInPageSays(FormBrowser browser, String message) {
        assertEquals(200, browser.status(), browser.text());
        assertNotNull(browser.page().selectFirst("#kc-form-login"), "the sign-in form: " + browser.text());
        assertTrue(browser.text().contains(message), "expected '" + message + "' on:\n" + browser.text());
    }
}
