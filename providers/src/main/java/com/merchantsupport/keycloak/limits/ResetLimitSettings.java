package com.merchantsupport.keycloak.limits;

import java.util.List;

import com.merchantsupport.keycloak.journey.FlowSettings;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

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

    /** The settings as the reset step ({@code merchant-reset-choose-user}) shows them in the admin console. */
    public static List<ProviderConfigProperty> configProperties() {
        return ProviderConfigurationBuilder.create()
                .property().name(PER_ADDRESS).label("Reset emails per network address (hour)")
                .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(Integer.toString(DEFAULT_PER_ADDRESS))
                .helpText("At most this many 'Forgot my password' requests from one network address within an hour, "
                        + "whatever addresses are typed; past it the merchant gets a 'try again in N minutes' page "
                        + "(HTTP 429) and no email is sent. An IPv6 address counts with its whole /64. Behind a proxy, "
                        + "Keycloak sees the merchant's address only with --proxy-headers and --proxy-trusted-addresses.")
                .add()
                .property().name(PER_ACCOUNT_MINUTE).label("Reset emails per email address (minute)")
                .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(Integer.toString(DEFAULT_PER_ACCOUNT_MINUTE))
                .helpText("At most this many 'Forgot my password' emails for one typed address within a minute (1 to "
                        + "100); past it the merchant is asked to wait. Counted on the typed address whether or not it "
                        + "has an account, so the answer never tells which addresses have one.")
                .add()
                .property().name(PER_ACCOUNT_HOUR).label("Reset emails per email address (hour)")
                .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(Integer.toString(DEFAULT_PER_ACCOUNT_HOUR))
                .helpText("At most this many 'Forgot my password' emails for one typed address within an hour (1 to "
                        + "1000): nobody can fill a merchant's mailbox with reset emails. The realm's hourly email "
                        + "budget (on 'Check your mailbox' of the registration flow) counts these emails too.")
                .add()
                .build();
    }
}
