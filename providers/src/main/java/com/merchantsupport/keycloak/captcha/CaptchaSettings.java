package com.merchantsupport.keycloak.captcha;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import com.merchantsupport.keycloak.journey.FlowSettings;

/**
 * The settings of one {@code merchant-captcha} execution, read from its admin-console config through
 * {@link FlowSettings} (the pack's one reader of step settings) with the defaults filled in. Immutable; built per
 * request from the config map (cheap).
 *
 * @param provider             which captcha runs: {@code altcha}, {@code recaptcha}, {@code hcaptcha}, {@code turnstile}
 * @param siteKey              public site key of a remote vendor (blank for ALTCHA)
 * @param secretKey            secret key of a remote vendor (blank for ALTCHA)
 * @param verifyUrl            siteverify endpoint; blank means the vendor's own
 * @param connectTimeout       connect timeout of the siteverify call
 * @param readTimeout          time allowed for the siteverify answer once connected
 * @param recaptchaVersion     {@code v2} (checkbox) or {@code v3} (invisible, score based)
 * @param recaptchaMinScore    lowest reCAPTCHA v3 score accepted
 * @param recaptchaAction      action name the reCAPTCHA v3 token must carry
 * @param altchaMaxNumber      ALTCHA difficulty: the secret number is drawn from 0..maxNumber
 * @param altchaExpirySeconds  how long an ALTCHA challenge can be solved and submitted
 */
public record CaptchaSettings(
        String provider,
        String siteKey,
        String secretKey,
        String verifyUrl,
        Duration connectTimeout,
        Duration readTimeout,
        String recaptchaVersion,
        double recaptchaMinScore,
        String recaptchaAction,
        long altchaMaxNumber,
        long altchaExpirySeconds) {

    public static final String PROVIDER = "captcha.provider";
    public static final String SITE_KEY = "captcha.site.key";
    public static final String SECRET_KEY = "captcha.secret.key";
    public static final String VERIFY_URL = "captcha.verify.url";
    public static final String CONNECT_TIMEOUT_MS = "captcha.connect.timeout.ms";
    public static final String READ_TIMEOUT_MS = "captcha.read.timeout.ms";
    public static final String RECAPTCHA_VERSION = "recaptcha.version";
    public static final String RECAPTCHA_MIN_SCORE = "recaptcha.min.score";
    public static final String RECAPTCHA_ACTION = "recaptcha.action";
    public static final String ALTCHA_MAX_NUMBER = "altcha.max.number";
    public static final String ALTCHA_EXPIRY_SECONDS = "altcha.expiry.seconds";

    public static final String DEFAULT_PROVIDER = "altcha";
    public static final int DEFAULT_TIMEOUT_MS = 5000;
    public static final String DEFAULT_RECAPTCHA_VERSION = "v2";
    public static final double DEFAULT_RECAPTCHA_MIN_SCORE = 0.5;
    public static final String DEFAULT_RECAPTCHA_ACTION = "register";
    /** About 50,000 SHA-256 rounds on average: a fraction of a second in a browser, real work for a bot farm. */
    public static final int DEFAULT_ALTCHA_MAX_NUMBER = 100_000;
    public static final int DEFAULT_ALTCHA_EXPIRY_SECONDS = 600;

    static final int MIN_ALTCHA_MAX_NUMBER = 1_000;
    static final int MAX_ALTCHA_MAX_NUMBER = 10_000_000;
    static final int MAX_ALTCHA_EXPIRY_SECONDS = 86_400;
    static final int MAX_TIMEOUT_MS = 60_000;

    /** The defaults, as if the execution had no config. */
    public static CaptchaSettings defaults() {
        return from(FlowSettings.of(Map.of()));
    }

    /** Reads a config map (null allowed); see {@link #from(FlowSettings)}. */
    public static CaptchaSettings from(Map<String, String> config) {
        return from(FlowSettings.of(config));
    }

    /** Reads the step's settings; blank, unparsable or out-of-range values fall back to defaults or are clamped. */
    public static CaptchaSettings from(FlowSettings c) {
        String provider = c.get(PROVIDER, DEFAULT_PROVIDER).toLowerCase(Locale.ROOT);
        String version = c.get(RECAPTCHA_VERSION, DEFAULT_RECAPTCHA_VERSION).toLowerCase(Locale.ROOT);
        return new CaptchaSettings(
                provider,
                c.get(SITE_KEY, ""),
                c.get(SECRET_KEY, ""),
                c.get(VERIFY_URL, ""),
                Duration.ofMillis(c.getInt(CONNECT_TIMEOUT_MS, DEFAULT_TIMEOUT_MS, 1, MAX_TIMEOUT_MS)),
                Duration.ofMillis(c.getInt(READ_TIMEOUT_MS, DEFAULT_TIMEOUT_MS, 1, MAX_TIMEOUT_MS)),
                "v3".equals(version) ? "v3" : "v2",
                c.getDouble(RECAPTCHA_MIN_SCORE, DEFAULT_RECAPTCHA_MIN_SCORE, 0.0, 1.0),
                c.get(RECAPTCHA_ACTION, DEFAULT_RECAPTCHA_ACTION),
                c.getInt(ALTCHA_MAX_NUMBER, DEFAULT_ALTCHA_MAX_NUMBER, MIN_ALTCHA_MAX_NUMBER, MAX_ALTCHA_MAX_NUMBER),
                c.getInt(ALTCHA_EXPIRY_SECONDS, DEFAULT_ALTCHA_EXPIRY_SECONDS, 1, MAX_ALTCHA_EXPIRY_SECONDS));
    }

    /** Site key and secret key both set (what every remote vendor needs). */
    public boolean hasVendorKeys() {
        return !siteKey.isBlank() && !secretKey.isBlank();
    }

    public boolean recaptchaV3() {
        return "v3".equals(recaptchaVersion);
    }

    /** Never prints the secret key. */
    @Override
    public String toString() {
        return "CaptchaSettings[provider=" + provider + ", siteKey=" + siteKey
                + ", secretKey=" + (secretKey.isBlank() ? "<unset>" : "<set>") + ", verifyUrl=" + verifyUrl
                + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
                + ", recaptchaVersion=" + recaptchaVersion + ", recaptchaMinScore=" + recaptchaMinScore
                + ", recaptchaAction=" + recaptchaAction + ", altchaMaxNumber=" + altchaMaxNumber
                + ", altchaExpirySeconds=" + altchaExpirySeconds + "]";
    }
}
