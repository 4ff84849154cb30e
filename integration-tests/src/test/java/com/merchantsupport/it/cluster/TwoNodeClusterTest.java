package com.merchantsupport.it.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.KeycloakDistribution;
import com.merchantsupport.it.support.KeycloakNode;
import com.merchantsupport.it.support.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two Keycloak nodes from the distribution in production mode, sharing one PostgreSQL and clustered by
 * Infinispan's default JDBC discovery, on loopback: what a deployer gets when one machine is not enough.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoNodeClusterTest {

    private PostgresServer database;
    private GreenMail mail;
    private KeycloakDistribution built;
    private KeycloakNode a;
    private KeycloakNode b;

    @BeforeAll
    void startCluster() {
        database = PostgresServer.start(55432);
        mail = new GreenMail(new ServerSetup(3125, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        built = KeycloakNode.buildForPostgres();
        a = KeycloakNode.on(built, "node-a", 8180, 7800, database, 3125).start();
        b = KeycloakNode.on(built, "node-b", 8280, 7801, database, 3125).start();
    }

    @AfterAll
    void stopCluster() {
        for (AutoCloseable c : new AutoCloseable[] {b, a, built, database}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        if (mail != null) {
            mail.stop();
        }
    }

    @Test
    void aMerchantRegistersOnEitherNode() {
        String email = "cluster-" + UUID.randomUUID() + "@example.com";

        FormBrowser browser = Journey.registerAt(new FormBrowser(), b.base(), "Ada Cluster", email);

        assertTrue(browser.text().contains("sent you an email") || browser.text().contains("email"), browser.text());
    }
}
