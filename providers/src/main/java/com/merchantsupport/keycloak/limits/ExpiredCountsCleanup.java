package com.merchantsupport.keycloak.limits;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.scheduled.ClusterAwareScheduledTaskRunner;
import org.keycloak.timer.ScheduledTask;
import org.keycloak.timer.TimerProvider;

/** Every 15 minutes, on one node of the cluster, deletes the rate buckets no window counts any more. */
public final class ExpiredCountsCleanup implements ScheduledTask {

    private static final Logger LOG = Logger.getLogger(ExpiredCountsCleanup.class);
    public static final String TASK_NAME = "merchant-support-expired-rate-counts";
    static final long INTERVAL_MILLIS = 15 * 60 * 1000L;

    public static void schedule(KeycloakSessionFactory factory) {
        KeycloakModelUtils.runJobInTransaction(factory, session -> {
            TimerProvider timer = session.getProvider(TimerProvider.class);
            if (timer != null) {
                timer.schedule(new ClusterAwareScheduledTaskRunner(factory, new ExpiredCountsCleanup(), INTERVAL_MILLIS), INTERVAL_MILLIS);
            }
        });
    }

    @Override
    public void run(KeycloakSession session) {
        int deleted = RateCounter.deleteExpired(session);
        LOG.debugf("deleted %d expired rate buckets", deleted);
    }

    @Override
    public String getTaskName() {
        return TASK_NAME;
    }
}
