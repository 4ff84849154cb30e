package com.merchantsupport.it.support;

/** Names the pack's public interface: deployers, help centers and scripts rely on them. */
public final class MerchantRealm {

    public static final String NAME = "merchant-support";
    public static final String HELP_CENTER_CLIENT = "merchant-support-center";
    /** The help center's origin and Home URL in the tests (HELP_CENTER_URL). */
    public static final String HELP_CENTER_URL = "http://127.0.0.1:8500";
    public static final String HELP_CENTER_REDIRECT_URI = HELP_CENTER_URL + "/callback/oauth";
    /** Who the merchant's emails come from (the realm's SMTP {@code fromDisplayName}). */
    public static final String MAIL_SENDER = "Support Bot";

    private MerchantRealm() {
    }

    /**
     * Whether Keycloak handed the merchant back to the help center: its callback, or its Home URL (where a welcome
     * link finished in another browser ends). Other paths on that origin are the test framework's stubs.
     */
    public static boolean atHelpCenter(String url) {
        if (url == null) {
            return false;
        }
        return url.startsWith(HELP_CENTER_REDIRECT_URI) || url.equals(HELP_CENTER_URL) || url.equals(HELP_CENTER_URL + "/")
                || url.startsWith(HELP_CENTER_URL + "?") || url.startsWith(HELP_CENTER_URL + "/?");
    }

    public static String helpCenterSecret() {
        return System.getProperty("help.center.test.secret", "test-only-help-center-secret");
    }
}
