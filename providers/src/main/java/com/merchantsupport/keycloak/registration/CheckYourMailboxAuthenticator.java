package com.merchantsupport.keycloak.registration;

import java.util.List;

import com.merchantsupport.keycloak.journey.FlowSettings;
import com.merchantsupport.keycloak.journey.MerchantAccount;
import com.merchantsupport.keycloak.journey.MerchantErrors;
import com.merchantsupport.keycloak.journey.SendLimit;
import com.merchantsupport.keycloak.journey.StatelessProviderFactory;
import com.merchantsupport.keycloak.welcome.WelcomeLink;
import com.merchantsupport.keycloak.welcome.WelcomeMail;
import com.merchantsupport.keycloak.welcome.WelcomeSettings;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventType;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.services.Urls;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * After "Connect": sends the welcome email and says "check your mailbox" (naming the address, with
 * "resend" and "wrong address? start again"). For an email that already has an account it follows the
 * realm admin's choice: say so with "Forgot my password" (reveal), or look exactly like a new
 * registration and warn the owner by email (private). An account that never finished gets its welcome
 * email again instead. The merchant never finishes here: the email's link does.
 */
public class CheckYourMailboxAuthenticator implements Authenticator {

    public static final String PROVIDER_ID = MerchantAccount.CHECK_YOUR_MAILBOX_STEP;
    static final String MAILBOX_TEMPLATE = "merchant-check-mailbox.ftl";
    static final String ALREADY_USED_TEMPLATE = "merchant-already-used.ftl";

    static final String ALREADY_USED_MODE = "alreadyUsedMode";
    static final String TRIED_PER_HOUR = "someoneTriedPerHour";

    enum MailboxStatus { SENT, RESENT, FAILED, LIMITED }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String shown = authSession.getAuthNote(RegistrationNotes.MAILBOX_SHOWN);
        if (shown != null) {
            // The page again (a reload, "continue" after "page has expired", an unknown action): as it was, nothing sent.
            context.challenge(mailbox(context, MailboxStatus.valueOf(shown)));
            return;
        }
        UserModel created = user(context, authSession.getAuthNote(RegistrationNotes.NEW_ACCOUNT));
        if (created != null) {
            context.challenge(mailbox(context, shown(authSession, sendWelcome(context, created, "welcome-email-sent", MailboxStatus.SENT))));
            return;
        }
        UserModel existing = user(context, authSession.getAuthNote(RegistrationNotes.EXISTING_ACCOUNT));
        if (existing == null) {
            // Reached without the form (a bookmarked URL, say): back to the form.
            context.resetFlow();
            return;
        }
        AlreadyUsedMode mode = AlreadyUsedMode.from(settings(context).get(ALREADY_USED_MODE, AlreadyUsedMode.REVEAL.id()));
        context.getEvent().clone().event(EventType.REGISTER).user(existing)
                .detail(Details.EMAIL, existing.getEmail()).detail("merchant_mode", mode.id())
                .detail(Details.REASON, MerchantAccount.isUnfinished(existing) ? "unfinished_account" : "already_used")
                .error(Errors.EMAIL_IN_USE);

        if (MerchantAccount.isUnfinished(existing)) {
            // Registered before but never created a password: not "already used", just a new email.
            context.challenge(mailbox(context, shown(authSession, sendWelcome(context, existing, "welcome-email-resent", MailboxStatus.SENT))));
        } else if (mode == AlreadyUsedMode.PRIVATE) {
            warnOwner(context, existing);
            context.challenge(mailbox(context, shown(authSession, MailboxStatus.SENT)));
        } else {
            // "Forgot my password" and "Sign in" open with the address filled in.
            authSession.setClientNote(OIDCLoginProtocol.LOGIN_HINT_PARAM, existing.getEmail());
            context.challenge(context.form()
                    .setAttribute("journeyStep", "connect")
                    .setAttribute("merchantEmail", existing.getEmail())
                    .createForm(ALREADY_USED_TEMPLATE));
        }
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String action = form.getFirst("action");
        if ("restart".equals(action)) {
            context.getAuthenticationSession().removeClientNote(OIDCLoginProtocol.LOGIN_HINT_PARAM);
            context.resetFlow();
            return;
        }
        if (!"resend".equals(action)) {
            authenticate(context);
            return;
        }
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        UserModel account = user(context, authSession.getAuthNote(RegistrationNotes.NEW_ACCOUNT));
        if (account == null) {
            account = user(context, authSession.getAuthNote(RegistrationNotes.EXISTING_ACCOUNT));
        }
        if (account == null) {
            context.resetFlow();
            return;
        }
        if (MerchantAccount.isUnfinished(account)) {
            context.challenge(mailbox(context, sendWelcome(context, account, "welcome-email-resent", MailboxStatus.RESENT)));
        } else if (AlreadyUsedMode.from(settings(context).get(ALREADY_USED_MODE, null)) == AlreadyUsedMode.PRIVATE) {
            // Private mode: behave as for a new address; the owner is warned again, within limits.
            context.challenge(mailbox(context, warnOwner(context, account) ? MailboxStatus.RESENT : MailboxStatus.LIMITED));
        } else {
            authenticate(context);
        }
    }

    private MailboxStatus sendWelcome(AuthenticationFlowContext context, UserModel user, String step, MailboxStatus ok) {
        RealmModel realm = context.getRealm();
        SendLimit limit = WelcomeSettings.from(settings(context)).resendLimit();
        SendLimit.Permit permit = limit.tryAcquire(context.getSession(), realm.getId(), user.getId());
        if (permit == null) {
            context.getEvent().clone().event(EventType.SEND_VERIFY_EMAIL).user(user)
                    .detail(WelcomeMail.STEP_DETAIL, step).detail(Details.REASON, MerchantErrors.REASON_RESEND_LIMIT).error(MerchantErrors.TOO_MANY_EMAILS);
            return MailboxStatus.LIMITED;
        }
        WelcomeMail.Outcome outcome = WelcomeLink.of(context.getSession())
                .send(user, context.getAuthenticationSession(), context.getEvent(), step);
        if (outcome == WelcomeMail.Outcome.SENT) {
            return ok;
        }
        permit.giveBack();
        return MailboxStatus.FAILED;
    }

    /** Remembers what the page said, so that showing it again sends nothing; a failed send is tried again. */
    private static MailboxStatus shown(AuthenticationSessionModel authSession, MailboxStatus status) {
        if (status != MailboxStatus.FAILED) {
            authSession.setAuthNote(RegistrationNotes.MAILBOX_SHOWN, status.name());
        }
        return status;
    }

    /** Private mode: tell the owner, at most a few times an hour per address. */
    private boolean warnOwner(AuthenticationFlowContext context, UserModel owner) {
        int perHour = settings(context).getInt(TRIED_PER_HOUR, 3, 1, 100);
        SendLimit.Permit permit = new SendLimit("someone-tried", 1, perHour)
                .tryAcquire(context.getSession(), context.getRealm().getId(), owner.getId());
        if (permit == null) {
            return false;
        }
        String signInUrl = Urls.realmLoginPage(context.getUriInfo().getBaseUri(), context.getRealm().getName()).toString();
        if (SomeoneTriedMail.send(context.getSession(), context.getRealm(), owner, signInUrl)) {
            return true;
        }
        permit.giveBack();
        return false;
    }

    private Response mailbox(AuthenticationFlowContext context, MailboxStatus status) {
        return context.form()
                .setAttribute("journeyStep", "mailbox")
                .setAttribute("merchantEmail", context.getAuthenticationSession().getAuthNote(RegistrationNotes.EMAIL))
                .setAttribute("mailboxStatus", status.name().toLowerCase(java.util.Locale.ROOT))
                .setAttribute("linkExpirationHours", Math.max(1, WelcomeSettings.from(settings(context)).linkLifespanSeconds() / 3600))
                .createForm(MAILBOX_TEMPLATE);
    }

    private static FlowSettings settings(AuthenticationFlowContext context) {
        return FlowSettings.of(context.getAuthenticatorConfig());
    }

    private static UserModel user(AuthenticationFlowContext context, String id) {
        return id == null ? null : context.getSession().users().getUserById(context.getRealm(), id);
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

        private static final CheckYourMailboxAuthenticator INSTANCE = new CheckYourMailboxAuthenticator();

        @Override
        public String getId() {
            return PROVIDER_ID;
        }

        @Override
        public String getDisplayType() {
            return "Merchant Support: Check your mailbox";
        }

        @Override
        public String getHelpText() {
            return "After the registration form: sends 'Welcome to Merchant Support' and shows 'check your mailbox'. "
                    + "Decides what a merchant whose email already has an account is told.";
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
                    AuthenticationExecutionModel.Requirement.REQUIRED, AuthenticationExecutionModel.Requirement.DISABLED};
        }

        @Override
        public boolean isUserSetupAllowed() {
            return false;
        }

        @Override
        public List<ProviderConfigProperty> getConfigProperties() {
            return ProviderConfigurationBuilder.create()
                    .property().name(ALREADY_USED_MODE).label("Email already used")
                    .type(ProviderConfigProperty.LIST_TYPE).options(AlreadyUsedMode.REVEAL.id(), AlreadyUsedMode.PRIVATE.id())
                    .defaultValue(AlreadyUsedMode.REVEAL.id())
                    .helpText("reveal: the merchant is told the email already has an account, with 'Forgot my password'. "
                            + "private: the merchant sees the usual 'check your mailbox' page and the account's owner gets an "
                            + "email saying someone tried to register (no account enumeration).")
                    .add()
                    .property().name(WelcomeSettings.LINK_LIFESPAN).label("Welcome link lifespan (seconds)")
                    .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(Integer.toString(WelcomeSettings.DEFAULT_LINK_LIFESPAN))
                    .helpText("How long the link in 'Welcome to Merchant Support' lets the merchant create a password "
                            + "(300 to 2592000). The email tells the merchant this duration. An expired link offers a new one.")
                    .add()
                    .property().name(WelcomeSettings.RESEND_PER_MINUTE).label("Welcome emails per minute")
                    .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(Integer.toString(WelcomeSettings.DEFAULT_RESEND_PER_MINUTE))
                    .helpText("At most this many welcome emails (first one and resends) per account within a minute.")
                    .add()
                    .property().name(WelcomeSettings.RESEND_PER_HOUR).label("Welcome emails per hour")
                    .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(Integer.toString(WelcomeSettings.DEFAULT_RESEND_PER_HOUR))
                    .helpText("At most this many welcome emails per account within an hour; past it the merchant is asked to wait.")
                    .add()
                    .property().name(TRIED_PER_HOUR).label("'Someone tried to register' emails per hour")
                    .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("3")
                    .helpText("Private mode only: at most this many warnings per address within an hour.")
                    .add()
                    .build();
        }

        @Override
        public Authenticator create(KeycloakSession session) {
            return INSTANCE;
        }
    }
}
