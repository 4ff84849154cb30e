package com.merchantsupport.it.support;

/** Names the pack's public interface: deployers, help centers and scripts rely on them. */
public final class MerchantRealm {

    public static final String NAME = "merchant-support";
    public static final String HELP_CENTER_CLIENT = "merchant-support-center";
    public static final String HELP_CENTER_REDIRECT_URI = "http://127.0.0.1:8500/callback/oauth";

    private MerchantRealm() {
    }

    public static String helpCenterSecret() {
        return System.getProperty("help.center.test.secret", "test-only-help-center-secret");
    }
}
