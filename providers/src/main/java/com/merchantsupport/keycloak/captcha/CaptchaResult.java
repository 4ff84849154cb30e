package com.merchantsupport.keycloak.captcha;

import java.util.Objects;

/**
 * Outcome of one verification.
 *
 * @param failure null when the answer was accepted
 * @param detail  extra words for the server log (vendor error codes, exception text); never shown to the merchant
 */
public record CaptchaResult(CaptchaFailure failure, String detail) {

    private static final CaptchaResult OK = new CaptchaResult(null, "");

    public static CaptchaResult ok() {
        return OK;
    }

    public static CaptchaResult failed(CaptchaFailure failure) {
        return failed(failure, "");
    }

    public static CaptchaResult failed(CaptchaFailure failure, String detail) {
        return new CaptchaResult(Objects.requireNonNull(failure), detail == null ? "" : detail);
    }

    public boolean success() {
        return failure == null;
    }

    /** Event/log code: {@code ok} or the failure's code. */
    public String reason() {
        return failure == null ? "ok" : failure.code();
    }
}
