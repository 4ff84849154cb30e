package com.merchantsupport.keycloak.journey;

import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.models.credential.WebAuthnCredentialModel;

/** Where an account stands in the journey, read from the account itself (so it holds after restarts). */
public final class MerchantAccount {

    /** The attribute an admin sees in the console: where the merchant is in the journey. */
    public static final String JOURNEY_ATTRIBUTE = "merchantJourney";
    public static final String AWAITING_PASSWORD = "awaiting-password";
    public static final String COMPLETED = "completed";

    /** The required action a new merchant carries until the password is created. */
    public static final String CREATE_PASSWORD_ACTION = "merchant-create-password";
    /** The registration flow's step that sends the welcome email; its settings are the welcome link's too. */
    public static final String CHECK_YOUR_MAILBOX_STEP = "merchant-check-your-mailbox";

    private MerchantAccount() {
    }

    public static boolean hasPassword(UserModel user) {
        return user.credentialManager().isConfiguredFor(PasswordCredentialModel.TYPE);
    }

    /**
     * The one rule for "this merchant can sign in": a password, a passkey, or a finished provider sign-in
     * (which marks the journey completed). The welcome link, "already used" and private mode all ask this.
     */
    public static boolean isComplete(UserModel user) {
        return hasPassword(user)
                || user.credentialManager().getStoredCredentialsByTypeStream(WebAuthnCredentialModel.TYPE_PASSWORDLESS).findAny().isPresent()
                || COMPLETED.equals(user.getFirstAttribute(JOURNEY_ATTRIBUTE));
    }

    /**
     * Registered but not complete, and still waiting for the welcome link (an admin who clears the required action
     * ends that): registering again or a new link lets the merchant finish instead of being told the email is taken.
     */
    public static boolean isUnfinished(UserModel user) {
        return user.isEnabled() && user.getFederationLink() == null && !isComplete(user)
                && user.getRequiredActionsStream().anyMatch(CREATE_PASSWORD_ACTION::equals);
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
