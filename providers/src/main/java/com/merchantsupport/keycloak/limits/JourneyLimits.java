package com.merchantsupport.keycloak.limits;

import com.merchantsupport.keycloak.funnel.JourneyFunnel;
import java.util.List;
import java.util.Locale;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The one place that decides whether a journey request may go ahead: a sign-up, a journey email (welcome, resend,
 * "someone tried to register"), a "Forgot my password" email, and how hard the captcha is. Every entry point asks
 * here; the counts are {@link RateCounter}'s, cluster-wide, keyed on the request's network address
 * ({@link ClientAddress}), on the typed email address (never the account, so an address without an account is
 * limited exactly like one with an account) and on the realm.
 */
public final class JourneyLimits {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(JourneyLimits.class);

    static final long TEN_MINUTES = 600;
    static final long HOUR = 3600;
    static final long MINUTE = 60;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final LimitSettings settings;
    private final String address;

    private JourneyLimits(KeycloakSession session, RealmModel realm, LimitSettings settings, String address) {
        this.session = session;
        this.realm = realm;
        this.settings = settings;
        this.address = address;
    }

    /** The limits of the request's realm, for the request's network address. */
    public static JourneyLimits of(KeycloakSession session) {
        RealmModel realm = session.getContext().getRealm();
        return new JourneyLimits(session, realm, LimitSettings.of(realm), ClientAddress.of(session));
    }

    /** What a limit said: go ahead (and give it back if the thing did not happen), or wait this long. */
    public record Verdict(RateCounter.Taken taken, LimitReason refusedBy, long retryAfterSeconds) {

        public boolean allowed() {
            return refusedBy == null;
        }

        /** The email could not be sent, or the sign-up made nothing: the count is returned. */
        public void giveBack() {
            if (taken != null) {
                taken.giveBack();
            }
        }

        /** Minutes to wait, to the nearest, at least one: what the page tells the merchant (the header is exact). */
        public long retryAfterMinutes() {
            return minutesToWait(retryAfterSeconds);
        }
    }

    /** A wait in seconds as the pages say it: minutes, to the nearest, at least one. */
    public static long minutesToWait(long retryAfterSeconds) {
        return Math.max(1, (retryAfterSeconds + 30) / 60);
    }

    /**
     * One accepted sign-up submit (a new address or one with an account, alike). Refused while the address made
     * its sign-ups for these 10 minutes, or triggered its emails for the hour, or while the realm's email budget is
     * spent (nothing counted then).
     */
    public Verdict signUp() {
        // Checked in the same read, not counted: the realm's budget, and the address's emails (a sign-up whose
        // welcome email the address could not trigger would make an account and send nothing).
        return take(List.of(addressSignUps()),
                List.of(new Counted(LimitReason.REALM_BUDGET, budgetSubject()), new Counted(LimitReason.ADDRESS_EMAILS, addressEmails())));
    }

    /**
     * The sign-up of an address without an account and its welcome email, counted together, all or none, in one
     * transaction: the limits of {@link #signUp()} and {@link #journeyEmail} at once, so the account is made only
     * when its email may go. The welcome email is then queued without asking again.
     */
    public Verdict signUpWithWelcomeEmail(String recipient) {
        List<Counted> counted = emailLimits(recipient, true);
        counted.add(0, addressSignUps());
        return take(counted);
    }

    /** One journey email to {@code recipient} (welcome, resend, "someone tried"): per email address, per network address, realm. */
    public Verdict journeyEmail(String recipient) {
        return take(emailLimits(recipient, true));
    }

    /**
     * A journey email an admin asked for (the console's invite or new link, the pack's admin API): per email address and
     * the realm's budget, not per network address. The request's address is the admin's, not a merchant's: counted
     * there, an admin inviting a team would be refused at the hour's 21st invite, and every merchant signing up from
     * the office network after it.
     */
    public Verdict adminEmail(String recipient) {
        return take(emailLimits(recipient, false));
    }

    /** Per email address (minute, hour), per network address when {@code countTheAddress}, and the realm's budget. */
    private List<Counted> emailLimits(String recipient, boolean countTheAddress) {
        List<Counted> counted = new java.util.ArrayList<>(List.of(
                new Counted(LimitReason.RECIPIENT_EMAILS, perPerson("emails-per-recipient-minute", settings.emailsPerRecipientMinute(), MINUTE, normalized(recipient))),
                new Counted(LimitReason.RECIPIENT_EMAILS, perPerson("emails-per-recipient-hour", settings.emailsPerRecipientHour(), HOUR, normalized(recipient)))));
        if (countTheAddress) {
            counted.add(new Counted(LimitReason.ADDRESS_EMAILS, addressEmails()));
        }
        counted.add(new Counted(LimitReason.REALM_BUDGET, budgetSubject()));
        return counted;
    }

    /**
     * One "Forgot my password" request for the typed {@code email}, whether or not it has an account (the answer
     * must not tell): per typed address, per network address, realm.
     */
    public Verdict resetEmail(String email, ResetLimitSettings reset) {
        return take(List.of(
                new Counted(LimitReason.ACCOUNT_RESETS, perPerson("resets-per-account-minute", reset.perAccountMinute(), MINUTE, normalized(email))),
                new Counted(LimitReason.ACCOUNT_RESETS, perPerson("resets-per-account-hour", reset.perAccountHour(), HOUR, normalized(email))),
                new Counted(LimitReason.ADDRESS_RESETS, perAddress("resets-per-address", reset.perAddress(), HOUR)),
                new Counted(LimitReason.REALM_BUDGET, budgetSubject())));
    }

    /**
     * Private mode's extra cap on "someone tried to register" emails to one account; true when one may go out
     * (and is counted). The page does not depend on it.
     */
    public boolean ownerWarning(String ownerId, int perHour) {
        return RateCounter.take(session, List.of(perPerson("someone-tried-per-owner", perHour, HOUR, ownerId))).allowed();
    }

    /**
     * The ALTCHA difficulty for this address: the configured one, doubled for each sign-up past
     * {@link LimitSettings#captchaClimbAfter()} within 10 minutes (and each reset request within the hour), never
     * above {@code ceiling}. Reads only.
     */
    public long captchaMaxNumber(long base, long ceiling) {
        int busy;
        try {
            // A subject's key does not depend on its maximum: any maximum reads the same count.
            busy = RateCounter.used(session, List.of(perAddress("sign-ups-per-address", 1, TEN_MINUTES),
                    perAddress("resets-per-address", 1, HOUR)));
        } catch (RuntimeException databaseDown) {
            // The challenge stays available at the configured difficulty; the limits still hold at submit.
            LOG.debugf("captcha difficulty read at the base: %s", databaseDown.getMessage());
            return base;
        }
        return climb(base, busy - settings.captchaClimbAfter() + 1, ceiling);
    }

    static long climb(long base, int doublings, long ceiling) {
        if (doublings <= 0) {
            return base;
        }
        long value = base;
        for (int i = 0; i < doublings && value < ceiling; i++) {
            value = value * 2;
        }
        return Math.max(base, Math.min(value, ceiling));
    }

    private record Counted(LimitReason reason, RateCounter.Subject subject) {
    }

    private Verdict take(List<Counted> counted) {
        return take(counted, List.of());
    }

    /** Counts {@code counted}, all or none, once each of {@code mustHaveRoom} is seen to have room (never counted). */
    private Verdict take(List<Counted> counted, List<Counted> mustHaveRoom) {
        RateCounter.Outcome outcome = RateCounter.take(session, counted.stream().map(Counted::subject).toList(),
                mustHaveRoom.stream().map(Counted::subject).toList());
        if (outcome.allowed()) {
            return new Verdict(outcome.taken(), null, 0);
        }
        LimitReason reason = java.util.stream.Stream.concat(mustHaveRoom.stream(), counted.stream())
                .filter(c -> c.subject().equals(outcome.refusedBy()))
                .map(Counted::reason).findFirst().orElse(LimitReason.REALM_BUDGET);
        if (reason == LimitReason.REALM_BUDGET) {
            BudgetAlarm.raise(session, realm, settings.realmEmailsPerHour());
        }
        return refused(reason, outcome.retryAfterSeconds());
    }

    /** Every refusal is one funnel count, by the limit that refused. */
    private Verdict refused(LimitReason reason, long retryAfterSeconds) {
        JourneyFunnel.of(session).count(JourneyFunnel.Step.RATE_LIMITED, reason.id());
        return new Verdict(null, reason, retryAfterSeconds);
    }

    private Counted addressSignUps() {
        return new Counted(LimitReason.ADDRESS_SIGN_UPS, perAddress("sign-ups-per-address", settings.signUpsPerAddress(), TEN_MINUTES));
    }

    private RateCounter.Subject addressEmails() {
        return perAddress("emails-per-address", settings.emailsPerAddress(), HOUR);
    }

    private RateCounter.Subject budgetSubject() {
        return subject("realm-emails", settings.realmEmailsPerHour(), HOUR, "realm", RateCounter.Reach.WHOLE_REALM);
    }

    /** A limit on one typed email address or one account. */
    private RateCounter.Subject perPerson(String name, int max, long window, String who) {
        return subject(name, max, window, who, RateCounter.Reach.ONE_PERSON);
    }

    /** A limit on the request's network address. */
    private RateCounter.Subject perAddress(String name, int max, long window) {
        return subject(name, max, window, address, RateCounter.Reach.ONE_NETWORK_ADDRESS);
    }

    private RateCounter.Subject subject(String name, int max, long window, String subject, RateCounter.Reach reach) {
        return RateCounter.Subject.of(new Limit(name, max, window), realm.getId(), subject, reach);
    }

    private static String normalized(String email) {
        return email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
    }
}
