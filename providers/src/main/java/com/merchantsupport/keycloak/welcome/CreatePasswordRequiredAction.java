package com.merchantsupport.keycloak.welcome;

import com.merchantsupport.keycloak.funnel.JourneyFunnel;
import java.util.List;

import com.merchantsupport.keycloak.admin.AdminLinks;
import com.merchantsupport.keycloak.journey.MerchantAccount;
import com.merchantsupport.keycloak.journey.MerchantProfile;
import com.merchantsupport.keycloak.journey.StatelessProviderFactory;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuth2Constants;
import org.keycloak.authentication.AuthenticationProcessor;
import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionContextResult;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.models.credential.WebAuthnCredentialModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.policy.PasswordPolicyManagerProvider;
import org.keycloak.policy.PolicyError;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.utils.OIDCResponseType;
import org.keycloak.services.Urls;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.services.managers.ClientSessionCode;
import org.keycloak.services.messages.Messages;
import org.keycloak.services.resources.LoginActionsService;
import org.keycloak.sessions.AuthenticationSessionCompoundId;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.sessions.RootAuthenticationSessionModel;

/**
 * "Create your password": the last step of sign-up. Unlike UPDATE_PASSWORD (which keeps its meaning for resets
 * an admin forces), it speaks to a merchant who never had a password, names the account it is for, and is where
 * the welcome link takes effect: the POST (on Keycloak's own required-action endpoint, bound to the browser's
 * authentication session) spends the link, verifies the email, creates the password and completes the journey,
 * all in one transaction. "Use a passkey instead" ({@link PasskeyStep}) ends the same way, with a passkey made by
 * Keycloak's passwordless registration in place of the password. Opening the link ({@link #open}) only shows this page.
 */
public class CreatePasswordRequiredAction implements RequiredActionProvider {

    public static final String PROVIDER_ID = MerchantAccount.CREATE_PASSWORD_ACTION;
    static final String TEMPLATE = "merchant-create-password.ftl";
    static final String FIELD_PASSWORD = "password-new";
    static final String FIELD_CONFIRM = "password-confirm";
    /** The welcome link this authentication session was opened with. */
    static final String LINK_NOTE = "merchant.welcome.link";
    /** The {@code merchant_step} of the events that say how the merchant finished. */
    static final String PASSWORD_CREATED = "password-created";
    static final String PASSKEY_CREATED = "passkey-created";

    /**
     * A fresh link was opened: "Create your password" in this one response. In the browser that registered
     * (while its authentication session lives) the page continues that session, so the end answers the help
     * center's original request; anywhere else a new session ends at the help center's Home URL, where the help
     * center starts a sign-in of its own that the new SSO session answers without a page.
     */
    static Response open(KeycloakSession session, WelcomeLink.Check link) {
        RealmModel realm = session.getContext().getRealm();
        UserModel user = link.user();
        AuthenticationSessionModel authSession = registeringSession(session, realm, link.token());
        if (authSession == null) {
            ClientModel client = link.token().getIssuedFor() == null ? null : realm.getClientByClientId(link.token().getIssuedFor());
            if (client == null || !client.isEnabled()) {
                return LinkPages.of(session, new WelcomeLink.Check(WelcomeLink.State.UNAVAILABLE, link.key(), link.token(), user));
            }
            authSession = newSession(session, realm, client);
        }
        authSession.setAuthenticatedUser(user);
        authSession.setAuthNote(LINK_NOTE, link.key());
        authSession.addRequiredAction(PROVIDER_ID);
        new ClientSessionCode<>(session, realm, authSession).setAction(AuthenticationSessionModel.Action.REQUIRED_ACTIONS.name());
        authSession.setAuthNote(AuthenticationProcessor.CURRENT_FLOW_PATH, LoginActionsService.REQUIRED_ACTION);
        session.getContext().setAuthenticationSession(authSession);
        session.getContext().setClient(authSession.getClient());

        RequiredActionFactory factory = (RequiredActionFactory) session.getKeycloakSessionFactory()
                .getProviderFactory(RequiredActionProvider.class, PROVIDER_ID);
        EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection()).event(EventType.CUSTOM_REQUIRED_ACTION);
        RequiredActionContextResult context = new RequiredActionContextResult(authSession, realm, event, session,
                session.getContext().getHttpRequest(), user, factory);
        context.challenge(page(context, List.of()));
        authSession.setAuthNote(AuthenticationProcessor.CURRENT_AUTHENTICATION_EXECUTION, PROVIDER_ID);
        return context.getChallenge();
    }

    /** The registering browser's own session for this link, found through its cookie; null anywhere else. */
    private static AuthenticationSessionModel registeringSession(KeycloakSession session, RealmModel realm, WelcomeLinkToken token) {
        String compound = token.getCompoundAuthenticationSessionId();
        if (compound == null) {
            return null;
        }
        AuthenticationSessionCompoundId id;
        try {
            id = AuthenticationSessionCompoundId.encoded(compound);
        } catch (RuntimeException odd) {
            return null;
        }
        RootAuthenticationSessionModel root = new AuthenticationSessionManager(session).getCurrentRootAuthenticationSession(realm);
        if (root == null || !root.getId().equals(id.getRootSessionId())) {
            return null;
        }
        ClientModel client = realm.getClientById(id.getClientUUID());
        return client == null ? null : root.getAuthenticationSession(client, id.getTabId());
    }

    /** Another browser: a session that ends at the help center's Home URL with no code (response_type none). */
    private static AuthenticationSessionModel newSession(KeycloakSession session, RealmModel realm, ClientModel client) {
        AuthenticationSessionManager manager = new AuthenticationSessionManager(session);
        RootAuthenticationSessionModel root = manager.getCurrentRootAuthenticationSession(realm);
        if (root == null) {
            root = manager.createAuthenticationSession(realm, true);
        }
        AuthenticationSessionModel authSession = root.createAuthenticationSession(client);
        authSession.setAction(AuthenticationSessionModel.Action.AUTHENTICATE.name());
        authSession.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
        String home = LinkPages.homeUrl(session, realm, client.getClientId());
        if (home == null) {
            // No Home URL to go to: Keycloak's "account updated" page ends the journey.
            authSession.setAuthNote(AuthenticationManager.END_AFTER_REQUIRED_ACTIONS, "true");
        } else {
            authSession.setRedirectUri(home);
            authSession.setClientNote(OIDCLoginProtocol.REDIRECT_URI_PARAM, home);
            authSession.setClientNote(OIDCLoginProtocol.RESPONSE_TYPE_PARAM, OIDCResponseType.NONE);
            authSession.setClientNote(OIDCLoginProtocol.ISSUER, Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName()));
            authSession.setClientNote(OAuth2Constants.SCOPE, OAuth2Constants.SCOPE_OPENID);
        }
        return authSession;
    }

    @Override
    public InitiatedActionSupport initiatedActionSupport() {
        return InitiatedActionSupport.NOT_SUPPORTED;
    }

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
        // Set on the account at registration; nothing else triggers it.
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        String key = context.getAuthenticationSession().getAuthNote(LINK_NOTE);
        if (key == null) {
            // Reached by a sign-in, not a link (the action was added by hand): a complete account has nothing to create.
            if (MerchantAccount.isComplete(context.getUser())) {
                context.success();
            } else {
                context.challenge(insteadOfKeycloaksLink(context));
            }
            return;
        }
        WelcomeLink.Check link = WelcomeLink.of(context.getSession()).check(key);
        context.challenge(usable(link, context.getUser()) ? page(context, List.of()) : LinkPages.of(context.getSession(), link));
    }

    @Override
    public void processAction(RequiredActionContext context) {
        KeycloakSession session = context.getSession();
        UserModel user = context.getUser();
        String key = context.getAuthenticationSession().getAuthNote(LINK_NOTE);
        WelcomeLink links = WelcomeLink.of(session);
        WelcomeLink.Check link = key == null ? null : links.check(key);
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        PasskeyStep.Request passkey = PasskeyStep.request(form);
        // The journey's own events, taken before Keycloak's passkey registration makes the request's event its own.
        EventBuilder journey = context.getEvent().clone();

        EventBuilder created = journey.clone().event(EventType.UPDATE_CREDENTIAL)
                .detail(Details.CREDENTIAL_TYPE, passkey == PasskeyStep.Request.ANSWER ? WebAuthnCredentialModel.TYPE_PASSWORDLESS : PasswordCredentialModel.TYPE)
                .detail(WelcomeMail.STEP_DETAIL, passkey == PasskeyStep.Request.ANSWER ? PASSKEY_CREATED : PASSWORD_CREATED);
        EventBuilder refused = created.clone().event(EventType.UPDATE_CREDENTIAL_ERROR);

        if (link != null && !usable(link, user)) {
            // Replaced, used in another browser, expired or completed another way since the page was shown.
            refused.detail(Details.REASON, link.state().name().toLowerCase(java.util.Locale.ROOT)).error(link.state().eventError());
            JourneyFunnel.of(session).count(JourneyFunnel.Step.LINK_REFUSED, link.state().name());
            context.challenge(LinkPages.of(session, link));
            return;
        }
        if (link == null && MerchantAccount.isComplete(user)) {
            context.success();
            return;
        }
        if (link == null) {
            context.challenge(insteadOfKeycloaksLink(context));
            return;
        }
        switch (passkey) {
            case START -> {
                context.challenge(PasskeyStep.offered(context.getRealm())
                        ? PasskeyStep.page(context, forms -> journeyAttributes(forms, user)) : page(context, List.of()));
                return;
            }
            case BACK -> {
                context.challenge(page(context, List.of()));
                return;
            }
            case ANSWER -> {
                createPasskey(context, links, link, journey, refused);
                return;
            }
            case NONE -> {
                // The password form.
            }
        }
        String password = form.getFirst(FIELD_PASSWORD);
        String confirmation = form.getFirst(FIELD_CONFIRM);
        if (password == null || password.isEmpty()) {
            refused.error(Errors.PASSWORD_MISSING);
            context.challenge(page(context, List.of(new FormMessage(FIELD_PASSWORD, Messages.MISSING_PASSWORD))));
            return;
        }
        if (!password.equals(confirmation)) {
            refused.error(Errors.PASSWORD_CONFIRM_ERROR);
            context.challenge(page(context, List.of(new FormMessage(FIELD_CONFIRM, Messages.NOTMATCH_PASSWORD))));
            return;
        }
        // The realm's policy first: a link is spent only by a password that will be kept.
        PolicyError policy = session.getProvider(PasswordPolicyManagerProvider.class).validate(context.getRealm(), user, password);
        if (policy != null) {
            refused.detail(Details.REASON, policy.getMessage()).error(Errors.PASSWORD_REJECTED);
            context.challenge(page(context, List.of(new FormMessage(FIELD_PASSWORD, policy.getMessage(), policy.getParameters()))));
            return;
        }
        if (!spend(context, links, link, refused)) {
            return;
        }
        try {
            user.credentialManager().updateCredential(UserCredentialModel.password(password, false));
        } catch (ModelException rejected) {
            // Refused after the spend: undo the whole transaction (the spend with it), so the link still works.
            session.getTransactionManager().setRollbackOnly();
            refused.detail(Details.REASON, rejected.getMessage()).error(Errors.PASSWORD_REJECTED);
            context.challenge(page(context, List.of(new FormMessage(FIELD_PASSWORD, rejected.getMessage(), rejected.getParameters()))));
            return;
        }
        completed(context, link, journey);
        JourneyFunnel.of(session).completed(user, JourneyFunnel.Step.PASSWORD_CREATED, null);
        created.success();
        journey.clone().event(EventType.UPDATE_PASSWORD).detail(WelcomeMail.STEP_DETAIL, PASSWORD_CREATED).success();
        context.success();
    }

    /**
     * The passkey's answer, the same rule as the password: nothing is spent for a closed or refused prompt (the
     * password form again, with a sentence); otherwise the link is spent, then Keycloak checks the answer and stores
     * the passkey, and a refusal undoes the spend with the rest of the transaction.
     */
    private static void createPasskey(RequiredActionContext context, WelcomeLink links, WelcomeLink.Check link,
                                      EventBuilder journey, EventBuilder refused) {
        List<FormMessage> notCreated = List.of(new FormMessage(null, PasskeyStep.NOT_CREATED));
        if (!PasskeyStep.answered(context)) {
            PasskeyStep.notCreated(context);
            context.challenge(page(context, notCreated));
            return;
        }
        if (!spend(context, links, link, refused)) {
            return;
        }
        if (!PasskeyStep.register(context)) {
            context.getSession().getTransactionManager().setRollbackOnly();
            context.challenge(page(context, notCreated));
            return;
        }
        completed(context, link, journey);
        JourneyFunnel.of(context.getSession()).completed(context.getUser(), JourneyFunnel.Step.PASSKEY_CREATED, null);
        // Keycloak's UPDATE_CREDENTIAL for the passkey is sent when the action succeeds; it names the journey's step.
        context.getEvent().detail(WelcomeMail.STEP_DETAIL, PASSKEY_CREATED);
        context.success();
    }

    /**
     * Spends the link (none when the action was added by hand): false when another request spent it a moment ago
     * (a second browser, a double click), which won; this one changes nothing and shows "already used".
     */
    private static boolean spend(RequiredActionContext context, WelcomeLink links, WelcomeLink.Check link, EventBuilder refused) {
        if (link == null || links.spend(link)) {
            return true;
        }
        WelcomeLink.Check now = links.check(link.key());
        WelcomeLink.Check shown = now.state() == WelcomeLink.State.FRESH
                ? new WelcomeLink.Check(WelcomeLink.State.USED, link.key(), now.token(), now.user()) : now;
        refused.detail(Details.REASON, "raced").error(shown.state().eventError());
        JourneyFunnel.of(context.getSession()).count(JourneyFunnel.Step.LINK_REFUSED, shown.state().name());
        context.challenge(LinkPages.raced(context.getSession(), shown));
        return false;
    }

    /**
     * What a password and a passkey both end with: the address proven by the link (the links of providers that did
     * not vouch for it removed), the journey completed.
     */
    private static void completed(RequiredActionContext context, WelcomeLink.Check link, EventBuilder journey) {
        UserModel user = context.getUser();
        if (link != null) {
            // The link reached this mailbox and was used: the address is proven.
            user.setEmailVerified(true);
            journey.clone().event(EventType.VERIFY_EMAIL).detail(Details.EMAIL, user.getEmail())
                    .detail(WelcomeMail.STEP_DETAIL, "link-used").success();
            // Links made through a provider that did not vouch for this address are not the owner's to keep.
            MerchantAccount.mailboxProven(context.getSession(), context.getRealm(), user, journey);
        }
        MerchantAccount.markCompleted(user);
        context.getAuthenticationSession().removeAuthNote(LINK_NOTE);
    }

    /**
     * Reached without the pack's link, by an account still waiting for its password: through one of Keycloak's own
     * links, its "Send email" (execute actions) above all. Only the pack's link creates the first password (one live
     * link per account, spent once): the pack's welcome email with a new link goes to the mailbox (within the send
     * limits), and the page says so. Keycloak's link itself creates nothing.
     */
    private static Response insteadOfKeycloaksLink(RequiredActionContext context) {
        KeycloakSession session = context.getSession();
        AdminLinks links = AdminLinks.of(session);
        AdminLinks.Outcome outcome = links.insteadOfKeycloaksLink(context.getUser());
        if (outcome.result() == AdminLinks.Result.LIMITED) {
            return LinkPages.limited(session, links.clientId(), null, outcome.retryAfterSeconds());
        }
        if (outcome.result() == AdminLinks.Result.NOT_WAITING) {
            return LinkPages.render(session, links.clientId(), LinkPages.Problem.UNAVAILABLE, null);
        }
        return LinkPages.render(session, links.clientId(), LinkPages.Problem.RESENT, null);
    }

    /** Fresh, and for the account this session is signing in. */
    private static boolean usable(WelcomeLink.Check link, UserModel user) {
        return link.state() == WelcomeLink.State.FRESH && link.user().getId().equals(user.getId());
    }

    private static Response page(RequiredActionContext context, List<FormMessage> errors) {
        return journeyAttributes(context.form(), context.getUser())
                .setErrors(errors.isEmpty() ? null : errors)
                .setAttribute("passkeyOffered", PasskeyStep.offered(context.getRealm()))
                .createForm(TEMPLATE);
    }

    /** What both pages show: the journey's step and the account they are for. */
    private static LoginFormsProvider journeyAttributes(LoginFormsProvider forms, UserModel user) {
        return forms.setAttribute("journeyStep", "password")
                .setAttribute("merchantName", MerchantProfile.displayName(user))
                .setAttribute("merchantEmail", user.getEmail())
                .setAttribute("username", user.getUsername());
    }

    @Override
    public void close() {
    }

    public static class Factory implements RequiredActionFactory, StatelessProviderFactory<RequiredActionProvider> {

        private static final CreatePasswordRequiredAction INSTANCE = new CreatePasswordRequiredAction();

        @Override
        public String getId() {
            return PROVIDER_ID;
        }

        @Override
        public String getDisplayText() {
            return "Merchant Support: Create your password";
        }

        @Override
        public boolean isOneTimeAction() {
            return true;
        }

        @Override
        public RequiredActionProvider create(KeycloakSession session) {
            return INSTANCE;
        }
    }
}
