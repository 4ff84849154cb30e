package com.merchantsupport.it.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.HelpCenterStandIn;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import com.merchantsupport.it.support.Texts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;

/**
 * The seed's "blocked page" step, recovered from on the page itself: cookies gone (ad blocker, privacy setting,
 * deleted) or the captcha's script blocked. "Reload and connect again" starts cleanly and the merchant gets to
 * "check your mailbox".
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class BlockedPagesBrowserTest {

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    private Browser browser;

    @AfterEach
    void close() {
        if (browser != null) {
            browser.close();
        }
    }

    /**
     * The error page knows the help center (the client_id of the request) and links to its home: the client's base
     * URL. From there the help center starts a new sign-in, with its own state and PKCE, and cookies work again.
     */
    @Test
    void cookiesGoneThenReloadAndConnectAgainStartsCleanlyAtTheHelpCenter() throws Exception {
        ClientRepresentation client = realm.admin().clients().findByClientId(MerchantRealm.HELP_CENTER_CLIENT).get(0);
        String baseUrl = client.getBaseUrl();
        try (HelpCenterStandIn helpCenter = HelpCenterStandIn.start(realm)) {
            homeOfTheHelpCenter(HelpCenterStandIn.URL + "/");
            browser = new Browser("en");
            browser.open(HelpCenterStandIn.URL + "/register").waitFor("#kc-register-form #email");
            browser.fillRegistration("Cookie Monster", Accounts.newEmail("cookies")).captchaDone();
            browser.deleteAllCookies();
            browser.find("#kc-submit").click();

            browser.waitFor("#merchant-blocked");
            assertEquals(Texts.en("merchantBlockedTitle"), browser.title());
            assertTrue(browser.text().contains(Texts.en("cookieNotFoundMessage")), browser.text());
            assertEquals(3, browser.all("#merchant-blocked li").size(), "how to allow the site");
            assertEquals(Texts.en("merchantBlockedReload"), browser.find("#merchant-reload").getText().trim());
            assertEquals(HelpCenterStandIn.URL + "/", browser.find("#merchant-reload").getAttribute("href"));

            browser.find("#merchant-reload").click();
            browser.waitFor("#register").click(); // the help center's own "Create an account"
            String email = Accounts.newEmail("reloaded");
            browser.waitFor("#kc-register-form #email");
            browser.fillRegistration("Cookie Monster", email).connect();
            browser.waitFor("#merchant-mailbox");
            assertTrue(browser.text().contains(Texts.en("merchantMailboxSent", email)), browser.text());
            assertEquals(1, Accounts.withEmail(realm, email).size());
        } finally {
            homeOfTheHelpCenter(baseUrl);
        }
    }

    /** Why the page does not offer Keycloak's own restart link: without cookies it has nothing to restart. */
    @Test
    void keycloaksRestartUrlCannotHelpWithoutCookies() {
        FormBrowser noCookies = new FormBrowser().open(Pages.realmUrl()
                + "/login-actions/restart?client_id=" + MerchantRealm.HELP_CENTER_CLIENT + "&skip_logout=false");

        assertEquals(400, noCookies.status());
        assertEquals(Texts.en("merchantBlockedTitle"), noCookies.page().selectFirst("#kc-page-title").text());
        String home = realm.admin().clients().findByClientId(MerchantRealm.HELP_CENTER_CLIENT).get(0).getBaseUrl();
        assertEquals(home, noCookies.page().selectFirst("#merchant-reload").attr("href"));
    }

    @Test
    void aBlockedCaptchaOffersAReloadThatWorksOnceTheSiteIsAllowed() {
        browser = new Browser("en");
        browser.blockUrls("*/js/altcha/altcha.js");
        browser.openRegistration();
        browser.until(d -> "error".equals(browser.find("#merchant-captcha").getAttribute("data-captcha-state")));
        assertTrue(browser.find("[data-captcha-blocked]").getText().contains(Texts.en("captchaBlocked")));
        assertFalse(browser.find("#kc-submit").isEnabled(), "Connect waits");
        assertEquals(Texts.en("merchantBlockedReload"), browser.find("#merchant-captcha-reload").getText().trim());

        browser.blockUrls(); // the merchant allowed the site
        browser.find("#merchant-captcha-reload").click();
        String email = Accounts.newEmail("captcha-reload");
        browser.waitFor("#kc-register-form #email");
        browser.fillRegistration("Unblocked Merchant", email).connect();
        browser.waitFor("#merchant-mailbox");
        assertEquals(1, Accounts.withEmail(realm, email).size());
    }

    @Test
    void withoutJavaScriptTheRegistrationPageSaysWhyAndHow() {
        browser = new Browser("fr");
        browser.javaScript(false);
        browser.signIn();
        browser.find("#kc-registration a").click();

        browser.waitFor("#merchant-noscript-reload");
        String text = browser.find("#merchant-captcha").getText();
        assertTrue(text.contains(Texts.text("fr", "captchaNoScript")), text);
        assertTrue(text.contains(Texts.text("fr", "merchantBlockedStepCookies")), text);
        assertEquals(Texts.text("fr", "merchantBlockedReload"), browser.find("#merchant-noscript-reload").getText().trim());
    }

    private void homeOfTheHelpCenter(String url) {
        ClientRepresentation client = realm.admin().clients().findByClientId(MerchantRealm.HELP_CENTER_CLIENT).get(0);
        client.setBaseUrl(url);
        realm.admin().clients().get(client.getId()).update(client);
    }
}
