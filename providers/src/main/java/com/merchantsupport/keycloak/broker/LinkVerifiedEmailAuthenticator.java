package com.merchantsupport.keycloak.broker;

import com.merchantsupport.keycloak.journey.MerchantErrors;
import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;

/**
 * The first login flow's step (first alternative, before an account is chosen): cleans the provider's names
 * ({@link BrokerFlow#cleanNames}) before Keycloak may copy them into a new account; refuses a Google Workspace
 * domain the admin did not allow, or a profile without email; links the login to the existing account with
 * that email when {@link LinkDecision} says the provider and the account both vouch for it; otherwise steps
 * aside: {@code idp-create-user-if-unique} creates a new account (which {@link FinishSignInAuthenticator}
 * finishes), or Keycloak's confirm-link and verification steps handle an existing one.
 */
public class LinkVerifiedEmailAuthenticator implements BrokerStep {

    public static final String PROVIDER_ID = "merchant-idp-link-verified-email";

    static final LinkVerifiedEmailAuthenticator INSTANCE = new LinkVerifiedEmailAuthenticator();
    private static final Logger LOG = Logger.getLogger(LinkVerifiedEmailAuthenticator.class);

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        BrokeredIdentityContext broker = BrokerFlow.FIRST_LOGIN.identity(context, PROVIDER_ID);
        BrokerFlow.cleanNames(context);
        BrokerSettings settings = BrokerSettings.of(context.getAuthenticatorConfig());
        ProviderClaims claims = ProviderClaims.of(broker);

        if (!settings.hostedDomains().allows(claims.hostedDomain())) {
            Refusal.hostedDomain(context, broker, claims, settings);
            return;
        }
        String email = broker.getEmail();
        if (email == null || email.isBlank()) {
            Refusal.refuse(context, MerchantErrors.PROVIDER_EMAIL_MISSING,
                    new FormMessage(null, BrokerMessages.EMAIL_MISSING, Refusal.providerName(context, broker)));
            return;
        }

        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        EventBuilder event = context.getEvent();
        UserModel existing;
        try {
            existing = session.users().getUserByEmail(realm, email);
        } catch (ModelDuplicateException severalAccounts) {
            // Only when the realm allows duplicate emails: Keycloak's steps ask which one.
            stepAside(context, LinkDecision.SEVERAL_ACCOUNTS);
            return;
        }
        if (existing == null) {
            // idp-create-user-if-unique, next, creates the account; the post login step finishes it.
            event.detail(BrokerEvents.LINK_DETAIL, BrokerEvents.NEW_ACCOUNT);
            context.attempted();
            return;
        }

        boolean linked = session.users().getFederatedIdentity(realm, existing, broker.getIdpConfig().getAlias()) != null;
        LinkDecision decision = LinkDecision.decide(claims, email,
                new LinkDecision.Account(existing.getEmail(), existing.isEmailVerified(), existing.isEnabled(), linked),
                settings.requireEmailVerifiedClaim());
        if (!decision.links()) {
            stepAside(context, decision.reason());
            return;
        }
        LOG.debugf("Linking %s login '%s' to account %s: both vouch for its verified email", broker.getIdpConfig().getAlias(),
                broker.getUsername(), existing.getId());
        event.user(existing).detail(Details.USERNAME, existing.getUsername()).detail(BrokerEvents.LINK_DETAIL, BrokerEvents.LINKED);
        context.setUser(existing);
        context.success();
    }

    /** Keycloak's "Handle Existing Account" steps take over: confirm, then an email or the password. */
    private static void stepAside(AuthenticationFlowContext context, String reason) {
        context.getEvent().detail(BrokerEvents.LINK_DETAIL, BrokerEvents.VERIFICATION_REQUIRED).detail(Details.REASON, reason);
        context.attempted();
    }

    public static class Factory implements BrokerStepFactory {

        @Override
        public String getId() {
            return PROVIDER_ID;
        }

        @Override
        public String getDisplayType() {
            return "Merchant Support: Link verified email";
        }

        @Override
        public String getHelpText() {
            return "For an identity provider's first login flow, as its first alternative (before 'Create user if unique'). "
                    + "Links a Google (or other OpenID Connect) sign-in to the existing account with the same email, without "
                    + "an email round-trip, only when the provider's signed ID token says email_verified and the account's "
                    + "own email is verified; otherwise Keycloak's confirm-link and verification steps decide. Refuses "
                    + "Workspace domains not allowed and profiles without email. Pair it with 'Finish provider sign-in' in "
                    + "the post login flow, sharing one configuration.";
        }

        @Override
        public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
            return new AuthenticationExecutionModel.Requirement[] {
                    AuthenticationExecutionModel.Requirement.ALTERNATIVE,
                    AuthenticationExecutionModel.Requirement.REQUIRED,
                    AuthenticationExecutionModel.Requirement.DISABLED};
        }

        @Override
        public Authenticator create(KeycloakSession session) {
            return INSTANCE;
        }
    }
}
