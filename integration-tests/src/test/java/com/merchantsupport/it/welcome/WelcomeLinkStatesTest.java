package com.merchantsupport.it.welcome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.MailboxStepConfig;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.representations.idm.UserRepresentation;
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

    private static final String PASSWORD = "a-Good-password-2026";
    private static final Pattern ACTION_TOKEN_KEY = Pattern.compile("/login-actions/action-token\\?key=([A-Za-z0-9._\\-]+)");

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

    private List<MimeMessage> welcomeMails(String email, int atLeast) {
        long deadline = System.currentTimeMillis() + 15_000;
        List<MimeMessage> found = Mails.to(mail.getReceivedMessages(), email);
        while (found.size() < atLeast && System.currentTimeMillis() < deadline) {
            mail.waitForIncomingEmail(1);
            found = Mails.to(mail.getReceivedMessages(), email);
        }
        assertTrue(found.size() >= atLeast, "expected " + atLeast + " emails to " + email + ", got " + found.size());
        return found;
    }

    private String register(FormBrowser browser, String name, String email) {
        Journey.register(browser, name, email);
        assertTrue(browser.text().contains("Check your mailbox"), browser.text());
        return Mails.welcomeLink(welcomeMails(email, 1).get(0));
    }

    private static void createPassword(FormBrowser browser) {
        browser.submit("#merchant-create-password-form", Map.of("password-new", PASSWORD, "password-confirm", PASSWORD));
    }

    private static void assertPage(FormBrowser browser, int status, String title) {
        assertEquals(status, browser.status(), browser.text());
        assertTrue(browser.text().contains(title), "expected '" + title + "' in: " + browser.text());
        assertNull(browser.page().selectFirst("#merchant-create-password-form"), "no password form: " + browser.text());
    }

    /** What the admin console shows of an account: email verified, attributes, required actions, credentials. */
    private String adminView(String email) {
        UserRepresentation user = Accounts.one(realm, email);
        List<String> credentials = Accounts.credentials(realm, user.getId()).stream()
                .map(CredentialRepresentation::getType).sorted().toList();
        return "enabled=" + user.isEnabled() + " emailVerified=" + user.isEmailVerified()
                + " attributes=" + new java.util.TreeMap<>(user.getAttributes())
                + " requiredActions=" + user.getRequiredActions() + " credentials=" + credentials;
    }

    @Test
    void theCreatePasswordPageNamesTheAccountItIsForAndOpensInOneResponse() throws Exception {
        String email = Accounts.newEmail("named");
        String link = register(new FormBrowser(), "Named Merchant", email);

        // No redirect hop: the link's own answer is the page.
        HttpResponse<String> direct = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(link)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, direct.statusCode());
        assertTrue(direct.body().contains("merchant-create-password-form"), direct.body());
        assertTrue(direct.headers().firstValue("Cache-Control").orElse("").contains("no-store"), "never kept by a browser");

        FormBrowser browser = new FormBrowser().open(link);
        assertEquals("Create the password for " + email, browser.page().selectFirst("#merchant-password-for").text());
        String action = browser.page().selectFirst("#merchant-create-password-form").attr("action");
        assertTrue(action.contains("/realms/" + MerchantRealm.NAME + "/login-actions/required-action?")
                && action.contains("execution=merchant-create-password") && action.contains("tab_id="), action);
    }

    @Test
    void openingTheLinkWithoutCookiesAnyNumberOfTimesChangesNothingOnTheAccount() throws Exception {
        String email = Accounts.newEmail("scanner");
        String link = register(new FormBrowser(), "Scanned Merchant", email);
        String before = adminView(email);

        HttpClient scanner = HttpClient.newHttpClient();
        for (int i = 0; i < 3; i++) {
            assertEquals(200, scanner.send(HttpRequest.newBuilder(URI.create(link)).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        }
        new FormBrowser().open(link);

        assertEquals(before, adminView(email));
        assertTrue(before.contains("emailVerified=false"), before);
        assertTrue(before.contains("credentials=[]"), before);
    }

    @Test
    void aResendReplacesTheOlderLinkWhichOffersANewOne() throws Exception {
        String email = Accounts.newEmail("resent");
        FormBrowser laptop = new FormBrowser();
        String first = register(laptop, "Resent Merchant", email);
        laptop.submit("#merchant-mailbox-form", Map.of("action", "resend"));
        assertTrue(laptop.text().contains("A new email is on its way."), laptop.text());
        String second = Mails.welcomeLink(welcomeMails(email, 2).get(1));

        FormBrowser old = new FormBrowser().open(first);
        assertPage(old, 410, "This link was replaced by a newer one");
        assertNotNull(old.page().selectFirst("#merchant-new-link"), "a new link is offered");
        // A browser that showed this link's earlier answer must not show it again from its cache.
        HttpResponse<String> again = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(first)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(again.headers().firstValue("Cache-Control").orElse("").contains("no-store"), again.headers().toString());

        FormBrowser phone = new FormBrowser().open(second);
        createPassword(phone);
        Journey.signInAgainFromHome(phone, "after-resend");
    }

    @Test
    void registeringAgainReplacesTheOlderLinkAndTheNewLinkOfferReplacesItInTurn() {
        String email = Accounts.newEmail("again");
        String first = register(new FormBrowser(), "Again Merchant", email);
        String second = register(new FormBrowser(), "Again Merchant", email);
        welcomeMails(email, 2);

        FormBrowser old = new FormBrowser().open(first);
        assertPage(old, 410, "This link was replaced by a newer one");

        // "Send me a new link" from the replaced page: a third link, which replaces the second.
        old.submit("#merchant-new-link-form", Map.of());
        assertTrue(old.text().contains("We sent you a new email"), old.text());
        String third = Mails.welcomeLink(welcomeMails(email, 3).get(2));
        assertPage(new FormBrowser().open(second), 410, "This link was replaced by a newer one");
        FormBrowser phone = new FormBrowser().open(third);
        createPassword(phone);
        Journey.signInAgainFromHome(phone, "third-link");
    }

    @Test
    void anExpiredLinkReplacedLaterSaysReplaced() {
        String email = Accounts.newEmail("expired-then-replaced");
        String first = register(new FormBrowser(), "Late Merchant", email);
        timeOffSet.set(25 * 3600);
        assertPage(new FormBrowser().open(first), 410, "This link has expired");
        timeOffSet.set(0);
        register(new FormBrowser(), "Late Merchant", email);
        welcomeMails(email, 2);
        assertPage(new FormBrowser().open(first), 410, "This link was replaced by a newer one");
    }

    @Test
    void aStaleFormPostedAfterTheLinkWasReplacedCreatesNothing() {
        String email = Accounts.newEmail("stale");
        FormBrowser laptop = new FormBrowser();
        String first = register(laptop, "Stale Merchant", email);
        FormBrowser phone = new FormBrowser().open(first);
        laptop.submit("#merchant-mailbox-form", Map.of("action", "resend"));
        welcomeMails(email, 2);

        createPassword(phone);

        assertPage(phone, 410, "This link was replaced by a newer one");
        assertNotNull(phone.page().selectFirst("#merchant-new-link"));
        assertTrue(adminView(email).contains("credentials=[]"), "no password from a replaced link");
    }

    @Test
    void aSpentLinkIsRefusedEverywhereAfterwards() {
        String email = Accounts.newEmail("spent");
        String link = register(new FormBrowser(), "Spent Merchant", email);
        FormBrowser second = new FormBrowser().open(link);
        FormBrowser first = new FormBrowser().open(link);
        createPassword(first);
        Journey.signInAgainFromHome(first, "spent-first");

        assertPage(new FormBrowser().open(link), 410, "Your password is already created");
        // A page opened before the spend, posted after it.
        createPassword(second);
        assertPage(second, 410, "Your password is already created");
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
                    createPassword(browser);
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
                    assertPage(browser, 410, "Your password is already created");
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

        assertPage(new FormBrowser().open(link), 410, "Your account is ready");
        createPassword(opened);
        assertPage(opened, 410, "Your account is ready");
        assertEquals(1, Accounts.credentials(realm, user.getId()).size(), "the admin's password only");
    }

    @Test
    void aLinkIsDeadOnceAnAdminClearedTheCreatePasswordAction() {
        String email = Accounts.newEmail("admin-cleared");
        String link = register(new FormBrowser(), "Cleared Merchant", email);
        UserRepresentation user = Accounts.one(realm, email);
        user.setRequiredActions(List.of());
        realm.admin().users().get(user.getId()).update(user);

        assertPage(new FormBrowser().open(link), 410, "Your account is ready");
    }

    @Test
    void aDisabledAccountOrAChangedEmailOrARecreatedAccountMakesTheLinkUnavailable() {
        String disabledEmail = Accounts.newEmail("disabled");
        String disabledLink = register(new FormBrowser(), "Disabled Merchant", disabledEmail);
        UserRepresentation disabled = Accounts.one(realm, disabledEmail);
        disabled.setEnabled(false);
        realm.admin().users().get(disabled.getId()).update(disabled);
        assertPage(new FormBrowser().open(disabledLink), 410, "This link no longer works");

        String changedEmail = Accounts.newEmail("changed");
        String changedLink = register(new FormBrowser(), "Changed Merchant", changedEmail);
        UserRepresentation changed = Accounts.one(realm, changedEmail);
        changed.setEmail(Accounts.newEmail("someone-else"));
        realm.admin().users().get(changed.getId()).update(changed);
        assertPage(new FormBrowser().open(changedLink), 410, "This link no longer works");

        String recreatedEmail = Accounts.newEmail("recreated");
        String recreatedLink = register(new FormBrowser(), "Recreated Merchant", recreatedEmail);
        realm.admin().users().get(Accounts.one(realm, recreatedEmail).getId()).remove();
        register(new FormBrowser(), "Recreated Merchant", recreatedEmail);
        assertPage(new FormBrowser().open(recreatedLink), 410, "This link no longer works");
        assertTrue(adminView(recreatedEmail).contains("credentials=[]"));
    }

    @Test
    void keysThatAreNotThisRealmsWelcomeLinksAreDamaged() throws Exception {
        String email = Accounts.newEmail("forged");
        String link = register(new FormBrowser(), "Forged Merchant", email);
        String key = link.substring(link.indexOf("key=") + 4);
        String[] parts = key.split("\\.");

        // Truncated.
        assertPage(new FormBrowser().open(Pages.realmUrl() + "/merchant-welcome/open?key=" + key.substring(0, key.length() - 10)),
                400, "This link cannot be used");
        // The claims changed (a later generation, say) with the signature kept, and signed with "none".
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replaceAll("\"gen\":\\d+", "\"gen\":99");
        String changedClaims = parts[0] + "." + b64(payload) + "." + parts[2];
        assertPage(new FormBrowser().open(Pages.realmUrl() + "/merchant-welcome/open?key=" + changedClaims), 400, "This link cannot be used");
        String unsigned = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(payload) + ".";
        assertPage(new FormBrowser().open(Pages.realmUrl() + "/merchant-welcome/open?key=" + unsigned), 400, "This link cannot be used");
        // A token another realm signed (the master realm's admin token), and this realm's key at a realm without the journey.
        assertPage(new FormBrowser().open(Pages.realmUrl() + "/merchant-welcome/open?key=" + admin.tokenManager().getAccessTokenString()),
                400, "This link cannot be used");
        assertEquals(404, new FormBrowser().open(Pages.base() + "/realms/master/merchant-welcome/open?key=" + key).status());
        // A key this realm signed for another action (Keycloak's own "update your account" email).
        String other = Accounts.newEmail("other-typ");
        String otherId = Accounts.existingMerchant(realm, other, "an-old-Password-123");
        realm.admin().users().get(otherId).executeActionsEmail(List.of("UPDATE_PASSWORD"));
        Matcher foreign = ACTION_TOKEN_KEY.matcher(Mails.text(welcomeMails(other, 1).get(0)));
        assertTrue(foreign.find());
        assertPage(new FormBrowser().open(Pages.realmUrl() + "/merchant-welcome/open?key=" + foreign.group(1)), 400, "This link cannot be used");

        assertEquals("credentials=[]", adminView(email).replaceAll(".* (credentials=)", "$1"));
    }

    @Test
    void aWelcomeKeyBroughtToKeycloaksActionTokenEndpointGoesToTheFrontDoorAndChangesNothing() {
        String email = Accounts.newEmail("action-token");
        String link = register(new FormBrowser(), "Detour Merchant", email);
        String before = adminView(email);
        String key = link.substring(link.indexOf("key=") + 4);

        FormBrowser browser = new FormBrowser().open(Pages.realmUrl() + "/login-actions/action-token?key=" + key);

        assertEquals(200, browser.status(), browser.text());
        assertNotNull(browser.page().selectFirst("#merchant-create-password-form"), browser.text());
        assertEquals(before, adminView(email));
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
