package com.merchantsupport.keycloak.captcha;

import java.util.Locale;
import java.util.Map;

/** Cloudflare Turnstile: usually no interaction at all; the widget's language comes from {@code captchaLanguage}. */
public final class TurnstileCaptchaProvider extends SiteverifyCaptchaProvider {

    public static final String ID = "turnstile";

    private static final Map<String, CaptchaFailure> ERROR_CODES = Map.of(
            "invalid-parsed-secret", CaptchaFailure.SECRET_REJECTED,
            "invalid-widget-id", CaptchaFailure.SECRET_REJECTED);

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String responseField() {
        return "cf-turnstile-response";
    }

    @Override
    protected String defaultVerifyUrl() {
        return "https://challenges.cloudflare.com/turnstile/v0/siteverify";
    }

    @Override
    protected String scriptUrl(CaptchaSettings settings, Locale locale) {
        return "https://challenges.cloudflare.com/turnstile/v0/api.js";
    }

    @Override
    protected String widgetClass() {
        return "cf-turnstile";
    }

    @Override
    protected Map<String, CaptchaFailure> vendorErrorCodes() {
        return ERROR_CODES;
    }
}
