package com.merchantsupport.keycloak.captcha;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The settings of one {@code merchant-captcha} execution, read from its admin-console config with the
 * defaults filled in. Immutable; built per request from the config map (cheap).
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
    public static final long DEFAULT_TIMEOUT_MS = 5000;
    public static final String DEFAULT_RECAPTCHA_VERSION = "v2";
    public static final double DEFAULT_RECAPTCHA_MIN_SCORE = 0.5;
    public static final String DEFAULT_RECAPTCHA_ACTION = "register";
    /** About 50,000 SHA-256 rounds on average: a fraction of a second in a browser, real work for a bot farm. */
    public static final long DEFAULT_ALTCHA_MAX_NUMBER = 100_000;
    public static final long DEFAULT_ALTCHA_EXPIRY_SECONDS = 600;

    static final long MIN_ALTCHA_MAX_NUMBER = 1_000;
    static final long MAX_ALTCHA_MAX_NUMBER = 10_000_000;
    static final long MAX_ALTCHA_EXPIRY_SECONDS = 86_400;
    static final long MAX_TIMEOUT_MS = 60_000;

    /** The defaults, as if the execution had no config. */
    public static CaptchaSettings defaults() {
        return from(Map.of());
    }

    /** Reads a config map (null allowed); blank, unparsable or out-of-range values fall back to defaults or are clamped. */
    public static CaptchaSettings from(Map<String, String> config) {
        Map<String, String> c = config == null ? Map.of() : config;
        String provider = text(c, PROVIDER, DEFAULT_PROVIDER).toLowerCase(Locale.ROOT);
        String version = text(c, RECAPTCHA_VERSION, DEFAULT_RECAPTCHA_VERSION).toLowerCase(Locale.ROOT);
        return new CaptchaSettings(
                provider,
                text(c, SITE_KEY, ""),
                text(c, SECRET_KEY, ""),
                text(c, VERIFY_URL, ""),
                Duration.ofMillis(clamp(number(c, CONNECT_TIMEOUT_MS, DEFAULT_TIMEOUT_MS), 1, MAX_TIMEOUT_MS)),
                Duration.ofMillis(clamp(number(c, READ_TIMEOUT_MS, DEFAULT_TIMEOUT_MS), 1, MAX_TIMEOUT_MS)),
                "v3".equals(version) ? "v3" : "v2",
                score(c),
                text(c, RECAPTCHA_ACTION, DEFAULT_RECAPTCHA_ACTION),
                clamp(number(c, ALTCHA_MAX_NUMBER, DEFAULT_ALTCHA_MAX_NUMBER), MIN_ALTCHA_MAX_NUMBER, MAX_ALTCHA_MAX_NUMBER),
                clamp(number(c, ALTCHA_EXPIRY_SECONDS, DEFAULT_ALTCHA_EXPIRY_SECONDS), 1, MAX_ALTCHA_EXPIRY_SECONDS));
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

    private static String text(Map<String, String> c, String key, String fallback) {
        String value = c.get(key);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static long number(Map<String, String> c, String key, long fallback) {
        try {
            return Long.parseLong(text(c, key, Long.toString(fallback)));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static double score(Map<String, String> c) {
        try {
            double value = Double.parseDouble(text(c, RECAPTCHA_MIN_SCORE, Double.toString(DEFAULT_RECAPTCHA_MIN_SCORE)));
            return Double.isNaN(value) ? DEFAULT_RECAPTCHA_MIN_SCORE : Math.max(0.0, Math.min(1.0, value));
        } catch (NumberFormatException e) {
            return DEFAULT_RECAPTCHA_MIN_SCORE;
        }
    }

    private static long clamp(long value, long min, long max) {
        return Math.max(min, Math.min(max, value));
    }
}
