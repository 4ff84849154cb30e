package com.merchantsupport.keycloak.captcha;

/**
 * Why a captcha answer was refused. {@link #code()} goes into the {@code REGISTER_ERROR} event as detail
 * {@code captcha_reason} (for operators); {@link #messageKey()} is the message the merchant reads on the page
 * ({@link #resetMessageKey()} on the "Forgot my password" page).
 * Vendors map their own error codes onto these, so adding a vendor adds no reason.
 */
public enum CaptchaFailure {

    /** No answer in the form: the widget did not run (scripts blocked, JavaScript off) or was not finished. */
    MISSING("missing", CaptchaMessages.MISSING),
    /** The answer is larger than any genuine one. */
    TOO_LARGE("too_large", CaptchaMessages.FAILED),
    /** Not base64, not JSON, or fields missing or of the wrong type. */
    MALFORMED("malformed", CaptchaMessages.FAILED),
    /** A hash algorithm other than the one our challenges use. */
    ALGORITHM("algorithm", CaptchaMessages.FAILED),
    /** A challenge issued for another realm. */
    WRONG_REALM("wrong_realm", CaptchaMessages.FAILED),
    /** The challenge was not signed by this realm (forged, or signed with a key that was since deleted). */
    SIGNATURE("signature", CaptchaMessages.FAILED),
    /** The number does not solve the challenge. */
    WRONG_NUMBER("wrong_number", CaptchaMessages.FAILED),
    /** The challenge or the vendor token is too old. */
    EXPIRED("expired", CaptchaMessages.EXPIRED),
    /** This answer was already used once. */
    REPLAYED("replayed", CaptchaMessages.EXPIRED),
    /** The vendor says the token is not valid. */
    INVALID_RESPONSE("invalid_response", CaptchaMessages.FAILED),
    /** The vendor refused without saying why. */
    REFUSED("refused", CaptchaMessages.FAILED),
    /** reCAPTCHA v3: the score is below the configured minimum. */
    SCORE_TOO_LOW("score_too_low", CaptchaMessages.FAILED),
    /** reCAPTCHA v3: the token was made for another action. */
    ACTION_MISMATCH("action_mismatch", CaptchaMessages.FAILED),
    /** Site key, secret key or the realm's HMAC key is missing, or the provider id is unknown. */
    NOT_CONFIGURED("not_configured", CaptchaMessages.NOT_CONFIGURED),
    /** The vendor rejects our secret or says site key and secret do not belong together. */
    SECRET_REJECTED("secret_rejected", CaptchaMessages.NOT_CONFIGURED),
    /** The vendor did not answer in time. */
    TIMEOUT("timeout", CaptchaMessages.UNAVAILABLE),
    /** The vendor could not be reached or answered something we cannot read. */
    UNAVAILABLE("unavailable", CaptchaMessages.UNAVAILABLE);

    private final String code;
    private final String messageKey;

    CaptchaFailure(String code, String messageKey) {
        this.code = code;
        this.messageKey = messageKey;
    }

    /** Stable, lower-case code for events and logs. */
    public String code() {
        return code;
    }

    /** Key in the login theme's message bundles. */
    public String messageKey() {
        return messageKey;
    }

    /** The same message on the "Forgot my password" page, which sends an email rather than creating an account. */
    public String resetMessageKey() {
        return CaptchaMessages.onResetPage(messageKey);
    }
}
