package com.merchantsupport.keycloak.broker;

import java.io.IOException;
import java.net.URI;
import java.util.List;

import com.merchantsupport.keycloak.journey.MerchantAccount;
import com.merchantsupport.keycloak.journey.MerchantErrors;
import com.merchantsupport.keycloak.journey.MerchantProfile;
import com.merchantsupport.keycloak.journey.StatelessProviderFactory;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.AuthenticationFlowException;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.authentication.authenticators.broker.AbstractIdpAuthenticator;
import org.keycloak.authentication.authenticators.broker.util.PostBrokerLoginConstants;
import org.keycloak.authentication.authenticators.broker.util.SerializedBrokeredIdentityContext;
import org.keycloak.broker.provider.AbstractIdentityProvider;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.services.resources.LoginActionsService;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.util.JsonSerialization;

/**
 * Sign-in with Google (or any OpenID Connect provider) without an email round-trip, and safely. One step,
 * used in the two flows an identity provider has:
 * <ul>
 *   <li><b>first login</b> (before an account is chosen, as the first alternative): refuses a Google
 *       Workspace domain the admin did not allow, or a profile without email; links the login to the
 *       existing account with that email when {@link LinkDecision} says the provider and the account both
 *       vouch for it; otherwise steps aside: {@code idp-create-user-if-unique} creates a new account, or
 *       Keycloak's confirm-link and verification steps handle an existing one.</li>
 *   <li><b>post login</b> (after every sign-in with the provider): refuses a domain no longer allowed, and
 *       finishes an account created on this first sign-in: its email is verified only when the signed ID
 *       token says so, its {@code name} comes from the provider's profile, and its merchant journey is
 *       complete (no password, none needed). This runs here because Keycloak marks a new brokered account's
 *       email unverified after the first-login flow when the provider's "Trust email" is off.</li>
 * </ul>
 * Later sign-ins find the account through the provider link (the provider's subject), not the email.
 */
public class VerifiedEmailLinkAuthenticator implements Authenticator {

    public static final String PROVIDER_ID = "merchant-verified-email-link";

    /** Event detail: what this step decided ({@link #NEW_ACCOUNT}, {@link #LINKED}, ...). */
    static final String LINK_DETAIL = "merchant_link";
    static final String NEW_ACCOUNT = "new_account";
    static final String LINKED = "linked_verified_email";
    static final String VERIFICATION_REQUIRED = "verification_required";
    static final String REFUSED = "refused";
    static final String EMAIL_VERIFIED_DETAIL = "merchant_email_verified";
    static final String HOSTED_DOMAIN_DETAIL = "merchant_hosted_domain";

    static final String ERROR_HOSTED_DOMAIN = MerchantErrors.HOSTED_DOMAIN_NOT_ALLOWED;
    static final String ERROR_EMAIL_MISSING = MerchantErrors.PROVIDER_EMAIL_MISSING;

    /** Authentication-session note: the refusal {@link #action} shows on the sign-in page. */
    static final String REFUSAL_NOTE = "merchant.broker.refusal";

    private static final Logger LOG = Logger.getLogger(VerifiedEmailLinkAuthenticator.class);

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        String flowPath = context.getFlowPath();
        if (LoginActionsService.FIRST_BROKER_LOGIN_PATH.equals(flowPath)) {
            chooseAccount(context, brokered(context, AbstractIdpAuthenticator.BROKERED_CONTEXT_NOTE));
        } else if (LoginActionsService.POST_BROKER_LOGIN_PATH.equals(flowPath)) {
            afterSignIn(context, brokered(context, PostBrokerLoginConstants.PBL_BROKERED_IDENTITY_CONTEXT));
        } else {
            throw new AuthenticationFlowException(PROVIDER_ID + " belongs in an identity provider's first login flow "
                    + "or post login flow, not in " + flowPath, AuthenticationFlowError.INTERNAL_ERROR);
        }
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String refusal = authSession.getAuthNote(REFUSAL_NOTE);
        if (refusal != null) {
            // Second half of refuse(): back to the sign-in page, which says why.
            authSession.removeAuthNote(REFUSAL_NOTE);
            context.forkWithErrorMessage(readMessage(refusal));
            return;
        }
        // No page of its own.
        authenticate(context);
    }

    /** First login: refuse, link, or step aside for account creation or Keycloak's verification. */
    private void chooseAccount(AuthenticationFlowContext context, BrokeredIdentityContext broker) {
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        BrokerSettings settings = BrokerSettings.of(context.getAuthenticatorConfig());
        ProviderClaims claims = ProviderClaims.of(broker);
        EventBuilder event = context.getEvent();

        if (!settings.hostedDomains().allows(claims.hostedDomain())) {
            refuseHostedDomain(context, broker, claims, settings);
            return;
        }
        String email = broker.getEmail();
        if (email == null || email.isBlank()) {
            refuse(context, ERROR_EMAIL_MISSING, new FormMessage(null, BrokerMessages.EMAIL_MISSING, providerName(session, broker)));
            return;
        }

        UserModel existing;
        try {
            existing = session.users().getUserByEmail(realm, email);
        } catch (ModelDuplicateException severalAccounts) {
            // Only when the realm allows duplicate emails: Keycloak's steps ask which one.
            event.detail(LINK_DETAIL, VERIFICATION_REQUIRED).detail(Details.REASON, "several_accounts_with_email");
            context.attempted();
            return;
        }
        if (existing == null) {
            // idp-create-user-if-unique, next, creates the account; the post login step finishes it.
            event.detail(LINK_DETAIL, NEW_ACCOUNT);
            context.attempted();
            return;
        }

        boolean linked = session.users().getFederatedIdentity(realm, existing, broker.getIdpConfig().getAlias()) != null;
        LinkDecision decision = LinkDecision.decide(claims, email,
                new LinkDecision.Account(existing.getEmail(), existing.isEmailVerified(), existing.isEnabled(), linked),
                settings.requireEmailVerifiedClaim());
        if (decision.links()) {
            LOG.debugf("Linking %s login '%s' to account %s: both vouch for its verified email", broker.getIdpConfig().getAlias(),
                    broker.getUsername(), existing.getId());
            event.user(existing).detail(Details.USERNAME, existing.getUsername()).detail(LINK_DETAIL, LINKED);
            context.setUser(existing);
            context.success();
        } else {
            // Keycloak's "Handle Existing Account" steps take over: confirm, then an email or the password.
            event.detail(LINK_DETAIL, VERIFICATION_REQUIRED).detail(Details.REASON, decision.reason());
            context.attempted();
        }
    }

    /** Post login: the domain allow-list on every sign-in, and the finish of an account created just now. */
    private void afterSignIn(AuthenticationFlowContext context, BrokeredIdentityContext broker) {
        BrokerSettings settings = BrokerSettings.of(context.getAuthenticatorConfig());
        ProviderClaims claims = ProviderClaims.of(broker);
        if (!settings.hostedDomains().allows(claims.hostedDomain())) {
            if (context.getUser() != null) {
                context.getEvent().user(context.getUser());
            }
            refuseHostedDomain(context, broker, claims, settings);
            return;
        }
        UserModel user = context.getUser();
        if (user == null) {
            throw new AuthenticationFlowException("No account after the sign-in with " + broker.getIdpConfig().getAlias(),
                    AuthenticationFlowError.UNKNOWN_USER);
        }
        context.getEvent().user(user);
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        boolean firstSignIn = Boolean.parseBoolean(authSession.getAuthNote(PostBrokerLoginConstants.PBL_AFTER_FIRST_BROKER_LOGIN));
        boolean created = firstSignIn && Boolean.parseBoolean(authSession.getAuthNote(AbstractIdentityProvider.BROKER_REGISTERED_NEW_USER));

        if (created) {
            String notVouched = LinkDecision.whyProviderDoesNotVouch(claims, broker.getEmail(), settings.requireEmailVerifiedClaim());
            boolean verified = notVouched == null && LinkDecision.sameEmail(user.getEmail(), broker.getEmail());
            user.setEmailVerified(verified);
            String name = user.getFirstAttribute(MerchantProfile.NAME);
            if (name == null || name.isBlank()) {
                user.setSingleAttribute(MerchantProfile.NAME, claims.accountName(broker.getFirstName(), broker.getLastName(), user.getEmail()));
            }
            // Signs in with the provider: no password to create.
            MerchantAccount.markCompleted(user);
            EventBuilder event = context.getEvent().detail(LINK_DETAIL, NEW_ACCOUNT).detail(EMAIL_VERIFIED_DETAIL, Boolean.toString(verified));
            if (notVouched != null) {
                event.detail(Details.REASON, notVouched);
            }
        } else if (firstSignIn && MerchantAccount.isUnfinished(user)) {
            // Registered through the form, never created a password, now linked: the provider is the way in.
            MerchantAccount.markCompleted(user);
        }
        context.success();
    }

    private static void refuseHostedDomain(AuthenticationFlowContext context, BrokeredIdentityContext broker,
                                           ProviderClaims claims, BrokerSettings settings) {
        String provider = providerName(context.getSession(), broker);
        context.getEvent()
                .detail(HOSTED_DOMAIN_DETAIL, claims.hostedDomain() == null ? "none" : claims.hostedDomain())
                .detail(Details.REASON, "allowed: " + settings.hostedDomains());
        refuse(context, ERROR_HOSTED_DOMAIN, claims.hostedDomain() == null
                ? new FormMessage(null, BrokerMessages.PERSONAL_ACCOUNT_NOT_ALLOWED, provider)
                : new FormMessage(null, BrokerMessages.DOMAIN_NOT_ALLOWED, provider, claims.hostedDomain()));
    }

    /**
     * No account: the merchant goes back to the sign-in page, which says why and offers the other ways in
     * (Keycloak's "fork": a fresh sign-in, nothing of this login kept). In a required position the step forks
     * at once. As an alternative it cannot: Keycloak would take a fork there as "this alternative did not
     * work" and go on to the next one, which creates the account. So the browser is first sent to this step's
     * own action URL (a redirect, no page), and {@link #action} forks from there.
     */
    private static void refuse(AuthenticationFlowContext context, String error, FormMessage message) {
        context.getEvent().detail(LINK_DETAIL, REFUSED).error(error);
        if (!context.getExecution().isAlternative()) {
            context.forkWithErrorMessage(message);
            return;
        }
        context.getAuthenticationSession().setAuthNote(REFUSAL_NOTE, writeMessage(message));
        URI ownAction = context.getActionUrl(context.generateAccessCode());
        context.challenge(Response.status(Response.Status.FOUND).location(ownAction).build());
    }

    private static String writeMessage(FormMessage message) {
        try {
            return JsonSerialization.writeValueAsString(message);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static FormMessage readMessage(String json) {
        try {
            return JsonSerialization.readValue(json, FormMessage.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String providerName(KeycloakSession session, BrokeredIdentityContext broker) {
        return KeycloakModelUtils.getIdentityProviderDisplayName(session, broker.getIdpConfig());
    }

    private static BrokeredIdentityContext brokered(AuthenticationFlowContext context, String note) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        SerializedBrokeredIdentityContext serialized = SerializedBrokeredIdentityContext.readFromAuthenticationSession(authSession, note);
        if (serialized == null) {
            throw new AuthenticationFlowException("No brokered identity in the authentication session",
                    AuthenticationFlowError.IDENTITY_PROVIDER_ERROR);
        }
        return serialized.deserialize(context.getSession(), authSession);
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }

    public static class Factory implements AuthenticatorFactory, StatelessProviderFactory<Authenticator> {

        private static final VerifiedEmailLinkAuthenticator INSTANCE = new VerifiedEmailLinkAuthenticator();

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
            return "Sign-in with Google or another OpenID Connect provider, without an email round-trip. In the provider's "
                    + "first login flow (first alternative, before 'Create user if unique'): links the login to the existing "
                    + "account with the same email only when the provider's signed ID token says email_verified and the "
                    + "account's own email is verified; otherwise Keycloak's confirm-link and verification steps decide. "
                    + "In the provider's post login flow (required): checks the allowed domains on every sign-in and "
                    + "finishes new accounts (verified email only when the ID token says so, name, no password).";
        }

        @Override
        public String getReferenceCategory() {
            return null;
        }

        @Override
        public boolean isConfigurable() {
            return true;
        }

        @Override
        public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
            return new AuthenticationExecutionModel.Requirement[] {
                    AuthenticationExecutionModel.Requirement.ALTERNATIVE,
                    AuthenticationExecutionModel.Requirement.REQUIRED,
                    AuthenticationExecutionModel.Requirement.DISABLED};
        }

        @Override
        public boolean isUserSetupAllowed() {
            return false;
        }

        @Override
        public List<ProviderConfigProperty> getConfigProperties() {
            return ProviderConfigurationBuilder.create()
                    .property().name(BrokerSettings.ALLOWED_HOSTED_DOMAINS).label("Allowed Google Workspace domains")
                    .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
                    .helpText("Empty: any account may sign in. Otherwise only accounts whose signed ID token carries one of "
                            + "these domains in its 'hd' claim (Google Workspace), for example example.com; '*' allows any "
                            + "Workspace account but no personal one. Others are sent back to the sign-in page with a message "
                            + "saying their account cannot be used here. Checked on every sign-in when the step is also in the "
                            + "post login flow. Providers that send no 'hd' claim are refused as soon as a domain is listed.")
                    .add()
                    .property().name(BrokerSettings.REQUIRE_EMAIL_VERIFIED_CLAIM).label("Require email_verified in the ID token")
                    .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("true")
                    .helpText("On (recommended): the merchant's existing account is linked without an email, and a new account's "
                            + "email counts as verified, only when the provider's ID token says email_verified: true. Off: a "
                            + "provider that never sends the claim is believed; an explicit email_verified: false still means "
                            + "the merchant confirms by email or password first.")
                    .add()
                    .build();
        }

        @Override
        public Authenticator create(KeycloakSession session) {
            return INSTANCE;
        }
    }
}
