package com.merchantsupport.keycloak.captcha;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/** hCaptcha: the checkbox widget; the site key is sent along so hCaptcha checks it belongs to the secret. */
public final class HCaptchaCaptchaProvider extends SiteverifyCaptchaProvider {

    public static final String ID = "hcaptcha";

    private static final Map<String, CaptchaFailure> ERROR_CODES = Map.of(
            "expired-input-response", CaptchaFailure.EXPIRED,
            "already-seen-response", CaptchaFailure.REPLAYED,
            "invalid-or-already-seen-response", CaptchaFailure.REPLAYED,
            "sitekey-secret-mismatch", CaptchaFailure.SECRET_REJECTED,
            "not-using-dummy-passcode", CaptchaFailure.SECRET_REJECTED);

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String responseField() {
        return "h-captcha-response";
    }

    @Override
    protected String defaultVerifyUrl() {
        return "https://api.hcaptcha.com/siteverify";
    }

    @Override
    protected String scriptUrl(CaptchaSettings settings, Locale locale) {
        return "https://js.hcaptcha.com/1/api.js?hl=" + URLEncoder.encode(locale.getLanguage(), StandardCharsets.UTF_8);
    }

    @Override
    protected String widgetClass() {
        return "h-captcha";
    }

    @Override
    protected Map<String, CaptchaFailure> vendorErrorCodes() {
        return ERROR_CODES;
    }

    @Override
    protected Map<String, String> extraVerifyFields(CaptchaSettings settings) {
        return Map.of("sitekey", settings.siteKey());
    }
}
