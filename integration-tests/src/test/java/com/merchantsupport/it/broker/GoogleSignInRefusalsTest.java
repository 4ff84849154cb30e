package com.merchantsupport.it.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.testframework.annotations.InjectHttpServer;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.oauth.OAuthIdentityProvider;
import org.keycloak.testframework.oauth.annotations.InjectOAuthIdentityProvider;
import org.keycloak.testframework.realm.ManagedRealm;

/**
 * When the Google sign-in does not end in an account: a Workspace domain the admin did not allow, a profile
 * without email, the merchant cancelling at Google, Google failing. The merchant lands back on the sign-in
 * page (or Keycloak's error page when the provider's token endpoint fails) with a message, and nothing is
 * created.
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class GoogleSignInRefusalsTest {

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

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

    private static Map<String, String> details(EventRepresentation event) {
        return event.getDetails() == null ? Map.of() : event.getDetails();
    }

    /** Back on the sign-in page: the email + password form, the providers, and the message. */
    private static void assertOnSignInPageSaying(FormBrowser browser, String message) {
        assertEquals(200, browser.status(), browser.text());
        assertNotNull(browser.page().selectFirst("#kc-form-login"), "the sign-in form: " + browser.text());
        assertNotNull(browser.page().selectFirst("#social-" + BrokerRealm.ALIAS), "the provider button, to try another account");
        assertTrue(browser.text().contains(message), "expected '" + message + "' on:\n" + browser.text());
    }

    @Test
    void aWorkspaceDomainTheAdminDidNotAllowIsRefusedWithAClearMessage() {
        BrokerRealm.changeStep(realm, Map.of("allowedHostedDomains", "allowed.test##other.test"));
        String email = BrokerRealm.forgetAfterTest(realm, Accounts.newEmail("google-hd"));
        var identity = UpstreamProvider.identity(UpstreamProvider.newSubject(), email, true, "Outsider");
        identity.put("hd", "elsewhere.test");
        google.signsInAs(identity);

        FormBrowser browser = BrokerRealm.signInWithGoogle(new FormBrowser());

        assertOnSignInPageSaying(browser, "This Google (test) account belongs to elsewhere.test, which cannot be used to sign in"
                + " to the merchant support center.");
        assertTrue(Accounts.withEmail(realm, email).isEmpty(), "no account created");
        List<EventRepresentation> refused = BrokerRealm.eventsFor(realm, email, "IDENTITY_PROVIDER_FIRST_LOGIN_ERROR");
        assertTrue(refused.stream().anyMatch(e -> "merchant_hosted_domain_not_allowed".equals(e.getError())
                && "elsewhere.test".equals(details(e).get("merchant_hosted_domain"))), refused.toString());
    }

    @Test
    void aPersonalAccountIsRefusedWhenOnlyWorkspaceDomainsMaySignInAndTheMessageIsTranslated() {
        BrokerRealm.changeStep(realm, Map.of("allowedHostedDomains", "*"));
        String email = BrokerRealm.forgetAfterTest(realm, Accounts.newEmail("google-personal"));
        google.signsInAs(UpstreamProvider.identity(UpstreamProvider.newSubject(), email, true, "Personal"));

        FormBrowser browser = BrokerRealm.signInWithGoogle(new FormBrowser().language("fr"));

        assertOnSignInPageSaying(browser, "Seuls les comptes professionnels des organisations autorisées peuvent se connecter ici"
                + " avec Google (test)");
        assertTrue(Accounts.withEmail(realm, email).isEmpty(), "no account created");
    }

    @Test
    void anAllowedDomainSignsInAndIsCheckedAgainOnLaterSignIns() {
        BrokerRealm.changeStep(realm, Map.of("allowedHostedDomains", "allowed.test"));
        String email = BrokerRealm.forgetAfterTest(realm, Accounts.newEmail("google-allowed"));
        String subject = UpstreamProvider.newSubject();
        var identity = UpstreamProvider.identity(subject, email, true, "Insider");
        identity.put("hd", "Allowed.Test");
        google.signsInAs(identity);

        JsonNode claims = Journey.idTokenClaims(Journey.tokens(Journey.code(BrokerRealm.signInWithGoogle(new FormBrowser()))));
        assertEquals(email, claims.get("email").asText());

        // The admin narrows the list: the linked account is refused on its next sign-in (post login flow).
        BrokerRealm.updateStep(realm, Map.of("allowedHostedDomains", "other.test"));
        google.signsInAs(identity);
        FormBrowser browser = BrokerRealm.signInWithGoogle(new FormBrowser());

        assertOnSignInPageSaying(browser, "belongs to Allowed.Test, which cannot be used to sign in");
        String userId = Accounts.one(realm, email).getId();
        assertTrue(BrokerRealm.events(realm, null, "IDENTITY_PROVIDER_POST_LOGIN_ERROR").stream()
                .anyMatch(e -> "merchant_hosted_domain_not_allowed".equals(e.getError()) && userId.equals(e.getUserId())));
    }

    @Test
    void aProfileWithoutEmailIsRefusedWithAClearMessage() {
        String subject = UpstreamProvider.newSubject();
        google.signsInAs(UpstreamProvider.identity(subject, null, null, "No Email"));

        FormBrowser browser = BrokerRealm.signInWithGoogle(new FormBrowser());

        assertOnSignInPageSaying(browser, "Your Google (test) account did not share an email address");
        assertTrue(BrokerRealm.eventsFor(realm, subject, "IDENTITY_PROVIDER_FIRST_LOGIN_ERROR").stream()
                .anyMatch(e -> "merchant_provider_email_missing".equals(e.getError())));
    }

    @Test
    void theMerchantCancellingAtGoogleIsBackOnTheSignInPage() {
        google.answersWithError("access_denied");

        FormBrowser browser = BrokerRealm.signInWithGoogle(new FormBrowser());

        assertOnSignInPageSaying(browser, "Access denied when authenticating with Google (test)");
    }

    @Test
    void googleAnsweringWithAnErrorIsBackOnTheSignInPage() {
        google.answersWithError("server_error");

        FormBrowser browser = BrokerRealm.signInWithGoogle(new FormBrowser());

        assertOnSignInPageSaying(browser, "Unexpected error when authenticating with identity provider");
    }

    @Test
    void googlesTokenEndpointFailingShowsKeycloaksErrorPageAndAnEvent() {
        String email = BrokerRealm.forgetAfterTest(realm, Accounts.newEmail("google-down"));
        google.signsInAs(UpstreamProvider.identity(UpstreamProvider.newSubject(), email, true, "Unlucky")).tokenEndpointFails();
        long before = System.currentTimeMillis();

        FormBrowser browser = BrokerRealm.signInWithGoogle(new FormBrowser());

        assertEquals(502, browser.status(), browser.text());
        assertTrue(browser.text().contains("Unexpected error when authenticating with identity provider"), browser.text());
        assertTrue(Accounts.withEmail(realm, email).isEmpty());
        assertTrue(BrokerRealm.events(realm, null, "IDENTITY_PROVIDER_LOGIN_ERROR").stream()
                .anyMatch(e -> e.getTime() >= before - 1000 && "identity_provider_login_failure".equals(e.getError())));
    }
}
