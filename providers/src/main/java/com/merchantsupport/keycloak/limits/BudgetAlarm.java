package com.merchantsupport.keycloak.limits;

import java.util.Map;

import com.merchantsupport.keycloak.journey.AdminAlarm;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
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
        AdminAlarm.raise(session, realm, "merchant-journey/email-budget", ERROR,
                Map.of("limit", Integer.toString(perHour)));
    }
}
