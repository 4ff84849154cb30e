package com.merchantsupport.keycloak.broker;

import java.util.function.Consumer;

import com.merchantsupport.keycloak.journey.MerchantAccount;
import com.merchantsupport.keycloak.journey.MerchantProfile;
import com.merchantsupport.keycloak.journey.PersonNames;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.AuthenticationFlowException;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.broker.util.PostBrokerLoginConstants;
import org.keycloak.broker.provider.AbstractIdentityProvider;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The post login flow's step (after every sign-in with the provider): refuses a Workspace domain no longer
 * allowed, and finishes an account the first login flow created just now: its email is verified only when the
 * signed ID token says so, its {@code name} comes from the provider's profile, and its merchant journey is
 * complete (no password, none needed). This runs here, not in the first login flow, because Keycloak marks a
 * new brokered account's email unverified after that flow when the provider's "Trust email" is off.
 */
public class FinishSignInAuthenticator implements BrokerStep {

    public static final String PROVIDER_ID = "merchant-idp-finish-sign-in";

    static final FinishSignInAuthenticator INSTANCE = new FinishSignInAuthenticator();

    /** What this sign-in means for the account, from the notes Keycloak's first login flow leaves. */
    enum AccountState {
        /** The first login flow created it: finish it. */
        CREATED_NOW,
        /** Registered through the form, never created a password, linked just now: the provider is the way in. */
        LINKED_UNFINISHED,
        /** Nothing to finish. */
        ESTABLISHED;

        static AccountState of(boolean afterFirstLogin, boolean createdByFirstLogin, boolean unfinished) {
            if (afterFirstLogin && createdByFirstLogin) {
                return CREATED_NOW;
            }
            return afterFirstLogin && unfinished ? LINKED_UNFINISHED : ESTABLISHED;
        }
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        BrokeredIdentityContext broker = BrokerFlow.POST_LOGIN.identity(context, PROVIDER_ID);
        BrokerSettings settings = BrokerSettings.of(context.getAuthenticatorConfig());
        ProviderClaims claims = ProviderClaims.of(broker);
        UserModel user = context.getUser();
        if (user != null) {
            context.getEvent().user(user);
        }
        if (!settings.hostedDomains().allows(claims.hostedDomain())) {
            Refusal.hostedDomain(context, broker, claims, settings);
            return;
        }
        if (user == null) {
            throw new AuthenticationFlowException("No account after the sign-in with " + broker.getIdpConfig().getAlias(),
                    AuthenticationFlowError.UNKNOWN_USER);
        }

        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        boolean afterFirstLogin = Boolean.parseBoolean(authSession.getAuthNote(PostBrokerLoginConstants.PBL_AFTER_FIRST_BROKER_LOGIN));
        // Later sign-ins skip the credential lookup isUnfinished makes.
        AccountState state = AccountState.of(afterFirstLogin,
                Boolean.parseBoolean(authSession.getAuthNote(AbstractIdentityProvider.BROKER_REGISTERED_NEW_USER)),
                afterFirstLogin && MerchantAccount.isUnfinished(user));
        switch (state) {
            case CREATED_NOW -> finishNewAccount(context.getEvent(), user, broker, claims, settings);
            case LINKED_UNFINISHED -> MerchantAccount.markCompleted(user);
            case ESTABLISHED -> {
            }
        }
        context.success();
    }

    private static void finishNewAccount(EventBuilder event, UserModel user, BrokeredIdentityContext broker,
                                         ProviderClaims claims, BrokerSettings settings) {
        String notVouched = LinkDecision.whyProviderDoesNotVouch(claims, broker.getEmail(), settings.requireEmailVerifiedClaim());
        boolean verified = notVouched == null && LinkDecision.sameEmail(user.getEmail(), broker.getEmail());
        user.setEmailVerified(verified);
        // The provider's names follow the pack's rule for names, cleaned rather than refused: a sign-in never fails on them.
        String name = user.getFirstAttribute(MerchantProfile.NAME);
        String cleaned = PersonNames.clean(name);
        if (cleaned == null) {
            cleaned = claims.accountName(broker.getFirstName(), broker.getLastName(), user.getEmail());
        }
        if (cleaned != null && !cleaned.equals(name)) {
            user.setSingleAttribute(MerchantProfile.NAME, cleaned);
        }
        cleanIfNeeded(user.getFirstName(), user::setFirstName);
        cleanIfNeeded(user.getLastName(), user::setLastName);
        // Signs in with the provider: no password to create.
        MerchantAccount.markCompleted(user);
        event.detail(BrokerEvents.LINK_DETAIL, BrokerEvents.NEW_ACCOUNT).detail(BrokerEvents.EMAIL_VERIFIED_DETAIL, Boolean.toString(verified));
        if (notVouched != null) {
            event.detail(Details.REASON, notVouched);
        }
    }

    /** First and last name, as Keycloak copied them from the provider (the admin console shows them). */
    private static void cleanIfNeeded(String value, Consumer<String> set) {
        String cleaned = PersonNames.clean(value);
        if (value != null && !value.equals(cleaned)) {
            set.accept(cleaned);
        }
    }

    public static class Factory implements BrokerStepFactory {

        @Override
        public String getId() {
            return PROVIDER_ID;
        }

        @Override
        public String getDisplayType() {
            return "Merchant Support: Finish provider sign-in";
        }

        @Override
        public String getHelpText() {
            return "For an identity provider's post login flow (required). On every sign-in with Google or another OpenID "
                    + "Connect provider: checks the allowed Workspace domains again. After the first sign-in: finishes the "
                    + "account 'Link verified email' let Keycloak create (email verified only when the ID token says so, the "
                    + "name from the provider's profile, no password to create). Share the first login step's configuration.";
        }

        @Override
        public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
            return new AuthenticationExecutionModel.Requirement[] {
                    AuthenticationExecutionModel.Requirement.REQUIRED,
                    AuthenticationExecutionModel.Requirement.DISABLED};
        }

        @Override
        public Authenticator create(KeycloakSession session) {
            return INSTANCE;
        }
    }
}
