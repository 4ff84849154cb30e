package com.merchantsupport.keycloak.admin;

import java.util.List;

import com.merchantsupport.keycloak.journey.FlowSettings;
import com.merchantsupport.keycloak.journey.MerchantAccount;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * What the realm admin decides about the links admins ask for (the console's "Create user", a required action added,
 * the pack's REST resource), set on the "check your mailbox" step beside the welcome link's other settings.
 *
 * @param inviteFromConsole whether a merchant created by an admin with an email and no password gets the welcome email
 * @param linkClientId      the help center such a link is for: where the merchant lands once the password exists
 */
public record InviteSettings(boolean inviteFromConsole, String linkClientId) {

    public static final String INVITE_FROM_CONSOLE = "inviteFromConsole";
    public static final String INVITE_CLIENT = "inviteClientId";

    public static final String DEFAULT_INVITE_CLIENT = "merchant-support-center";

    public static InviteSettings from(FlowSettings settings) {
        return new InviteSettings(settings.getBoolean(INVITE_FROM_CONSOLE, true), settings.get(INVITE_CLIENT, DEFAULT_INVITE_CLIENT));
    }

    public static InviteSettings of(RealmModel realm) {
        return from(FlowSettings.fromRegistrationFlow(realm, MerchantAccount.CHECK_YOUR_MAILBOX_STEP));
    }

    /** The settings as the "check your mailbox" step shows them in the admin console. */
    public static List<ProviderConfigProperty> configProperties() {
        return ProviderConfigurationBuilder.create()
                .property().name(INVITE_FROM_CONSOLE).label("Invite merchants created in the console")
                .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("true")
                .helpText("On: a merchant an admin creates (Users → Create user, or the admin REST API) with an email and "
                        + "no password gets 'Welcome to Merchant Support' with a link to create the password, within the "
                        + "email limits below. Off: nothing is sent; the admin sends a link later (Required user actions, "
                        + "or POST .../merchant-journey/users/{id}/welcome-link).")
                .add()
                .property().name(INVITE_CLIENT).label("Help center of admin-sent links")
                .type(ProviderConfigProperty.STRING_TYPE).defaultValue(DEFAULT_INVITE_CLIENT)
                .helpText("The client (its Client ID) a merchant invited or sent a new link by an admin lands on once the "
                        + "password exists: its Home URL. A client that does not exist or is disabled leaves the merchant "
                        + "on Keycloak's account page instead.")
                .add()
                .build();
    }
}
