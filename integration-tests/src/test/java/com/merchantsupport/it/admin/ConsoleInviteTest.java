package com.merchantsupport.it.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.MailboxStepConfig;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import com.merchantsupport.it.support.Texts;
import jakarta.mail.internet.MimeMessage;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;

/**
 * What the console's own screens do for the journey (through the admin API, as the console calls it): "Create user"
 * with an email and no password invites the merchant, "Required user actions" gaining "Merchant Support: Create your
 * password" sends a link of a new generation, and Keycloak's own "Send email" never gives the merchant a second live
 * link (its link sends the pack's instead: docs/DEPLOYING.md).
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class ConsoleInviteTest {

    private static final String ACTION = "merchant-create-password";

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    private MailboxStepConfig manyEmails;
    private final List<String> made = new ArrayList<>();

    @BeforeEach
    void allowEmailsEveryMinute() {
        manyEmails = MailboxStepConfig.change(realm, Map.of("resendPerMinute", "10", "resendPerHour", "100"));
    }

    @AfterEach
    void cleanUp() {
        manyEmails.close();
        made.forEach(id -> {
            try {
                realm.admin().users().get(id).remove();
            } catch (jakarta.ws.rs.NotFoundException gone) {
                // removed by the test
            }
        });
    }

    @Test
    void aMerchantAnAdminCreatesWithoutAPasswordGetsTheWelcomeEmailAndFinishesAtTheHelpCenter() {
        String email = Accounts.newEmail("invited");
        String id = create(email, "Invited Merchant", null);

        MimeMessage welcome = Mails.newest(mail, email);
        assertEquals(Texts.email("en", "merchantWelcomeSubject"), Mails.subject(welcome));
        assertEquals(MerchantRealm.MAIL_SENDER, Mails.sender(welcome));
        UserRepresentation user = realm.admin().users().get(id).toRepresentation();
        assertEquals(List.of(ACTION), user.getRequiredActions(), "marked as a registered merchant who has not finished");
        assertEquals(List.of("awaiting-password"), user.getAttributes().get("merchantJourney"));
        assertTrue(sent(id).stream().anyMatch(e -> "admin-invite-sent".equals(e.getDetails().get("merchant_step"))),
                "SEND_VERIFY_EMAIL with merchant_step admin-invite-sent");

        // The journey starts at "Create your password", in any browser, and ends at the help center.
        FormBrowser browser = new FormBrowser().open(Mails.welcomeLink(welcome));
        assertEquals(200, browser.status(), browser.text());
        assertTrue(browser.text().contains(email), browser.text());
        Journey.createPassword(browser);
        String code = Journey.signInAgainFromHome(browser, "invited-own-state");
        assertTrue(Journey.idTokenClaims(Journey.tokens(code)).get("email_verified").asBoolean());
        UserRepresentation done = realm.admin().users().get(id).toRepresentation();
        assertTrue(done.getRequiredActions().isEmpty(), done.getRequiredActions().toString());
        assertEquals(List.of("completed"), done.getAttributes().get("merchantJourney"));
    }

    /**
     * The admin's network address is not a merchant's: with one address allowed two journey emails an hour, three
     * invites in a row from the admin's address each reach their merchant (counted per address, the third was refused).
     */
    @Test
    void anAdminInvitesMoreMerchantsThanOneNetworkAddressMayTriggerEmails() {
        try (var ignored = MailboxStepConfig.change(realm, Map.of("addressEmailsPerHour", "2"))) {
            List<String> team = List.of(Accounts.newEmail("team-a"), Accounts.newEmail("team-b"), Accounts.newEmail("team-c"));
            for (String email : team) {
                create(email, "Team Merchant", null);
            }
            for (String email : team) {
                assertEquals(Texts.email("en", "merchantWelcomeSubject"), Mails.subject(Mails.newest(mail, email)), email);
            }
        }
    }

    @Test
    void withInvitesTurnedOffAnAdminsNewMerchantGetsNothing() throws Exception {
        String email = Accounts.newEmail("not-invited");
        try (var ignored = MailboxStepConfig.change(realm, Map.of("inviteFromConsole", "false"))) {
            String id = create(email, "Quiet Merchant", null);
            Thread.sleep(3000);
            assertEquals(0, Mails.count(mail, email));
            UserRepresentation user = realm.admin().users().get(id).toRepresentation();
            assertTrue(user.getRequiredActions().isEmpty(), "stock Keycloak: " + user.getRequiredActions());
        }
    }

    @Test
    void aMerchantCreatedWithAPasswordOrWithoutAnEmailGetsNothing() throws Exception {
        String email = Accounts.newEmail("with-password");
        String id = create(email, "Password Merchant", "an-Admin-chosen-2026");
        UserRepresentation noEmail = new UserRepresentation();
        noEmail.setUsername("no-email-" + id.substring(0, 8));
        noEmail.setEnabled(true);
        noEmail.singleAttribute("name", "No Email");
        try (Response response = realm.admin().users().create(noEmail)) {
            // The realm uses the email as username: Keycloak refuses the account or makes one without email; neither is invited.
            if (response.getStatus() == 201) {
                made.add(idOf(response));
            }
        }
        Thread.sleep(3000);
        assertEquals(0, Mails.count(mail, email));
        UserRepresentation user = realm.admin().users().get(id).toRepresentation();
        assertTrue(user.getRequiredActions().isEmpty(), user.getRequiredActions().toString());
        assertNull(user.getAttributes() == null ? null : user.getAttributes().get("merchantJourney"));
    }

    @Test
    void addingTheRequiredActionSendsALinkOfANewGenerationAndTheOlderLinkIsReplaced() throws Exception {
        String email = Accounts.newEmail("action-added");
        FormBrowser registering = Journey.register(new FormBrowser(), "Added Merchant", email);
        String first = Mails.welcomeLink(Mails.newest(mail, email));
        UserRepresentation user = Accounts.one(realm, email);
        made.add(user.getId());

        // The admin clears the action (the link dies), then adds it back in Required user actions and saves.
        user.setRequiredActions(List.of());
        realm.admin().users().get(user.getId()).update(user);
        user.setRequiredActions(List.of(ACTION));
        realm.admin().users().get(user.getId()).update(user);

        List<MimeMessage> mails = Mails.await(mail, email, 2);
        String second = Mails.welcomeLink(mails.get(1));
        assertNotEquals(first, second);
        assertEquals(Mails.generation(first) + 1, Mails.generation(second), "a link of a new generation");
        FormBrowser old = new FormBrowser().open(first);
        assertEquals(410, old.status());
        assertTrue(old.text().contains(Texts.en("merchantLink_replaced_title")), old.text());

        // Saving the merchant again, the action still there, sends nothing.
        realm.admin().users().get(user.getId()).update(realm.admin().users().get(user.getId()).toRepresentation());
        Thread.sleep(3000);
        assertEquals(2, Mails.count(mail, email));

        FormBrowser phone = new FormBrowser().open(second);
        Journey.createPassword(phone);
        Journey.signInAgainFromHome(phone, "added-own-state");
        assertEquals(1, Accounts.credentials(realm, user.getId()).size());
        registering.close();
    }

    @Test
    void addingTheRequiredActionToAnAdminsMerchantWhoWasNotInvitedSendsTheFirstLink() throws Exception {
        String email = Accounts.newEmail("late-invite");
        String id;
        try (var ignored = MailboxStepConfig.change(realm, Map.of("inviteFromConsole", "false"))) {
            id = create(email, "Late Invite", null);
        }
        Thread.sleep(1000);
        assertEquals(0, Mails.count(mail, email));
        UserRepresentation user = realm.admin().users().get(id).toRepresentation();
        user.setRequiredActions(List.of(ACTION));
        realm.admin().users().get(id).update(user);

        Journey.createPassword(new FormBrowser().open(Mails.welcomeLink(Mails.newest(mail, email))));
        assertEquals(1, Accounts.credentials(realm, id).size());
    }

    /**
     * Keycloak's "Send email" (execute-actions-email) with the pack's action: Keycloak's own email goes out (Keycloak
     * sends it before any extension sees the request), but its link never creates the password: it ends on "we sent you
     * a new email", the pack's link of a new generation goes out, and the older pack link is replaced. At no moment can
     * two links create the password.
     */
    @Test
    void keycloaksSendEmailWithTheActionSendsThePacksLinkInsteadAndNeverASecondLiveLink() throws Exception {
        String email = Accounts.newEmail("send-email");
        Journey.register(new FormBrowser(), "Send Email Merchant", email);
        String first = Mails.welcomeLink(Mails.newest(mail, email));
        String id = Accounts.one(realm, email).getId();
        made.add(id);

        realm.admin().users().get(id).executeActionsEmail(List.of(ACTION));
        MimeMessage keycloaks = Mails.await(mail, email, 2).get(1);
        String keycloakLink = Mails.actionTokenLink(keycloaks);

        FormBrowser other = openKeycloaksLink(new FormBrowser(), keycloakLink);
        assertEquals(200, other.status(), other.text());
        assertNull(other.page().selectFirst(Journey.CREATE_PASSWORD_FORM), "Keycloak's link creates no password:\n" + other.text());
        assertTrue(other.text().contains(Texts.en("merchantLink_resent_text")), other.text());

        String packs = Mails.welcomeLink(Mails.await(mail, email, 3).get(2));
        assertEquals(Mails.generation(first) + 1, Mails.generation(packs));
        assertEquals(410, new FormBrowser().open(first).status(), "the older pack link is replaced");
        FormBrowser again = new FormBrowser().open(keycloakLink);
        assertNull(again.page().selectFirst(Journey.CREATE_PASSWORD_FORM), "Keycloak's link, again:\n" + again.text());
        assertTrue(Accounts.credentials(realm, id).isEmpty(), "no password made through Keycloak's link");

        FormBrowser phone = new FormBrowser().open(packs);
        Journey.createPassword(phone);
        Journey.signInAgainFromHome(phone, "send-email-own-state");
        assertEquals(1, Accounts.credentials(realm, id).size());
        assertEquals(410, new FormBrowser().open(packs).status(), "spent");
    }

    /**
     * A click on Keycloak's "Send email" link is the merchant's own request, limited like a resend: with the network
     * address's journey emails spent, it is refused (429, how long to wait) and nothing is sent; a click from another
     * network address sends the pack's link. (An admin's invites are not counted per address: above.) Keycloak spends
     * its link at the first click (the pack's action is a one-time action), so each click has a link of its own.
     */
    @Test
    void aClickOnKeycloaksLinkCountsAgainstTheMerchantsNetworkAddress() throws Exception {
        String email = Accounts.newEmail("send-email-limited");
        try (var ignored = MailboxStepConfig.change(realm, Map.of("addressEmailsPerHour", "1"))) {
            Journey.register(FormBrowser.from("127.0.0.55"), "Limited Merchant", email);
            Mails.newest(mail, email);
            String id = Accounts.one(realm, email).getId();
            made.add(id);

            realm.admin().users().get(id).executeActionsEmail(List.of(ACTION));
            realm.admin().users().get(id).executeActionsEmail(List.of(ACTION));
            List<MimeMessage> keycloaks = Mails.await(mail, email, 3).subList(1, 3);

            FormBrowser office = openKeycloaksLink(FormBrowser.from("127.0.0.55"), Mails.actionTokenLink(keycloaks.get(0)));
            assertEquals(429, office.status(), office.text());
            assertNotNull(office.reply().header("Retry-After"));
            assertTrue(office.text().contains(Texts.en("merchantLink_resend-limited_title")), office.text());
            assertNotNull(office.page().selectFirst("#merchant-link-wait"), office.text());
            Thread.sleep(1000);
            assertEquals(3, Mails.to(mail.getReceivedMessages(), email).size(), "the refused click sent nothing");

            FormBrowser home = openKeycloaksLink(FormBrowser.from("127.0.0.56"), Mails.actionTokenLink(keycloaks.get(1)));
            assertEquals(200, home.status(), home.text());
            assertTrue(home.text().contains(Texts.en("merchantLink_resent_text")), home.text());
            Mails.welcomeLink(Mails.await(mail, email, 4).get(3));
        }
    }

    /** Keycloak's link, through its "Perform the following action(s)" page when the browser has no session. */
    private static FormBrowser openKeycloaksLink(FormBrowser browser, String link) {
        browser.open(link);
        if (browser.page().selectFirst("a[href*='login-actions/action-token']") != null) {
            browser.open(browser.link("a[href*='login-actions/action-token']"));
        }
        return browser;
    }

    private String create(String email, String name, String password) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(email);
        user.setEmail(email);
        user.setEnabled(true);
        user.singleAttribute("name", name);
        if (password != null) {
            CredentialRepresentation credential = new CredentialRepresentation();
            credential.setType(CredentialRepresentation.PASSWORD);
            credential.setValue(password);
            credential.setTemporary(false);
            user.setCredentials(List.of(credential));
        }
        try (Response response = realm.admin().users().create(user)) {
            assertEquals(201, response.getStatus(), () -> response.readEntity(String.class));
            String id = idOf(response);
            made.add(id);
            return id;
        }
    }

    private static String idOf(Response response) {
        String path = response.getLocation().getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private List<EventRepresentation> sent(String userId) {
        long deadline = System.currentTimeMillis() + 10_000;
        List<EventRepresentation> events = List.of();
        while (System.currentTimeMillis() < deadline) {
            events = realm.admin().getEvents(List.of("SEND_VERIFY_EMAIL"), null, userId, null, null, null, 0, 50);
            if (!events.isEmpty()) {
                return events;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return events;
    }
}
