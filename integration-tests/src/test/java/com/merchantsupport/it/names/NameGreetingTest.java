package com.merchantsupport.it.names;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.MailboxStepConfig;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Texts;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;

/**
 * No phishing through the greeting: the welcome and "someone tried to register" emails greet by name only when no
 * mail client could turn the name into a link; otherwise "Hello," without it, in the HTML and the text part alike.
 * Registers six times.
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class NameGreetingTest {

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    @Test
    void aLinkLikeNameIsLeftOutOfTheWelcomeEmail() {
        for (String name : List.of("evil.com", "Visit WWW now", "Ada a.b Lovelace", "ada@evil")) {
            String email = Accounts.newEmail("greet-link");
            Journey.register(new FormBrowser(), name, email);
            MimeMessage welcome = Mails.newest(mail, email);

            assertGreetedWithoutName(welcome, "en", name);
            assertEquals(List.of(name), Accounts.one(realm, email).getAttributes().get("name"), "the name itself is kept");
        }
    }

    @Test
    void aLinkLikeNameIsLeftOutInTheMerchantsLanguage() {
        String email = Accounts.newEmail("greet-link-fr");
        Journey.register(new FormBrowser().language("fr"), "evil.com", email);

        assertGreetedWithoutName(Mails.newest(mail, email), "fr", "evil.com");
    }

    @Test
    void anOrdinaryNameIsGreeted() {
        String email = Accounts.newEmail("greet-name");
        Journey.register(new FormBrowser(), "Ada Lovelace", email);
        MimeMessage welcome = Mails.newest(mail, email);

        String greeting = Texts.email("en", "merchantWelcomeGreeting", "Ada Lovelace");
        assertTrue(Mails.text(welcome).startsWith(greeting), Mails.text(welcome));
        assertTrue(Mails.html(welcome).contains(greeting), Mails.html(welcome));
    }

    @Test
    void theSomeoneTriedEmailLeavesOutALinkLikeNameToo() {
        String email = Accounts.newEmail("greet-owner");
        String id = Accounts.existingMerchant(realm, email, Journey.PASSWORD);
        UserRepresentation owner = realm.admin().users().get(id).toRepresentation();
        owner.singleAttribute("name", "Support at evil.com"); // the name rule allows it; only the greeting leaves it out
        realm.admin().users().get(id).update(owner);

        try (var ignored = MailboxStepConfig.change(realm, Map.of("alreadyUsedMode", "private"))) {
            Journey.register(new FormBrowser(), "Someone", email);
        }
        MimeMessage warning = Mails.newest(mail, email);

        assertEquals(Texts.email("en", "merchantSomeoneTriedSubject"), Mails.subject(warning));
        assertGreetedWithoutName(warning, "en", "evil.com");
    }

    private static void assertGreetedWithoutName(MimeMessage message, String language, String name) {
        String text = Mails.text(message);
        String html = Mails.html(message);
        String hello = Texts.email(language, "merchantGreetingWithoutName");
        assertTrue(text.startsWith(hello + "\n") || text.startsWith(hello + "\r\n"), text);
        assertTrue(html.contains("<p>" + hello + "</p>"), html);
        for (String part : List.of(name, name.toLowerCase())) {
            assertFalse(text.contains(part), "text part names " + part + ":\n" + text);
            assertFalse(html.contains(part), "HTML part names " + part + ":\n" + html);
        }
    }
}
