package com.merchantsupport.keycloak.journey;

import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;

/**
 * What happens only once the request's transaction has committed: an email handed to a worker, a funnel step counted.
 * A rolled-back request runs nothing (the row was never written, the step never happened).
 */
public final class AfterCommit {

    private AfterCommit() {
    }

    public static void run(KeycloakSession session, Runnable action) {
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                action.run();
            }

            @Override
            protected void rollbackImpl() {
                // rolled back: nothing to do
            }
        });
    }
}
