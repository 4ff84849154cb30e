package com.merchantsupport.keycloak.limits;

import java.util.Map;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventStoreProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Tells the realm's admins, once an hour, that the realm's budget of journey emails is spent: an admin event
 * (Realm settings → Events → Admin events, and every event listener) and a warning in the log.
 */
final class BudgetAlarm {

    private static final Logger LOG = Logger.getLogger(BudgetAlarm.class);
    static final String ERROR = "merchant_email_budget_spent";

    private BudgetAlarm() {
    }

    static void raise(KeycloakSession session, RealmModel realm, int perHour) {
        long hour = Time.currentTime() / JourneyLimits.HOUR;
        if (!session.singleUseObjects().putIfAbsent("merchant-budget-alarm:" + realm.getId() + ":" + hour, JourneyLimits.HOUR)) {
            return;
        }
        LOG.warnf("Realm %s spent its hourly budget of journey emails (%d): new sign-ups and password resets are asked "
                + "to try again later; raise '%s' on the 'check your mailbox' step if this is real traffic",
                realm.getName(), perHour, LimitSettings.REALM_EMAILS_PER_HOUR);
        AdminEvent event = new AdminEvent();
        event.setTime(Time.currentTimeMillis());
        event.setRealmId(realm.getId());
        AuthDetails auth = new AuthDetails();
        auth.setRealmId(realm.getId());
        auth.setIpAddress(session.getContext().getConnection().getRemoteAddr());
        event.setAuthDetails(auth);
        event.setOperationType(OperationType.ACTION);
        event.setResourceType(ResourceType.REALM);
        event.setResourcePath("merchant-journey/email-budget");
        event.setError(ERROR);
        event.setDetails(Map.of("limit", Integer.toString(perHour)));
        if (realm.isAdminEventsEnabled()) {
            session.getProvider(EventStoreProvider.class).onEvent(event, false);
        }
        realm.getEventsListenersStream()
                .map(id -> session.getProvider(EventListenerProvider.class, id))
                .filter(java.util.Objects::nonNull)
                .forEach(listener -> listener.onEvent(event, false));
    }
}
