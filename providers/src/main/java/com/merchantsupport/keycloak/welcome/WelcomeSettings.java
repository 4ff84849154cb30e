package com.merchantsupport.keycloak.welcome;

import com.merchantsupport.keycloak.journey.FlowSettings;
import com.merchantsupport.keycloak.journey.MerchantAccount;
import org.keycloak.models.RealmModel;

/** The welcome link's settings, set by a realm admin on the "check your mailbox" step (limits: {@code LimitSettings}). */
public record WelcomeSettings(int linkLifespanSeconds) {

    public static final String LINK_LIFESPAN = "welcomeLinkLifespanSeconds";

    public static final int DEFAULT_LINK_LIFESPAN = 24 * 3600;

    public static WelcomeSettings from(FlowSettings settings) {
        return new WelcomeSettings(settings.getInt(LINK_LIFESPAN, DEFAULT_LINK_LIFESPAN, 300, 30 * 24 * 3600));
    }

    public static WelcomeSettings of(RealmModel realm) {
        return from(FlowSettings.fromRegistrationFlow(realm, MerchantAccount.CHECK_YOUR_MAILBOX_STEP));
    }
}
