package com.merchantsupport.keycloak.store;

import java.util.List;
import java.util.Set;

import com.merchantsupport.keycloak.admin.AccountConsoleScopes;
import com.merchantsupport.keycloak.funnel.FunnelDayRecord;
import com.merchantsupport.keycloak.funnel.FunnelDays;
import com.merchantsupport.keycloak.journey.StatelessProviderFactory;
import com.merchantsupport.keycloak.limits.ExpiredCountsCleanup;
import com.merchantsupport.keycloak.limits.RateCountRecord;
import com.merchantsupport.keycloak.limits.RateCounter;
import com.merchantsupport.keycloak.outbox.JourneyOutbox;
import com.merchantsupport.keycloak.outbox.MailOutboxRecord;
import com.merchantsupport.keycloak.welcome.WelcomeLink;
import com.merchantsupport.keycloak.welcome.WelcomeLinkRecord;
import org.keycloak.Config;
import org.keycloak.connections.infinispan.InfinispanConnectionProvider;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.timer.TimerProvider;

/**
 * The pack's own tables in Keycloak's database, created and upgraded by Liquibase with Keycloak's own
 * (changesets are only ever added: an edited changeset's checksum would stop every node at start-up).
 * A new entity needs {@code kc.sh build}; dev mode builds itself. The outbox's server settings are this factory's.
 */
public class MerchantTables implements JpaEntityProvider {

    public static final String PROVIDER_ID = "merchant-support";
    static final String CHANGELOG = "META-INF/merchant-support-changelog.xml";

    /**
     * A native statement on one of the pack's tables, written {@code {table}} in {@code statement}, for the statements
     * every sign-up or welcome link runs: Hibernate translates an HQL update, insert or delete (and a select with an IN
     * list) anew at each execution, which cost about as much CPU as the database's own work (JFR, 8 users). Plain SQL
     * every supported database runs, in the schema of Keycloak's tables ({@code db-schema}), and synchronised on that
     * table alone: Hibernate flushes pending changes of that table first, as for HQL, and nothing else.
     */
    public static jakarta.persistence.Query sql(jakarta.persistence.EntityManager em, String table, String statement) {
        return em.createNativeQuery(statement.replace("{table}", "{h-schema}" + table))
                .setHint("org.hibernate.query.native.spaces", table);
    }

    @Override
    public List<Class<?>> getEntities() {
        return List.of(WelcomeLinkRecord.class, RateCountRecord.class, MailOutboxRecord.class, FunnelDayRecord.class);
    }

    @Override
    public String getChangelogLocation() {
        return CHANGELOG;
    }

    @Override
    public String getFactoryId() {
        return PROVIDER_ID;
    }

    @Override
    public void close() {
    }

    public static class Factory implements JpaEntityProviderFactory, StatelessProviderFactory<JpaEntityProvider> {

        private static final MerchantTables INSTANCE = new MerchantTables();
        private volatile KeycloakSessionFactory factory;

        @Override
        public String getId() {
            return PROVIDER_ID;
        }

        @Override
        public JpaEntityProvider create(KeycloakSession session) {
            return INSTANCE;
        }

        /** A removed account's rows go with it; a removed realm's accounts go without an event each. Old counts are swept. */
        @Override
        public void postInit(KeycloakSessionFactory factory) {
            factory.register(event -> {
                if (event instanceof UserModel.UserRemovedEvent removed) {
                    WelcomeLink.forget(removed.getKeycloakSession(), removed.getUser().getId());
                    JourneyOutbox.forget(removed.getKeycloakSession(), removed.getUser().getId());
                } else if (event instanceof RealmModel.RealmPostCreateEvent created) {
                    AccountConsoleScopes.repair(created.getCreatedRealm());
                } else if (event instanceof RealmModel.RealmRemovedEvent removed) {
                    WelcomeLink.forgetRealm(removed.getKeycloakSession(), removed.getRealm().getId());
                    RateCounter.forgetRealm(removed.getKeycloakSession(), removed.getRealm().getId());
                    JourneyOutbox.forgetRealm(removed.getKeycloakSession(), removed.getRealm().getId());
                    FunnelDays.forgetRealm(removed.getKeycloakSession(), removed.getRealm().getId());
                }
            });
            ExpiredCountsCleanup.schedule(factory);
            JourneyOutbox.start(factory);
            FunnelDays.start(factory);
            this.factory = factory;
        }

        /** The outbox's server settings: {@code --spi-jpa-entity-provider--merchant-support--outbox-retry-seconds=30}, ... */
        @Override
        public void init(Config.Scope config) {
            JourneyOutbox.configure(config);
        }

        @Override
        public List<ProviderConfigProperty> getConfigMetadata() {
            return JourneyOutbox.configProperties();
        }

        /**
         * Closed before Keycloak's database connection, which closes its {@code EntityManagerFactory}, and before its
         * caches: without this, whichever factory came first in a hash map closed first, and a stopping node often
         * could not write its last seconds of funnel totals ("EntityManagerFactory is closed"), nor could a worker
         * mid-send record its email sent or failed (the realm is read from a cache: "realms is in 'TERMINATED' state"),
         * which left that email's row leased for a minute.
         */
        @Override
        public Set<Class<? extends Provider>> dependsOn() {
            return Set.of(JpaConnectionProvider.class, InfinispanConnectionProvider.class);
        }

        /**
         * The node stops: the pack's timer tasks first (one firing once Keycloak's caches are gone only logs an
         * error), then the outbox's workers end (the rows they had not taken wait in the table).
         */
        @Override
        public void close() {
            if (factory != null) {
                cancelTimerTasks(factory);
            }
            JourneyOutbox.stop();
            if (factory != null) {
                try {
                    FunnelDays.flush(factory);
                } catch (RuntimeException stopping) {
                    // the database itself is gone: these seconds of funnel totals are lost, the metrics were served
                }
            }
        }

        private static void cancelTimerTasks(KeycloakSessionFactory factory) {
            try (KeycloakSession session = factory.create()) {
                TimerProvider timer = session.getProvider(TimerProvider.class);
                if (timer != null) {
                    for (String task : List.of(JourneyOutbox.TASK_NAME, FunnelDays.TASK_NAME, ExpiredCountsCleanup.TASK_NAME)) {
                        timer.cancelTask(task);
                    }
                }
            } catch (RuntimeException stopping) {
                // Keycloak's timer already stopped: nothing of the pack's is left to fire
            }
        }
    }
}
