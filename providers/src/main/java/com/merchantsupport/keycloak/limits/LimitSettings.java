package com.merchantsupport.keycloak.limits;

import java.util.List;

import com.merchantsupport.keycloak.journey.FlowSettings;
import com.merchantsupport.keycloak.journey.MerchantAccount;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * The per-address and realm-wide limits a realm admin sets on the "check your mailbox" step (the registration
 * flow), read through {@link FlowSettings}. The reset step's own limits are {@link ResetLimitSettings}.
 *
 * @param emailsPerRecipientMinute journey emails to one email address within a minute (first one and resends)
 * @param emailsPerRecipientHour   journey emails to one email address within an hour
 * @param signUpsPerAddress      accepted sign-ups per network address within 10 minutes
 * @param emailsPerAddress       journey emails (welcome, resend, "someone tried") one address may trigger per hour
 * @param realmEmailsPerHour     every journey email of the realm, resets included, per hour
 * @param captchaClimbAfter      sign-ups from one address within 10 minutes before its captcha grows harder
 */
public record LimitSettings(int emailsPerRecipientMinute, int emailsPerRecipientHour, int signUpsPerAddress, int emailsPerAddress, int realmEmailsPerHour, int captchaClimbAfter) {

    /** Named before the per-address limits existed, when they counted welcome emails per account: kept. */
    public static final String RESEND_PER_MINUTE = "resendPerMinute";
    public static final String RESEND_PER_HOUR = "resendPerHour";
    public static final String SIGN_UPS_PER_ADDRESS = "addressSignUpsPer10Minutes";
    public static final String EMAILS_PER_ADDRESS = "addressEmailsPerHour";
    public static final String REALM_EMAILS_PER_HOUR = "realmEmailsPerHour";
    public static final String CAPTCHA_CLIMB_AFTER = "captchaClimbAfterSignUps";

    public static final int DEFAULT_RESEND_PER_MINUTE = 1;
    public static final int DEFAULT_RESEND_PER_HOUR = 5;
    public static final int DEFAULT_SIGN_UPS_PER_ADDRESS = 10;
    public static final int DEFAULT_EMAILS_PER_ADDRESS = 20;
    public static final int DEFAULT_REALM_EMAILS_PER_HOUR = 1000;
    public static final int DEFAULT_CAPTCHA_CLIMB_AFTER = 3;
    /** High enough for a load test's copy of the realm; a deployer's realm keeps the defaults. */
    static final int MAX = 1_000_000;

    public static LimitSettings from(FlowSettings settings) {
        return new LimitSettings(
                settings.getInt(RESEND_PER_MINUTE, DEFAULT_RESEND_PER_MINUTE, 1, 10),
                settings.getInt(RESEND_PER_HOUR, DEFAULT_RESEND_PER_HOUR, 1, 100),
                settings.getInt(SIGN_UPS_PER_ADDRESS, DEFAULT_SIGN_UPS_PER_ADDRESS, 1, MAX),
                settings.getInt(EMAILS_PER_ADDRESS, DEFAULT_EMAILS_PER_ADDRESS, 1, MAX),
                settings.getInt(REALM_EMAILS_PER_HOUR, DEFAULT_REALM_EMAILS_PER_HOUR, 1, MAX),
                settings.getInt(CAPTCHA_CLIMB_AFTER, DEFAULT_CAPTCHA_CLIMB_AFTER, 1, MAX));
    }

    public static LimitSettings of(RealmModel realm) {
        return from(FlowSettings.fromRegistrationFlow(realm, MerchantAccount.CHECK_YOUR_MAILBOX_STEP));
    }

    /** The settings as the "check your mailbox" step shows them in the admin console. */
    public static List<ProviderConfigProperty> configProperties() {
        return ProviderConfigurationBuilder.create()
                .property().name(RESEND_PER_MINUTE).label("Emails per email address (minute)")
                .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(Integer.toString(DEFAULT_RESEND_PER_MINUTE))
                .helpText("At most this many journey emails (the welcome email, its resends, and in private mode the "
                        + "'someone tried to register' email) to one email address within a minute; past it the merchant "
                        + "is asked to wait. Counted per typed address, so new, unfinished and finished accounts get the same answers.")
                .add()
                .property().name(RESEND_PER_HOUR).label("Emails per email address (hour)")
                .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(Integer.toString(DEFAULT_RESEND_PER_HOUR))
                .helpText("At most this many journey emails to one email address within an hour; past it the merchant is "
                        + "asked to wait.")
                .add()
                .property().name(SIGN_UPS_PER_ADDRESS).label("Sign-ups per network address (10 minutes)")
                .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(Integer.toString(DEFAULT_SIGN_UPS_PER_ADDRESS))
                .helpText("At most this many accepted sign-ups (new or existing addresses alike) from one network address "
                        + "within 10 minutes; past it the merchant gets a 'try again in N minutes' page (HTTP 429). An IPv6 "
                        + "address counts with its whole /64. Behind a proxy, Keycloak sees the merchant's address only with "
                        + "--proxy-headers and --proxy-trusted-addresses (docs/DEPLOYING.md).")
                .add()
                .property().name(EMAILS_PER_ADDRESS).label("Journey emails per network address (hour)")
                .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(Integer.toString(DEFAULT_EMAILS_PER_ADDRESS))
                .helpText("At most this many welcome, resent and 'someone tried to register' emails triggered from one "
                        + "network address within an hour: a script cannot turn the realm's mail server into a relay. "
                        + "An admin's invites and new links are not counted here (the address is the admin's), only per "
                        + "email address and in the realm's budget.")
                .add()
                .property().name(REALM_EMAILS_PER_HOUR).label("Journey emails of the realm (hour)")
                .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(Integer.toString(DEFAULT_REALM_EMAILS_PER_HOUR))
                .helpText("The realm's budget: at most this many journey emails (welcome, resent, 'someone tried', "
                        + "'Forgot my password') within an hour, from everyone. Past it, new sign-ups and password resets "
                        + "are asked to try again later, an admin event (action on the realm, error 'merchant_email_budget_spent') "
                        + "is recorded once per hour, and links already sent keep working. Set it above your busiest hour.")
                .add()
                .property().name(CAPTCHA_CLIMB_AFTER).label("Captcha grows harder after (sign-ups)")
                .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(Integer.toString(DEFAULT_CAPTCHA_CLIMB_AFTER))
                .helpText("ALTCHA only: once one network address made this many sign-ups within 10 minutes, each further "
                        + "one doubles the work its next challenge asks (up to the maximum difficulty); it returns to the "
                        + "configured difficulty as those sign-ups age out.")
                .add()
                .build();
    }
}
