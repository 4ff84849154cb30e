package com.merchantsupport.keycloak.funnel;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

import com.merchantsupport.keycloak.journey.AfterCommit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * The sign-up funnel, and the only class that names its steps: every entry point of the journey tells it what just
 * happened, and it counts that once the request's transaction has committed (a rolled-back request, or a page that
 * is only shown again, counts nothing). Each count goes to Micrometer's global registry, which Keycloak serves on
 * the management port's {@code /metrics} ({@code merchant_support_journey_steps_total}, per node), and to this node's
 * pending daily totals, which {@link FunnelDays} adds to the pack's table for the admin API's {@code funnel} report.
 *
 * <p>Labels are bounded by construction: the realm's name, a {@link Step}, a reason from the pack's own closed lists
 * (captcha failures, link states, limits, modes) and an identity provider's alias. Never a user, an address or an email.
 */
public final class JourneyFunnel {

    static final String STEPS_METER = "merchant.support.journey.steps";
    static final String COMPLETION_METER = "merchant.support.journey.completion";
    static final String NONE = "none";
    /** A reason or alias outside this shape is a bug upstream; it is counted as "other", never echoed into a label. */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,47}");

    /** The funnel's steps, in the journey's order; the ids are the {@code step} label and the report's keys. */
    public enum Step {
        REGISTRATION_SUBMITTED("registration_submitted"),
        CAPTCHA_REFUSED("captcha_refused"),
        ALREADY_USED("already_used"),
        RATE_LIMITED("rate_limited"),
        WELCOME_EMAIL_QUEUED("welcome_email_queued"),
        WELCOME_EMAIL_SENT("welcome_email_sent"),
        WELCOME_EMAIL_FAILED("welcome_email_failed"),
        LINK_OPENED("link_opened"),
        LINK_REFUSED("link_refused"),
        PASSWORD_CREATED("password_created"),
        PASSKEY_CREATED("passkey_created"),
        PROVIDER_ACCOUNT_NEW("provider_account_new"),
        PROVIDER_LINKED("provider_linked"),
        PROVIDER_REFUSED("provider_refused");

        private final String id;

        Step(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Step from(String id) {
            for (Step step : values()) {
                if (step.id.equals(id)) {
                    return step;
                }
            }
            return null;
        }
    }

    /** One count waiting for the daily table: realm, UTC day, step, reason, provider. */
    record DayKey(String realmId, String day, String step, String reason, String provider) {
    }

    private static final Map<DayKey, LongAdder> PENDING = new ConcurrentHashMap<>();

    private final KeycloakSession session;

    private JourneyFunnel(KeycloakSession session) {
        this.session = session;
    }

    public static JourneyFunnel of(KeycloakSession session) {
        return new JourneyFunnel(session);
    }

    /** {@code step} happened in the current request's realm; counted once its transaction has committed. */
    public void count(Step step) {
        count(step, null, null);
    }

    public void count(Step step, String reason) {
        count(step, reason, null);
    }

    public void count(Step step, String reason, String provider) {
        RealmModel realm = session.getContext().getRealm();
        if (realm == null) {
            return;
        }
        String realmName = realm.getName();
        String realmId = realm.getId();
        String why = label(reason);
        String via = label(provider);
        afterCommit(() -> {
            Counter.builder(STEPS_METER)
                    .description("Steps of the merchant sign-up journey, counted once each after their transaction committed")
                    .tag("realm", realmName).tag("step", step.id()).tag("reason", why).tag("provider", via)
                    .register(Metrics.globalRegistry).increment();
            PENDING.computeIfAbsent(new DayKey(realmId, today(), step.id(), why, via), k -> new LongAdder()).increment();
        });
    }

    /**
     * The journey of {@code user} ended: signed in with a password, a passkey or a provider. The time since the account
     * was made goes to the completion histogram; {@code how} is the step that completed it.
     */
    public void completed(UserModel user, Step how, String provider) {
        count(how, null, provider);
        RealmModel realm = session.getContext().getRealm();
        Long created = user.getCreatedTimestamp();
        if (realm == null || created == null) {
            return;
        }
        String realmName = realm.getName();
        long millis = Math.max(0, Time.currentTimeMillis() - created);
        afterCommit(() -> completionTimer(realmName, how).record(Duration.ofMillis(millis)));
    }

    static Timer completionTimer(String realmName, Step how) {
        return Timer.builder(COMPLETION_METER)
                .description("Time from the account's creation to the end of its sign-up journey")
                .tag("realm", realmName).tag("step", how.id())
                .serviceLevelObjectives(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15),
                        Duration.ofHours(1), Duration.ofHours(6), Duration.ofDays(1), Duration.ofDays(3), Duration.ofDays(7))
                .register(Metrics.globalRegistry);
    }

    private void afterCommit(Runnable counting) {
        AfterCommit.run(session, counting);
    }

    static String label(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        String lower = value.strip().toLowerCase(Locale.ROOT);
        return LABEL.matcher(lower).matches() ? lower : "other";
    }

    static String today() {
        return LocalDate.ofInstant(Instant.ofEpochMilli(Time.currentTimeMillis()), ZoneOffset.UTC).toString();
    }

    /** This node's counts not yet in the table, taken (the caller adds them, or gives them back). */
    static Map<DayKey, Long> drain() {
        Map<DayKey, Long> taken = new java.util.HashMap<>();
        PENDING.forEach((key, adder) -> {
            long n = adder.sumThenReset();
            if (n != 0) {
                taken.merge(key, n, Long::sum);
            }
        });
        return taken;
    }

    /** Counts the table could not take (the database is away): kept for the next flush, never lost on a live node. */
    static void giveBack(Map<DayKey, Long> counts) {
        counts.forEach((key, n) -> PENDING.computeIfAbsent(key, k -> new LongAdder()).add(n));
    }
}
