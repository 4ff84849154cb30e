package com.merchantsupport.keycloak.admin;

import com.merchantsupport.keycloak.journey.MerchantAccount;
import com.merchantsupport.keycloak.journey.MerchantErrors;
import com.merchantsupport.keycloak.limits.JourneyLimits;
import com.merchantsupport.keycloak.outbox.JourneyOutbox;
import com.merchantsupport.keycloak.welcome.WelcomeLink;
import com.merchantsupport.keycloak.welcome.WelcomeMail;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.locale.LocaleSelectorProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * The welcome links that start outside a sign-up: an admin's invite (the console's "Create user" without a password),
 * a new link an admin asks for (the required action added in the console, the pack's REST resource), and the one that
 * replaces a Keycloak "Send email" link. Each is the pack's own link ({@link WelcomeLink#send}: a new generation, every
 * older link replaced), counted against the send limits (an admin's: {@link JourneyLimits#adminEmail}; the
 * merchant's click on Keycloak's link: {@link JourneyLimits#journeyEmail}) and queued in the request's transaction
 * through the outbox.
 *
 * <p>The funnel's seam: every such email carries one of the {@code merchant_step}s below on its
 * {@code SEND_VERIFY_EMAIL} event (at delivery, as every journey email does), and a refusal by a limit is a
 * {@code SEND_VERIFY_EMAIL_ERROR} with the same step, error {@code too_many_emails}.
 */
public final class AdminLinks {

    /** An admin created the merchant without a password: the first welcome email. */
    public static final String INVITE_STEP = "admin-invite-sent";
    /** An admin asked for a new link (the required action added, or the REST resource's POST). */
    public static final String NEW_LINK_STEP = "admin-link-sent";
    /** A Keycloak "Send email" link reached "Create your password": the pack's link was sent instead. */
    public static final String INSTEAD_OF_KEYCLOAK_LINK_STEP = "keycloak-link-replaced";

    /** What became of the request. */
    public enum Result {
        /** Queued: it goes out once the transaction commits. */
        SENT,
        /** A send limit refused it; {@link Outcome#retryAfterSeconds()} says for how long. */
        LIMITED,
        /** The account is not waiting for a link: complete, disabled, without an email, or from a user federation. */
        NOT_WAITING
    }

    public record Outcome(Result result, long retryAfterSeconds) {
    }

    private final KeycloakSession session;
    private final RealmModel realm;

    private AdminLinks(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    public static AdminLinks of(KeycloakSession session) {
        return new AdminLinks(session);
    }

    /**
     * Whether an account an admin just created is one to invite: an email, no credential of any kind, no link to a
     * provider or a user federation, enabled. The admin's "Create user" with a password, the pack's own sign-up (no
     * admin event) and an account without email are not.
     */
    public boolean invitable(UserModel user) {
        return user.isEnabled() && user.getEmail() != null && !user.getEmail().isBlank() && user.getFederationLink() == null
                && user.credentialManager().getStoredCredentialsStream().findAny().isEmpty()
                && session.users().getFederatedIdentitiesStream(realm, user).findAny().isEmpty()
                && !MerchantAccount.isComplete(user);
    }

    /**
     * The invite: the account is marked as a registered merchant who has not created a password yet (the journey
     * attribute, the required action), its link row is born, and the welcome email is queued within the limits. The
     * caller checked {@link #invitable}. A refused invite leaves the account waiting: a new link can be sent later.
     */
    public Outcome invite(UserModel user) {
        MerchantAccount.markAwaitingPassword(user);
        WelcomeLink.of(session).accountCreated(user);
        return send(user, JourneyOutbox.Kind.WELCOME, INVITE_STEP, true);
    }

    /** A new link for an account that waits for its password (the previous one is replaced), within the limits. */
    public Outcome newLink(UserModel user) {
        return send(user, JourneyOutbox.Kind.RESEND, NEW_LINK_STEP, true);
    }

    /**
     * A new link an admin asked for by name (the REST resource): an account that can still create its first password
     * (enabled, an email, no password or passkey, not from a user federation) is marked as waiting for it if it was
     * not, then sent a new link.
     */
    public Outcome newLinkAsked(UserModel user) {
        markWaiting(user);
        return newLink(user);
    }

    /**
     * Keycloak's own link reached "Create your password" (its "Send email" asked for it, maybe for an account that
     * did not carry the action): the pack's link goes out instead.
     */
    public Outcome insteadOfKeycloaksLink(UserModel user) {
        markWaiting(user);
        // The merchant's own request (a click on Keycloak's link): limited like any merchant's.
        return send(user, JourneyOutbox.Kind.RESEND, INSTEAD_OF_KEYCLOAK_LINK_STEP, false);
    }

    private static void markWaiting(UserModel user) {
        if (user.isEnabled() && user.getEmail() != null && user.getFederationLink() == null && !MerchantAccount.isComplete(user)
                && !MerchantAccount.isUnfinished(user)) {
            MerchantAccount.markAwaitingPassword(user);
        }
    }

    /** The help center these links are for (the setting), else Keycloak's account console. */
    public String clientId() {
        ClientModel client = realm.getClientByClientId(InviteSettings.of(realm).linkClientId());
        return client != null && client.isEnabled() ? client.getClientId() : Constants.ACCOUNT_CONSOLE_CLIENT_ID;
    }

    /** {@code byAdmin}: an admin's request, whose network address is not the merchant's ({@link JourneyLimits#adminEmail}). */
    private Outcome send(UserModel user, JourneyOutbox.Kind kind, String step, boolean byAdmin) {
        if (!MerchantAccount.isUnfinished(user) || user.getEmail() == null) {
            return new Outcome(Result.NOT_WAITING, 0);
        }
        JourneyLimits limits = JourneyLimits.of(session);
        JourneyLimits.Verdict verdict = byAdmin ? limits.adminEmail(user.getEmail()) : limits.journeyEmail(user.getEmail());
        if (!verdict.allowed()) {
            new EventBuilder(realm, session, session.getContext().getConnection()).event(EventType.SEND_VERIFY_EMAIL)
                    .user(user).detail(Details.EMAIL, user.getEmail()).detail(WelcomeMail.STEP_DETAIL, step)
                    .detail(Details.REASON, verdict.refusedBy().id()).error(MerchantErrors.TOO_MANY_EMAILS);
            return new Outcome(Result.LIMITED, Math.max(1, verdict.retryAfterSeconds()));
        }
        speakTheMerchantsLanguage(user);
        WelcomeLink.of(session).send(user, clientId(), null, kind, step);
        return new Outcome(Result.SENT, 0);
    }

    /**
     * The email speaks the merchant's language (the account's {@code locale}), else the realm's default: never the
     * language of the admin's browser, which the request carries.
     */
    private void speakTheMerchantsLanguage(UserModel user) {
        String own = user.getFirstAttribute(UserModel.LOCALE);
        String language = own != null && !own.isBlank() ? own : realm.getDefaultLocale();
        if (language != null && !language.isBlank()) {
            session.setAttribute(LocaleSelectorProvider.USER_REQUEST_LOCALE, language);
        }
    }
}
