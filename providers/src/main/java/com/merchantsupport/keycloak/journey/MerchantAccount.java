package com.merchantsupport.keycloak.journey;

import java.util.ArrayList;
import java.util.List;

import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.models.credential.WebAuthnCredentialModel;

/** Where an account stands in the journey, read from the account itself (so it holds after restarts). */
public final class MerchantAccount {

    /** The attribute an admin sees in the console: where the merchant is in the journey. */
    public static final String JOURNEY_ATTRIBUTE = "merchantJourney";
    public static final String AWAITING_PASSWORD = "awaiting-password";
    public static final String COMPLETED = "completed";
    /**
     * The aliases of the identity providers whose link was made while the provider did not vouch for the account's
     * email: the account is unfinished until the welcome link proves the mailbox, and then those links go.
     */
    public static final String UNVOUCHED_PROVIDERS_ATTRIBUTE = "merchantUnvouchedProviders";

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

    /**
     * Made just now through a provider that did not vouch for the email (an unverified or unsigned claim): the
     * account waits for its welcome link like a registration, and the provider's link is remembered as unvouched.
     */
    public static void markAwaitingMailbox(UserModel user, String providerAlias) {
        markAwaitingPassword(user);
        user.setAttribute(UNVOUCHED_PROVIDERS_ATTRIBUTE, withAlias(unvouchedProviders(user), providerAlias));
    }

    /** Whether this provider's link was made without the provider vouching for the email, mailbox not proven since. */
    public static boolean isUnvouched(UserModel user, String providerAlias) {
        return unvouchedProviders(user).contains(providerAlias);
    }

    public static List<String> unvouchedProviders(UserModel user) {
        return user.getAttributeStream(UNVOUCHED_PROVIDERS_ATTRIBUTE).filter(a -> a != null && !a.isBlank()).distinct().toList();
    }

    /** The link just made with this provider followed the linking rule or Keycloak's verification: not unvouched. */
    public static void linkVouched(UserModel user, String providerAlias) {
        List<String> aliases = unvouchedProviders(user);
        if (aliases.contains(providerAlias)) {
            List<String> rest = new ArrayList<>(aliases);
            rest.remove(providerAlias);
            setUnvouched(user, rest);
        }
    }

    /**
     * The owner proved the mailbox (the welcome link, or Keycloak's link-by-email): the links of providers that did
     * not vouch for the address are removed, each with a {@code REMOVE_FEDERATED_IDENTITY} event; other links stay.
     */
    public static void mailboxProven(KeycloakSession session, RealmModel realm, UserModel user, EventBuilder event) {
        List<String> aliases = unvouchedProviders(user);
        if (aliases.isEmpty()) {
            return;
        }
        for (String alias : aliases) {
            if (session.users().getFederatedIdentity(realm, user, alias) != null
                    && session.users().removeFederatedIdentity(realm, user, alias)) {
                event.clone().event(EventType.REMOVE_FEDERATED_IDENTITY).user(user)
                        .detail(Details.IDENTITY_PROVIDER, alias)
                        .detail(Details.REASON, MerchantErrors.REASON_PROVIDER_DID_NOT_VOUCH).success();
            }
        }
        setUnvouched(user, List.of());
    }

    /** {@code aliases} with {@code alias} added once. */
    static List<String> withAlias(List<String> aliases, String alias) {
        List<String> all = new ArrayList<>(aliases);
        if (alias != null && !alias.isBlank() && !all.contains(alias)) {
            all.add(alias);
        }
        return all;
    }

    private static void setUnvouched(UserModel user, List<String> aliases) {
        if (aliases.isEmpty()) {
            user.removeAttribute(UNVOUCHED_PROVIDERS_ATTRIBUTE);
        } else {
            user.setAttribute(UNVOUCHED_PROVIDERS_ATTRIBUTE, aliases);
        }
    }
}
