package com.merchantsupport.keycloak.welcome;

import com.merchantsupport.keycloak.journey.FlowSettings;
import com.merchantsupport.keycloak.journey.SendLimit;
import com.merchantsupport.keycloak.journey.MerchantAccount;
import org.keycloak.models.RealmModel;

/** The welcome step's settings, set by a realm admin on the "check your mailbox" step. */
public record WelcomeSettings(int linkLifespanSeconds, int resendPerMinute, int resendPerHour) {

    public static final String LINK_LIFESPAN = "welcomeLinkLifespanSeconds";
    public static final String RESEND_PER_MINUTE = "resendPerMinute";
    public static final String RESEND_PER_HOUR = "resendPerHour";

    public static final int DEFAULT_LINK_LIFESPAN = 24 * 3600;
    public static final int DEFAULT_RESEND_PER_MINUTE = 1;
    public static final int DEFAULT_RESEND_PER_HOUR = 5;

    public static WelcomeSettings from(FlowSettings settings) {
        return new WelcomeSettings(
                settings.getInt(LINK_LIFESPAN, DEFAULT_LINK_LIFESPAN, 300, 30 * 24 * 3600),
                settings.getInt(RESEND_PER_MINUTE, DEFAULT_RESEND_PER_MINUTE, 1, 10),
                settings.getInt(RESEND_PER_HOUR, DEFAULT_RESEND_PER_HOUR, 1, 100));
    }

    public static WelcomeSettings of(RealmModel realm) {
        return from(FlowSettings.fromRegistrationFlow(realm, MerchantAccount.CHECK_YOUR_MAILBOX_STEP));
    }

    public SendLimit resendLimit() {
        return new SendLimit("welcome", resendPerMinute, resendPerHour);
    }
}
