package com.merchantsupport.it.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.AltchaSolver;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.KeycloakDistribution;
import com.merchantsupport.it.support.KeycloakNode;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.Pages;
import com.merchantsupport.it.support.PostgresServer;
import com.merchantsupport.it.support.Shutdown;
import com.merchantsupport.it.support.Texts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A deployer who keeps Keycloak's tables in a schema of their own ({@code --db-schema}): the pack's tables are made
 * there too, and every statement of the journey finds them, the native ones included (the limits' counts, the welcome
 * link's spend). On PostgreSQL, with nothing of the pack's in {@code public}. Keycloak also sets the connection's
 * search path to that schema there, so this passes with or without the schema named in the native statements
 * ({@code {h-schema}}, which databases without such a default need); what it shows is the journey, not that name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseSchemaTest {

    static final String SCHEMA = "merchant_support";

    private PostgresServer database;
    private GreenMail mail;
    private KeycloakDistribution built;
    private KeycloakNode node;

    @BeforeAll
    void start() {
        database = PostgresServer.start(15732);
        database.execute("CREATE SCHEMA " + SCHEMA + " AUTHORIZATION " + PostgresServer.USER);
        mail = new GreenMail(new ServerSetup(3325, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        built = KeycloakNode.buildForPostgres();
        node = KeycloakNode.on(built, "schema-node", 8580, 8000, database, 3325).withOptions("--db-schema=" + SCHEMA).start();
    }

    @AfterAll
    void stop() {
        Shutdown.all(node, built, database, mail == null ? null : mail::stop);
    }

    @Test
    void theWholeJourneyRunsWithKeycloaksTablesInASchemaOfTheirOwn() {
        String email = Accounts.newEmail("schema");
        FormBrowser merchant = new FormBrowser();
        merchant.open(Pages.signInAt(node.base(), ""));
        merchant.open(merchant.link("#kc-registration a"));
        merchant.submit(Journey.REGISTER_FORM, Map.of("name", "Schema Merchant", "email", email,
                "altcha", AltchaSolver.solvePage(merchant)));
        assertEquals(200, merchant.status(), merchant.text());
        assertTrue(merchant.text().contains(Texts.en("merchantMailboxSent", email)), merchant.text());

        String link = Mails.welcomeLink(Mails.await(mail::getReceivedMessages, email, 1).get(0));
        FormBrowser phone = new FormBrowser().open(link);
        assertTrue(phone.text().contains(Texts.en("merchantCreatePasswordTitle")), phone.text());
        FormBrowser signedIn = Journey.createPassword(phone);
        assertTrue(MerchantRealm.atHelpCenter(signedIn.location()), signedIn.status() + " " + signedIn.location());

        // The link is spent: a second use is refused (the spend's UPDATE found its row in the schema).
        FormBrowser again = new FormBrowser().open(link);
        assertEquals(410, again.status(), again.text());

        for (String table : List.of("merchant_rate_count", "merchant_welcome_link", "merchant_mail_outbox", "merchant_funnel_day")) {
            assertEquals(1, database.count("SELECT count(*) FROM information_schema.tables WHERE table_schema = '" + SCHEMA
                    + "' AND table_name = '" + table + "'"), table + " in " + SCHEMA);
        }
        assertEquals(0, database.count("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
                + " AND table_name LIKE 'merchant%'"), "nothing of the pack's in public");
        assertTrue(database.count("SELECT count(*) FROM " + SCHEMA + ".merchant_rate_count") > 0, "the sign-up was counted");
        assertEquals(1, database.count("SELECT count(*) FROM " + SCHEMA + ".merchant_welcome_link"
                + " WHERE spent_generation IS NOT NULL"), "the link's spend is in the schema's table");
    }
}
