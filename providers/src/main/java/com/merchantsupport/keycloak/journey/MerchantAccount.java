package com.merchantsupport.keycloak.journey;

import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;

/** Where an account stands in the journey, read from the account itself (so it holds after restarts). */
public final class MerchantAccount {

    /** The attribute an admin sees in the console: where the merchant is in the journey. */
    public static final String JOURNEY_ATTRIBUTE = "merchantJourney";
    public static final String AWAITING_PASSWORD = "awaiting-password";
    public static final String COMPLETED = "completed";

    /** The required action a new merchant carries until the password is created. */
    public static final String CREATE_PASSWORD_ACTION = "merchant-create-password";

    private MerchantAccount() {
    }

    public static boolean hasPassword(UserModel user) {
        return user.credentialManager().isConfiguredFor(PasswordCredentialModel.TYPE);
    }

    /**
     * Registered through the form but never created a password: registering again or a new link lets
     * the merchant finish instead of being told the email is taken.
     */
    public static boolean isUnfinished(UserModel user) {
        return user.isEnabled() && !hasPassword(user) && user.getFederationLink() == null
                && (AWAITING_PASSWORD.equals(user.getFirstAttribute(JOURNEY_ATTRIBUTE))
                    || user.getRequiredActionsStream().anyMatch(CREATE_PASSWORD_ACTION::equals));
    }

    public static void markAwaitingPassword(UserModel user) {
        user.setSingleAttribute(JOURNEY_ATTRIBUTE, AWAITING_PASSWORD);
        user.addRequiredAction(CREATE_PASSWORD_ACTION);
    }

    public static void markCompleted(UserModel user) {
        user.setSingleAttribute(JOURNEY_ATTRIBUTE, COMPLETED);
        user.removeRequiredAction(CREATE_PASSWORD_ACTION);
    }
}
