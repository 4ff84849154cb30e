package com.merchantsupport.keycloak.captcha;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Google reCAPTCHA. v2: the "I'm not a robot" checkbox. v3: invisible; the token is made when the merchant
 * presses the button, and the answer must carry a score at or above {@code recaptcha.min.score} and the action
 * {@code recaptcha.action}.
 */
public final class RecaptchaCaptchaProvider extends SiteverifyCaptchaProvider {

    public static final String ID = "recaptcha";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String responseField() {
        return "g-recaptcha-response";
    }

    @Override
    protected String defaultVerifyUrl() {
        return "https://www.google.com/recaptcha/api/siteverify";
    }

    @Override
    protected String scriptUrl(CaptchaSettings settings, Locale locale) {
        String hl = "hl=" + URLEncoder.encode(locale.toLanguageTag(), StandardCharsets.UTF_8);
        return settings.recaptchaV3()
                ? "https://www.google.com/recaptcha/api.js?render=" + URLEncoder.encode(settings.siteKey(), StandardCharsets.UTF_8) + "&" + hl
                : "https://www.google.com/recaptcha/api.js?" + hl;
    }

    @Override
    protected String widgetClass() {
        return "g-recaptcha";
    }

    /** v3 has no widget: {@code captchaInvisible} tells the page to make the token when the form is sent. */
    @Override
    protected Map<String, Object> extraPageAttributes(CaptchaSettings settings, Locale locale) {
        return settings.recaptchaV3()
                ? Map.of("captchaInvisible", true, "recaptchaAction", settings.recaptchaAction())
                : Map.of();
    }

    @Override
    protected CaptchaResult checkSuccess(JsonNode answer, CaptchaSettings settings) {
        if (!settings.recaptchaV3()) {
            return CaptchaResult.ok();
        }
        JsonNode score = answer.get("score");
        if (score == null || !score.isNumber()) {
            // A v2 key behind a v3 setting: the admin has to fix the execution's config.
            return CaptchaResult.failed(CaptchaFailure.NOT_CONFIGURED, "v3 configured but the answer has no score");
        }
        if (score.asDouble() < settings.recaptchaMinScore()) {
            return CaptchaResult.failed(CaptchaFailure.SCORE_TOO_LOW,
                    "score " + score.asDouble() + " < " + settings.recaptchaMinScore());
        }
        String action = answer.path("action").asText("");
        if (!settings.recaptchaAction().equals(action)) {
            return CaptchaResult.failed(CaptchaFailure.ACTION_MISMATCH, "action " + action);
        }
        return CaptchaResult.ok();
    }
}
