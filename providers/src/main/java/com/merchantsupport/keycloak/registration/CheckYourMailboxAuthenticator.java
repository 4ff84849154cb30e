package com.merchantsupport.keycloak.registration;

import com.merchantsupport.keycloak.funnel.JourneyFunnel;
import java.util.List;

import com.merchantsupport.keycloak.admin.InviteSettings;
import com.merchantsupport.keycloak.journey.FlowSettings;
import com.merchantsupport.keycloak.journey.MerchantAccount;
import com.merchantsupport.keycloak.journey.MerchantErrors;
import com.merchantsupport.keycloak.journey.StatelessProviderFactory;
import com.merchantsupport.keycloak.limits.JourneyLimits;
import com.merchantsupport.keycloak.limits.LimitSettings;
import com.merchantsupport.keycloak.limits.TryLaterPage;
import com.merchantsupport.keycloak.outbox.JourneyOutbox;
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

    /** What the page says: sent (on its way), sent again, delayed (queued and failing: the outbox keeps trying), limited. */
    enum MailboxStatus { SENT, RESENT, DELAYED, LIMITED }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String limited = authSession.getAuthNote(RegistrationNotes.LIMITED);
        if (limited != null) {
            // The form refused the sign-up for a limit and made nothing; "back to the form" is the restart action.
            JourneyLimits.Verdict verdict = RegistrationNotes.limited(limited);
            rateLimitedEvent(context, verdict, "sign-up", EventType.REGISTER).error(MerchantErrors.RATE_LIMITED);
            context.challenge(TryLaterPage.render(context.form().setAttribute("tryLaterRestart", true), verdict, "connect"));
            return;
        }
        if (authSession.getAuthNote(RegistrationNotes.ALREADY_USED_SHOWN) != null) {
            // The "already used" page again (a reload): as it was, nothing recorded twice.
            context.challenge(alreadyUsedPage(context, authSession.getAuthNote(RegistrationNotes.ALREADY_USED_SHOWN)));
            return;
        }
        String shown = authSession.getAuthNote(RegistrationNotes.MAILBOX_SHOWN);
        if (shown != null) {
            // The page again (a reload, "continue" after "page has expired", an unknown action): nothing sent; as it
            // was, unless the email is still waiting after a failed try: then it says so.
            context.challenge(mailbox(context, delayedIfSo(context, Shown.parse(shown))));
            return;
        }
        UserModel created = user(context, authSession.getAuthNote(RegistrationNotes.NEW_ACCOUNT));
        if (created != null) {
            Shown sent = created.getId().equals(authSession.getAuthNote(RegistrationNotes.WELCOME_COUNTED))
                    ? queueWelcome(context, created, JourneyOutbox.Kind.WELCOME, "welcome-email-sent", MailboxStatus.SENT)
                    : sendWelcome(context, created, JourneyOutbox.Kind.WELCOME, "welcome-email-sent", MailboxStatus.SENT);
            context.challenge(mailbox(context, shown(authSession, sent)));
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
        if (!MerchantAccount.isUnfinished(existing)) {
            JourneyFunnel.of(context.getSession()).count(JourneyFunnel.Step.ALREADY_USED, mode.id());
        }

        if (MerchantAccount.isUnfinished(existing)) {
            // Registered before but never created a password: not "already used", just a new email.
            context.challenge(mailbox(context, shown(authSession, sendWelcome(context, existing, JourneyOutbox.Kind.RESEND, "welcome-email-resent", MailboxStatus.SENT))));
        } else if (mode == AlreadyUsedMode.PRIVATE) {
            // The same limits, page and status as a new address: only the email differs.
            context.challenge(mailbox(context, shown(authSession, warnOwner(context, existing, MailboxStatus.SENT))));
        } else {
            // "Forgot my password" and "Sign in" open with the address filled in.
            authSession.setClientNote(OIDCLoginProtocol.LOGIN_HINT_PARAM, existing.getEmail());
            authSession.setAuthNote(RegistrationNotes.ALREADY_USED_SHOWN, existing.getEmail());
            context.challenge(alreadyUsedPage(context, existing.getEmail()));
        }
    }

    private static Response alreadyUsedPage(AuthenticationFlowContext context, String email) {
        return context.form()
                .setAttribute("journeyStep", "connect")
                .setAttribute("merchantEmail", email)
                .createForm(ALREADY_USED_TEMPLATE);
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
            context.challenge(mailbox(context, sendWelcome(context, account, JourneyOutbox.Kind.RESEND, "welcome-email-resent", MailboxStatus.RESENT)));
        } else if (AlreadyUsedMode.from(settings(context).get(ALREADY_USED_MODE, null)) == AlreadyUsedMode.PRIVATE) {
            // Private mode: behave as for a new address; the owner is warned again, within the same limits.
            context.challenge(mailbox(context, warnOwner(context, account, MailboxStatus.RESENT)));
        } else {
            authenticate(context);
        }
    }

    /** What the page says, and for a limit how long to wait. */
    record Shown(MailboxStatus status, JourneyLimits.Verdict limit) {

        static Shown of(MailboxStatus status) {
            return new Shown(status, null);
        }

        String note() {
            return limit == null ? status.name() : RegistrationNotes.limited(limit);
        }

        static Shown parse(String note) {
            return note.indexOf(':') < 0 ? of(MailboxStatus.valueOf(note)) : new Shown(MailboxStatus.LIMITED, RegistrationNotes.limited(note));
        }
    }

    /** Queues the welcome email (counted now, at queueing: a failed try is retried, not given back). */
    private Shown sendWelcome(AuthenticationFlowContext context, UserModel user, JourneyOutbox.Kind kind, String step, MailboxStatus ok) {
        JourneyLimits.Verdict verdict = JourneyLimits.of(context.getSession()).journeyEmail(user.getEmail());
        if (!verdict.allowed()) {
            rateLimitedEvent(context, verdict, step, EventType.SEND_VERIFY_EMAIL).user(user).error(MerchantErrors.TOO_MANY_EMAILS);
            return new Shown(MailboxStatus.LIMITED, verdict);
        }
        return queueWelcome(context, user, kind, step, ok);
    }

    /** Queues the welcome email whose limits were already counted (with the sign-up, by the form). */
    private static Shown queueWelcome(AuthenticationFlowContext context, UserModel user, JourneyOutbox.Kind kind, String step, MailboxStatus ok) {
        WelcomeLink.of(context.getSession()).send(user, context.getAuthenticationSession(), kind, step);
        return Shown.of(ok);
    }

    /** Remembers what the page said, so that showing it again sends nothing. */
    private static Shown shown(AuthenticationSessionModel authSession, Shown shown) {
        authSession.setAuthNote(RegistrationNotes.MAILBOX_SHOWN, shown.note());
        return shown;
    }

    /** "Delayed" while the account's queued email waits after a failed try (never stored: it changes on its own). */
    private static Shown delayedIfSo(AuthenticationFlowContext context, Shown shown) {
        if (shown.status() != MailboxStatus.SENT && shown.status() != MailboxStatus.RESENT) {
            return shown;
        }
        return emailDelayed(context) ? Shown.of(MailboxStatus.DELAYED) : shown;
    }

    /** Whether the email this page is about, queued for its account, waits after a failed try (a mail outage). */
    private static boolean emailDelayed(AuthenticationFlowContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String account = authSession.getAuthNote(RegistrationNotes.NEW_ACCOUNT);
        if (account == null) {
            account = authSession.getAuthNote(RegistrationNotes.EXISTING_ACCOUNT);
        }
        return account != null && JourneyOutbox.of(context.getSession()).delayed(account);
    }

    /**
     * Private mode: tell the owner, under exactly the limits a new address's welcome email has (so the page cannot
     * tell them apart); the "someone tried" cap may then keep the email itself from going out, silently.
     */
    private Shown warnOwner(AuthenticationFlowContext context, UserModel owner, MailboxStatus ok) {
        JourneyLimits limits = JourneyLimits.of(context.getSession());
        JourneyLimits.Verdict verdict = limits.journeyEmail(owner.getEmail());
        if (!verdict.allowed()) {
            rateLimitedEvent(context, verdict, "someone-tried", EventType.REGISTER).user(owner).error(MerchantErrors.TOO_MANY_EMAILS);
            return new Shown(MailboxStatus.LIMITED, verdict);
        }
        if (!limits.ownerWarning(owner.getId(), settings(context).getInt(TRIED_PER_HOUR, 3, 1, 100))) {
            return Shown.of(ok);
        }
        long expiresAt = org.keycloak.common.util.Time.currentTime() + (long) WelcomeSettings.from(settings(context)).linkLifespanSeconds();
        JourneyOutbox.of(context.getSession()).queue(owner, new JourneyOutbox.Queued(JourneyOutbox.Kind.SOMEONE_TRIED, null, expiresAt,
                context.getAuthenticationSession().getClient().getClientId(), null, "someone-tried"));
        return Shown.of(ok);
    }

    /** A refusal by a limit, as an event admins filter on ({@code reason}: which limit). */
    private static org.keycloak.events.EventBuilder rateLimitedEvent(AuthenticationFlowContext context, JourneyLimits.Verdict verdict,
                                                                     String step, EventType type) {
        return context.getEvent().clone().event(type)
                .detail(WelcomeMail.STEP_DETAIL, step).detail(Details.REASON, verdict.refusedBy().id());
    }

    private Response mailbox(AuthenticationFlowContext context, Shown shown) {
        var form = context.form()
                .setAttribute("journeyStep", "mailbox")
                .setAttribute("merchantEmail", context.getAuthenticationSession().getAuthNote(RegistrationNotes.EMAIL))
                .setAttribute("mailboxStatus", shown.status().name().toLowerCase(java.util.Locale.ROOT))
                .setAttribute("linkExpirationHours", Math.max(1, WelcomeSettings.from(settings(context)).linkLifespanSeconds() / 3600));
        if (shown.limit() == null) {
            return form.createForm(MAILBOX_TEMPLATE);
        }
        // Refused by a limit: still the mailbox page, with how long to wait, and what became of the email asked for
        // before: on its way, or delayed by a mail outage (then "we just sent you an email" would not be true).
        Response page = form.setAttribute("retryAfterMinutes", shown.limit().retryAfterMinutes())
                .setAttribute("mailboxDelayed", emailDelayed(context))
                .setStatus(Response.Status.TOO_MANY_REQUESTS).createForm(MAILBOX_TEMPLATE);
        return TryLaterPage.withRetryAfter(page, shown.limit().retryAfterSeconds());
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
            List<ProviderConfigProperty> properties = new java.util.ArrayList<>(ProviderConfigurationBuilder.create()
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
                    .property().name(TRIED_PER_HOUR).label("'Someone tried to register' emails per hour")
                    .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("3")
                    .helpText("Private mode only: at most this many 'someone tried to register' emails to one account "
                            + "within an hour. Past it the page still says an email was sent (so it looks like a new "
                            + "address) but none goes out.")
                    .add()
                    .build());
            properties.addAll(LimitSettings.configProperties());
            properties.addAll(InviteSettings.configProperties());
            return properties;
        }

        @Override
        public Authenticator create(KeycloakSession session) {
            return INSTANCE;
        }
    }
}
