package com.merchantsupport.keycloak.broker;

import com.merchantsupport.keycloak.funnel.JourneyFunnel;
import java.util.function.Consumer;

import com.merchantsupport.keycloak.limits.JourneyLimits;

import com.merchantsupport.keycloak.journey.MerchantAccount;
import com.merchantsupport.keycloak.journey.MerchantErrors;
import com.merchantsupport.keycloak.journey.MerchantProfile;
import com.merchantsupport.keycloak.journey.PersonNames;
import com.merchantsupport.keycloak.outbox.JourneyOutbox;
import com.merchantsupport.keycloak.welcome.WelcomeLink;
import com.merchantsupport.keycloak.welcome.WelcomeMail;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.AuthenticationFlowException;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.broker.util.PostBrokerLoginConstants;
import org.keycloak.broker.provider.AbstractIdentityProvider;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The post login flow's step (after every sign-in with the provider): refuses a Workspace domain no longer
 * allowed, and finishes an account the first login flow created just now: its email is verified only when the
 * signed ID token says so, its {@code name} comes from the provider's profile, and its merchant journey is
 * complete (no password, none needed). This runs here, not in the first login flow, because Keycloak marks a
 * new brokered account's email unverified after that flow when the provider's "Trust email" is off.
 *
 * <p>A new account whose email the provider did not vouch for is not finished (else whoever controls that
 * provider account would hold the address before its owner): it waits for its welcome link like a registration,
 * the welcome email goes to the address, and the merchant is sent back to the sign-in page saying so, not
 * signed in. Later sign-ins through that link are refused until the mailbox is proven; the welcome link then
 * removes the link.
 */
public class FinishSignInAuthenticator implements BrokerStep {

    public static final String PROVIDER_ID = "merchant-idp-finish-sign-in";

    static final FinishSignInAuthenticator INSTANCE = new FinishSignInAuthenticator();

    /** What this sign-in means for the account, from the notes Keycloak's first login flow leaves. */
    enum AccountState {
        /** The first login flow created it and the provider vouched for its email: finish it. */
        CREATED_NOW,
        /** The first login flow created it, the provider did not vouch for its email: it waits for its welcome link. */
        CREATED_UNPROVEN,
        /** Registered through the form (or made as above), never finished, linked just now after the mailbox was proven. */
        LINKED_UNFINISHED,
        /** A later sign-in through a link made while the provider did not vouch, mailbox not proven since: refused. */
        LINK_UNVOUCHED,
        /** Nothing to finish. */
        ESTABLISHED;

        static AccountState of(boolean afterFirstLogin, boolean createdByFirstLogin, boolean emailProven, boolean unfinished,
                               boolean linkUnvouched) {
            if (afterFirstLogin && createdByFirstLogin) {
                return emailProven ? CREATED_NOW : CREATED_UNPROVEN;
            }
            if (afterFirstLogin) {
                return unfinished ? LINKED_UNFINISHED : ESTABLISHED;
            }
            return linkUnvouched ? LINK_UNVOUCHED : ESTABLISHED;
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
        String alias = broker.getIdpConfig().getAlias();
        boolean afterFirstLogin = Boolean.parseBoolean(authSession.getAuthNote(PostBrokerLoginConstants.PBL_AFTER_FIRST_BROKER_LOGIN));
        boolean created = afterFirstLogin && Boolean.parseBoolean(authSession.getAuthNote(AbstractIdentityProvider.BROKER_REGISTERED_NEW_USER));
        String unproven = created ? whyEmailUnproven(user, broker, claims, settings) : null;
        // Later sign-ins skip the credential lookup isUnfinished makes.
        AccountState state = AccountState.of(afterFirstLogin, created, unproven == null,
                afterFirstLogin && !created && MerchantAccount.isUnfinished(user),
                !afterFirstLogin && MerchantAccount.isUnvouched(user, alias));
        if (afterFirstLogin && !created) {
            // Linked just now by the linking rule or Keycloak's verification, whatever an older link of this provider was.
            MerchantAccount.linkVouched(user, alias);
            if (state != AccountState.LINKED_UNFINISHED) {
                JourneyFunnel.of(context.getSession()).count(JourneyFunnel.Step.PROVIDER_LINKED, null, alias);
            }
        }
        switch (state) {
            case CREATED_NOW -> {
                finishNewAccount(context.getEvent(), user, broker, claims);
                JourneyFunnel.of(context.getSession()).completed(user, JourneyFunnel.Step.PROVIDER_ACCOUNT_NEW, alias);
            }
            case CREATED_UNPROVEN -> {
                JourneyFunnel.of(context.getSession()).count(JourneyFunnel.Step.PROVIDER_ACCOUNT_NEW, "awaiting_mailbox", alias);
                awaitMailbox(context, user, broker, claims, unproven);
                return;
            }
            case LINKED_UNFINISHED -> {
                // Keycloak's link-by-email (or the linking rule) proved the mailbox: finished, unvouched links go.
                MerchantAccount.markCompleted(user);
                MerchantAccount.mailboxProven(context.getSession(), context.getRealm(), user, context.getEvent());
                JourneyFunnel.of(context.getSession()).completed(user, JourneyFunnel.Step.PROVIDER_LINKED, alias);
            }
            case LINK_UNVOUCHED -> {
                context.getEvent().detail(Details.REASON, MerchantErrors.REASON_PROVIDER_DID_NOT_VOUCH);
                Refusal.refuse(context, MerchantErrors.ACCOUNT_AWAITS_MAILBOX,
                        new FormMessage(null, BrokerMessages.AWAITS_MAILBOX, Refusal.providerName(context, broker), user.getEmail()));
                return;
            }
            case ESTABLISHED -> {
            }
        }
        context.success();
    }

    /** Null when the provider vouched for the new account's email; otherwise why not, for the event. */
    private static String whyEmailUnproven(UserModel user, BrokeredIdentityContext broker, ProviderClaims claims, BrokerSettings settings) {
        String notVouched = LinkDecision.whyProviderDoesNotVouch(claims, broker.getEmail(), settings.requireEmailVerifiedClaim());
        if (notVouched != null) {
            return notVouched;
        }
        return LinkDecision.sameEmail(user.getEmail(), broker.getEmail()) ? null : LinkDecision.ACCOUNT_EMAIL_MISMATCH;
    }

    private static void finishNewAccount(EventBuilder event, UserModel user, BrokeredIdentityContext broker, ProviderClaims claims) {
        user.setEmailVerified(true);
        nameFromProfile(user, broker, claims);
        // Signs in with the provider: no password to create.
        MerchantAccount.markCompleted(user);
        event.detail(BrokerEvents.LINK_DETAIL, BrokerEvents.NEW_ACCOUNT).detail(BrokerEvents.EMAIL_VERIFIED_DETAIL, "true");
    }

    /**
     * The provider did not vouch for the new account's email: the account waits for its welcome link (not complete,
     * "register" sends the link again), the welcome email goes to the address, and the merchant is not signed in but
     * sent back to the sign-in page, which says an email is on its way (or, when it could not be sent, how to get one).
     */
    private static void awaitMailbox(AuthenticationFlowContext context, UserModel user, BrokeredIdentityContext broker,
                                     ProviderClaims claims, String unproven) {
        user.setEmailVerified(false);
        nameFromProfile(user, broker, claims);
        MerchantAccount.markAwaitingMailbox(user, broker.getIdpConfig().getAlias());
        boolean sent = sendWelcome(context, user);
        context.getEvent().detail(BrokerEvents.LINK_DETAIL, BrokerEvents.NEW_ACCOUNT_AWAITING_MAILBOX)
                .detail(BrokerEvents.EMAIL_VERIFIED_DETAIL, "false").detail(Details.REASON, unproven);
        String provider = Refusal.providerName(context, broker);
        Refusal.turnBack(context, MerchantErrors.PROVIDER_EMAIL_NOT_PROVEN,
                new FormMessage(null, sent ? BrokerMessages.EMAIL_NOT_PROVEN_SENT : BrokerMessages.EMAIL_NOT_PROVEN_NOT_SENT,
                        provider, user.getEmail()), sent);
    }

    /**
     * The welcome email, within the welcome step's limits (it counts as the account's first). The link ends at the
     * help center's Home URL: this sign-in is over, nothing of its request is kept.
     */
    private static boolean sendWelcome(AuthenticationFlowContext context, UserModel user) {
        JourneyLimits.Verdict permit = JourneyLimits.of(context.getSession()).journeyEmail(user.getEmail());
        if (!permit.allowed()) {
            context.getEvent().clone().event(EventType.SEND_VERIFY_EMAIL).user(user)
                    .detail(WelcomeMail.STEP_DETAIL, BrokerEvents.WELCOME_STEP)
                    .detail(Details.REASON, permit.refusedBy().id()).error(MerchantErrors.TOO_MANY_EMAILS);
            return false;
        }
        WelcomeLink.of(context.getSession()).send(user, context.getAuthenticationSession().getClient().getClientId(), null,
                JourneyOutbox.Kind.PROVIDER_WELCOME, BrokerEvents.WELCOME_STEP);
        return true;
    }

    private static void nameFromProfile(UserModel user, BrokeredIdentityContext broker, ProviderClaims claims) {
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
                    + "name from the provider's profile, no password to create); when the provider did not vouch for the email, "
                    + "the account waits for its welcome link instead, the merchant is not signed in, and later sign-ins "
                    + "through that link are refused until the link is used. Share the first login step's configuration.";
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
