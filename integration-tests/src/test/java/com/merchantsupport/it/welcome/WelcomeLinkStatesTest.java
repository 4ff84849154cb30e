package com.merchantsupport.it.welcome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.ForgedKeys;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.MailboxStepConfig;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import com.merchantsupport.it.support.Texts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.remote.timeoffset.InjectTimeOffSet;
import org.keycloak.testframework.remote.timeoffset.TimeOffSet;

/**
 * The welcome link as a one-time credential: one live link per account, spent once by the password's POST,
 * inert on GET, dead once the account is complete by any path, and a clear page in every other state.
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class WelcomeLinkStatesTest {

    private static final String REPLACED = Texts.en("merchantLink_replaced_title");
    private static final String EXPIRED = Texts.en("merchantLink_expired_title");
    private static final String USED = Texts.en("merchantLink_used_title");
    private static final String COMPLETE = Texts.en("merchantLink_complete_title");
    private static final String UNAVAILABLE = Texts.en("merchantLink_unavailable_title");
    private static final String DAMAGED = Texts.en("merchantLink_damaged_title");

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    @InjectAdminClient
    Keycloak admin;

    @InjectTimeOffSet
    TimeOffSet timeOffSet;

    private MailboxStepConfig manyResends;

    @BeforeEach
    void allowResendsEveryMinute() {
        manyResends = MailboxStepConfig.change(realm, Map.of("resendPerMinute", "10", "resendPerHour", "100"));
    }

    @AfterEach
    void putTheLimitsBack() {
        timeOffSet.set(0);
        manyResends.close();
    }

    /** Registered: the link of the newest welcome email. */
    private String register(FormBrowser browser, String name, String email) {
        Journey.register(browser, name, email);
        assertTrue(browser.text().contains(Texts.en("merchantMailboxTitle")), browser.text());
        return Mails.welcomeLink(mail, email);
    }

    private static void assertPage(FormBrowser browser, int status, String title) {
        assertEquals(status, browser.status(), browser.text());
        assertTrue(browser.text().contains(title), "expected '" + title + "' in: " + browser.text());
        assertNull(browser.page().selectFirst(Journey.CREATE_PASSWORD_FORM), "no password form: " + browser.text());
    }

    /** What the admin console shows of the account: email verified, attributes, required actions, credentials. */
    private Accounts.Snapshot adminView(String email) {
        return Accounts.snapshot(realm, Accounts.one(realm, email).getId());
    }

    @Test
    void theCreatePasswordPageNamesTheAccountItIsForAndOpensInOneResponse() {
        String email = Accounts.newEmail("named");
        String link = register(new FormBrowser(), "Named Merchant", email);

        FormBrowser browser = new FormBrowser().open(link);
        // No redirect hop: the link's own answer is the page.
        assertEquals(List.of(200), browser.reply().chain());
        assertNotNull(browser.page().selectFirst(Journey.CREATE_PASSWORD_FORM), browser.text());
        assertTrue(String.valueOf(browser.reply().header("Cache-Control")).contains("no-store"), "never kept by a browser");
        assertEquals(Texts.en("merchantCreatePasswordFor", email), browser.page().selectFirst("#merchant-password-for").text());
        String action = browser.page().selectFirst(Journey.CREATE_PASSWORD_FORM).attr("action");
        assertTrue(action.contains("/realms/" + MerchantRealm.NAME + "/login-actions/required-action?")
                && action.contains("execution=merchant-create-password") && action.contains("tab_id="), action);
    }

    @Test
    void openingTheLinkWithoutCookiesAnyNumberOfTimesChangesNothingOnTheAccount() {
        String email = Accounts.newEmail("scanner");
        String link = register(new FormBrowser(), "Scanned Merchant", email);
        Accounts.Snapshot before = adminView(email);

        for (int i = 0; i < 3; i++) {
            // A mail scanner: each time a client with no cookie.
            try (FormBrowser scanner = new FormBrowser()) {
                assertEquals(200, scanner.open(link).status());
            }
        }
        new FormBrowser().open(link);

        assertEquals(before, adminView(email));
        assertFalse(before.emailVerified(), before.toString());
        assertTrue(before.credentials().isEmpty(), before.toString());
    }

    @Test
    void aResendReplacesTheOlderLinkWhichOffersANewOne() {
        String email = Accounts.newEmail("resent");
        FormBrowser laptop = new FormBrowser();
        String first = register(laptop, "Resent Merchant", email);
        laptop.submit(Journey.MAILBOX_FORM, Map.of("action", "resend"));
        assertTrue(laptop.text().contains(Texts.en("merchantMailboxResent")), laptop.text());
        String second = Mails.welcomeLinks(mail, email, 2).get(1);

        FormBrowser old = new FormBrowser().open(first);
        assertPage(old, 410, REPLACED);
        assertNotNull(old.page().selectFirst("#merchant-new-link"), "a new link is offered");
        // A browser that showed this link's earlier answer must not show it again from its cache.
        assertTrue(String.valueOf(old.reply().header("Cache-Control")).contains("no-store"), old.reply().headers().toString());

        FormBrowser phone = new FormBrowser().open(second);
        Journey.createPassword(phone);
        Journey.signInAgainFromHome(phone, "after-resend");
    }

    @Test
    void registeringAgainReplacesTheOlderLinkAndTheNewLinkOfferReplacesItInTurn() {
        String email = Accounts.newEmail("again");
        String first = register(new FormBrowser(), "Again Merchant", email);
        String second = register(new FormBrowser(), "Again Merchant", email);
        Mails.await(mail, email, 2);

        FormBrowser old = new FormBrowser().open(first);
        assertPage(old, 410, REPLACED);

        // "Send me a new link" from the replaced page: a third link, which replaces the second.
        old.submit("#merchant-new-link-form", Map.of());
        assertTrue(old.text().contains(Texts.en("merchantLink_resent_text")), old.text());
        String third = Mails.welcomeLinks(mail, email, 3).get(2);
        assertPage(new FormBrowser().open(second), 410, REPLACED);
        FormBrowser phone = new FormBrowser().open(third);
        Journey.createPassword(phone);
        Journey.signInAgainFromHome(phone, "third-link");
    }

    @Test
    void anExpiredLinkReplacedLaterSaysReplaced() {
        String email = Accounts.newEmail("expired-then-replaced");
        String first = register(new FormBrowser(), "Late Merchant", email);
        timeOffSet.set(25 * 3600);
        assertPage(new FormBrowser().open(first), 410, EXPIRED);
        timeOffSet.set(0);
        register(new FormBrowser(), "Late Merchant", email);
        Mails.await(mail, email, 2);
        assertPage(new FormBrowser().open(first), 410, REPLACED);
    }

    @Test
    void aStaleFormPostedAfterTheLinkWasReplacedCreatesNothing() {
        String email = Accounts.newEmail("stale");
        FormBrowser laptop = new FormBrowser();
        String first = register(laptop, "Stale Merchant", email);
        FormBrowser phone = new FormBrowser().open(first);
        laptop.submit(Journey.MAILBOX_FORM, Map.of("action", "resend"));
        Mails.await(mail, email, 2);

        Journey.createPassword(phone);

        assertPage(phone, 410, REPLACED);
        assertNotNull(phone.page().selectFirst("#merchant-new-link"));
        assertTrue(adminView(email).credentials().isEmpty(), "no password from a replaced link");
    }

    @Test
    void aSpentLinkIsRefusedEverywhereAfterwards() {
        String email = Accounts.newEmail("spent");
        String link = register(new FormBrowser(), "Spent Merchant", email);
        FormBrowser second = new FormBrowser().open(link);
        FormBrowser first = new FormBrowser().open(link);
        Journey.createPassword(first);
        Journey.signInAgainFromHome(first, "spent-first");

        assertPage(new FormBrowser().open(link), 410, USED);
        // A page opened before the spend, posted after it.
        Journey.createPassword(second);
        assertPage(second, 410, USED);
        assertEquals(1, Accounts.credentials(realm, Accounts.one(realm, email).getId()).size());
    }

    @Test
    void twoBrowsersPostingTheSameLinkAtTheSameInstantSignInExactlyOnce() throws Exception {
        for (int round = 0; round < 20; round++) {
            String email = Accounts.newEmail("race" + round);
            String link = register(new FormBrowser(), "Racing Merchant", email);
            FormBrowser a = new FormBrowser().open(link);
            FormBrowser b = new FormBrowser().open(link);
            CyclicBarrier together = new CyclicBarrier(2);
            List<CompletableFuture<FormBrowser>> posts = new ArrayList<>();
            for (FormBrowser browser : List.of(a, b)) {
                posts.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        together.await();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    Journey.createPassword(browser);
                    return browser;
                }));
            }
            int signedIn = 0;
            for (CompletableFuture<FormBrowser> post : posts) {
                FormBrowser browser = post.get();
                String location = browser.location();
                if (browser.status() / 100 == 3 && MerchantRealm.atHelpCenter(location)) {
                    signedIn++;
                } else {
                    assertPage(browser, 410, USED);
                }
            }
            assertEquals(1, signedIn, "round " + round + ": exactly one browser signed in");
            assertEquals(1, Accounts.credentials(realm, Accounts.one(realm, email).getId()).size(), "round " + round + ": one password");
        }
    }

    @Test
    void aLinkIsDeadOnceAnAdminSetAPassword() {
        String email = Accounts.newEmail("admin-password");
        String link = register(new FormBrowser(), "Helped Merchant", email);
        FormBrowser opened = new FormBrowser().open(link);
        UserRepresentation user = Accounts.one(realm, email);
        CredentialRepresentation password = new CredentialRepresentation();
        password.setType(CredentialRepresentation.PASSWORD);
        password.setValue("an-Admin-chosen-2026");
        password.setTemporary(false);
        realm.admin().users().get(user.getId()).resetPassword(password);

        assertPage(new FormBrowser().open(link), 410, COMPLETE);
        Journey.createPassword(opened);
        assertPage(opened, 410, COMPLETE);
        assertEquals(1, Accounts.credentials(realm, user.getId()).size(), "the admin's password only");
    }

    @Test
    void aLinkIsDeadOnceAnAdminClearedTheCreatePasswordAction() {
        String email = Accounts.newEmail("admin-cleared");
        String link = register(new FormBrowser(), "Cleared Merchant", email);
        UserRepresentation user = Accounts.one(realm, email);
        user.setRequiredActions(List.of());
        realm.admin().users().get(user.getId()).update(user);

        assertPage(new FormBrowser().open(link), 410, COMPLETE);
    }

    @Test
    void aDisabledAccountOrAChangedEmailOrARecreatedAccountMakesTheLinkUnavailable() {
        String disabledEmail = Accounts.newEmail("disabled");
        String disabledLink = register(new FormBrowser(), "Disabled Merchant", disabledEmail);
        UserRepresentation disabled = Accounts.one(realm, disabledEmail);
        disabled.setEnabled(false);
        realm.admin().users().get(disabled.getId()).update(disabled);
        assertPage(new FormBrowser().open(disabledLink), 410, UNAVAILABLE);

        String changedEmail = Accounts.newEmail("changed");
        String changedLink = register(new FormBrowser(), "Changed Merchant", changedEmail);
        UserRepresentation changed = Accounts.one(realm, changedEmail);
        changed.setEmail(Accounts.newEmail("someone-else"));
        realm.admin().users().get(changed.getId()).update(changed);
        assertPage(new FormBrowser().open(changedLink), 410, UNAVAILABLE);

        String recreatedEmail = Accounts.newEmail("recreated");
        String recreatedLink = register(new FormBrowser(), "Recreated Merchant", recreatedEmail);
        realm.admin().users().get(Accounts.one(realm, recreatedEmail).getId()).remove();
        register(new FormBrowser(), "Recreated Merchant", recreatedEmail);
        assertPage(new FormBrowser().open(recreatedLink), 410, UNAVAILABLE);
        assertTrue(adminView(recreatedEmail).credentials().isEmpty());
    }

    @Test
    void keysThatAreNotThisRealmsWelcomeLinksAreDamaged() throws Exception {
        String email = Accounts.newEmail("forged");
        String link = register(new FormBrowser(), "Forged Merchant", email);
        String key = Pages.keyOf(link);

        // Truncated.
        assertPage(new FormBrowser().open(Pages.welcomeOpen(key.substring(0, key.length() - 10))), 400, DAMAGED);
        // The claims changed (a later generation, say) with the signature kept, and signed with "none".
        String changedClaims = ForgedKeys.withClaims(key, Map.of("gen", 99));
        assertPage(new FormBrowser().open(Pages.welcomeOpen(changedClaims)), 400, DAMAGED);
        assertPage(new FormBrowser().open(Pages.welcomeOpen(ForgedKeys.algNone(changedClaims))), 400, DAMAGED);
        // A token another realm signed (the master realm's admin token), and this realm's key at a realm without the journey.
        assertPage(new FormBrowser().open(Pages.welcomeOpen(admin.tokenManager().getAccessTokenString())), 400, DAMAGED);
        assertEquals(404, new FormBrowser().open(Pages.base() + "/realms/master/merchant-welcome/open?key=" + key).status());
        // A key this realm signed for another action (Keycloak's own "update your account" email).
        String other = Accounts.newEmail("other-typ");
        String otherId = Accounts.existingMerchant(realm, other, "an-old-Password-123");
        realm.admin().users().get(otherId).executeActionsEmail(List.of("UPDATE_PASSWORD"));
        String foreign = Pages.keyOf(Mails.actionTokenLink(Mails.newest(mail, other)));
        assertPage(new FormBrowser().open(Pages.welcomeOpen(foreign)), 400, DAMAGED);

        assertTrue(adminView(email).credentials().isEmpty());
    }

    @Test
    void aWelcomeKeyBroughtToKeycloaksActionTokenEndpointGoesToTheFrontDoorAndChangesNothing() {
        String email = Accounts.newEmail("action-token");
        String link = register(new FormBrowser(), "Detour Merchant", email);
        Accounts.Snapshot before = adminView(email);
        String key = Pages.keyOf(link);

        FormBrowser browser = new FormBrowser().open(Pages.realmUrl() + "/login-actions/action-token?key=" + key);

        assertEquals(200, browser.status(), browser.text());
        assertNotNull(browser.page().selectFirst(Journey.CREATE_PASSWORD_FORM), browser.text());
        assertEquals(before, adminView(email));
    }
}
