package com.merchantsupport.keycloak.limits;

import com.merchantsupport.keycloak.journey.FlowSettings;

/**
 * The "Forgot my password" limits a realm admin sets on the pack's reset step.
 *
 * @param perAddress        reset emails one network address may ask for within an hour
 * @param perAccountMinute  reset emails per typed address within a minute
 * @param perAccountHour    reset emails per typed address within an hour
 */
public record ResetLimitSettings(int perAddress, int perAccountMinute, int perAccountHour) {

    public static final String PER_ADDRESS = "addressResetsPerHour";
    public static final String PER_ACCOUNT_MINUTE = "accountResetsPerMinute";
    public static final String PER_ACCOUNT_HOUR = "accountResetsPerHour";

    public static final int DEFAULT_PER_ADDRESS = 20;
    public static final int DEFAULT_PER_ACCOUNT_MINUTE = 1;
    public static final int DEFAULT_PER_ACCOUNT_HOUR = 5;

    public static ResetLimitSettings from(FlowSettings settings) {
        return new ResetLimitSettings(
                settings.getInt(PER_ADDRESS, DEFAULT_PER_ADDRESS, 1, LimitSettings.MAX),
                settings.getInt(PER_ACCOUNT_MINUTE, DEFAULT_PER_ACCOUNT_MINUTE, 1, 100),
                settings.getInt(PER_ACCOUNT_HOUR, DEFAULT_PER_ACCOUNT_HOUR, 1, 1000));
    }
}
