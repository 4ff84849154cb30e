package com.merchantsupport.it.support;

import org.keycloak.testframework.server.KeycloakServerConfig;
import org.keycloak.testframework.server.KeycloakServerConfigBuilder;

/**
 * The server every test talks to: the Keycloak 26.7.3 distribution with the pack's jar in providers/
 * and the realm JSON imported at start-up (surefire passes keycloak.migration.dir, as
 * {@code start --import-realm} would).
 */
public class MerchantSupportServer implements KeycloakServerConfig {

    /** The one source address whose {@code X-Forwarded-For} the test server believes. */
    public static final String TRUSTED_PROXY = "127.0.0.2";

    @Override
    public KeycloakServerConfigBuilder configure(KeycloakServerConfigBuilder config) {
        return config
                .dependency("com.merchantsupport", "merchant-support-keycloak")
                // Realm admins read these in the console; tests read them through the admin API.
                .option("spi-events-listener--jboss-logging--success-level", "info")
                // As docs/DEPLOYING.md tells deployers: X-Forwarded-For is believed only from the proxy's address.
                // The tests' "proxy" is 127.0.0.2; every other loopback address is a merchant's own machine.
                .option("proxy-headers", "xforwarded")
                .option("proxy-trusted-addresses", TRUSTED_PROXY + "/32")
                // The outbox's retry task every 2 s (30 s by default), and every new email handed to two workers at
                // once: each test that counts emails also shows that the lease sends a row once.
                .option("spi-jpa-entity-provider--merchant-support--outbox-retry-seconds", "2")
                .option("spi-jpa-entity-provider--merchant-support--outbox-claim-contenders", "2")
                // Operators read the outbox's queue on /metrics (management port 9000).
                .option("metrics-enabled", "true");
    }
}
