package com.merchantsupport.keycloak.captcha;

/** Message keys of the merchant-support login theme used by the captcha (all five bundles carry them). */
public final class CaptchaMessages {

    /** The answer was refused: do the check again. */
    public static final String FAILED = "captchaFailed";
    /** The check expired or was already used: it restarts by itself, wait and press the button again. */
    public static final String EXPIRED = "captchaExpired";
    /** No answer arrived: scripts are probably blocked. */
    public static final String MISSING = "captchaMissing";
    /** The vendor could not be reached: try again in a moment. */
    public static final String UNAVAILABLE = "captchaUnavailable";
    /** The captcha is not configured: contact support. */
    public static final String NOT_CONFIGURED = "captchaNotConfigured";
    /** Shown by the page when the widget's script cannot load (ad blocker, blocked scripts). */
    public static final String BLOCKED = "captchaBlocked";
    /** Shown inside {@code <noscript>}. */
    public static final String NO_SCRIPT = "captchaNoScript";

    /**
     * A message's wording on the "Forgot my password" page ("no email was sent" rather than "your account was not
     * created"): the key with {@code Reset} appended, in all five bundles for the five messages above.
     */
    public static String onResetPage(String key) {
        return key + "Reset";
    }

    private CaptchaMessages() {
    }
}
