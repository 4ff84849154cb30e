package com.merchantsupport.keycloak.captcha;

import com.merchantsupport.keycloak.journey.FlowSettings;
import org.keycloak.models.RealmModel;

/** Reads the settings of the {@code merchant-captcha} execution of a realm's registration flow. */
public final class RegistrationCaptchaConfig {

    private RegistrationCaptchaConfig() {
    }

    /** The settings of the first enabled {@code merchant-captcha} execution in the registration flow; defaults if none. */
    public static CaptchaSettings settings(RealmModel realm) {
        return CaptchaSettings.from(FlowSettings.fromRegistrationFlow(realm, MerchantCaptchaFormAction.PROVIDER_ID));
    }
}
