package com.merchantsupport.keycloak.outbox;

import com.merchantsupport.keycloak.funnel.JourneyFunnel;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.merchantsupport.keycloak.journey.AdminAlarm;
import com.merchantsupport.keycloak.journey.AfterCommit;
import com.merchantsupport.keycloak.registration.SomeoneTriedMail;
import com.merchantsupport.keycloak.welcome.WelcomeLink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.email.EmailException;
import org.keycloak.locale.LocaleSelectorProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserProvider;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.services.scheduled.ClusterAwareScheduledTaskRunner;
import org.keycloak.timer.ScheduledTask;
import org.keycloak.timer.TimerProvider;

/**
 * The journey's outbox, and the only class that decides anything about it. Every journey email (welcome, resend,
 * "someone tried", provider welcome) is a row of {@code MERCHANT_MAIL_OUTBOX} written in the transaction of the
 * request that asked for it, so a rolled-back sign-up leaves no row and sends nothing. Once that transaction has
 * committed the row is handed to a worker (the outbox's own pool of {@code outboxWorkers} threads per node, a bounded
 * number waiting; a new email is taken before any retry), which sends and deletes the row; a failure is recorded with
 * the next try's time. A new row is written already leased to this node's worker; a retried one is claimed first with
 * one conditional UPDATE.
 * A cluster-aware task retries the due rows until the link's lifetime ends; then the row is marked expired and the
 * realm's admins get an admin event.
 *
 * <p>Each row is sent by one worker at a time on the whole cluster (the lease). A crash between the send and the
 * delete sends that email once more when the lease runs out: one repeat, never a loop, never a lost email.
 */
public final class JourneyOutbox {

    private static final Logger LOG = Logger.getLogger(JourneyOutbox.class);

    public static final String TASK_NAME = "merchant-support-mail-outbox";
    /**
     * Longer than an SMTP exchange (Keycloak's timeouts: 10 s to connect, 10 s per reply; a silent server ends it at
     * the first), short enough that a row claimed by a node that died is tried again within a minute.
     */
    static final long LEASE_SECONDS = 60;
    /** The first ten minutes are retried at least once a minute; then the wait grows. */
    static final long FAST_RETRY_WINDOW = 600;
    static final long MAX_DELAY = 3600;
    static final String EXPIRED_ERROR = "merchant_email_expired";

    static final String RETRY_SECONDS = "outboxRetrySeconds";
    static final String MAX_IN_FLIGHT = "outboxMaxInFlight";
    static final String WORKERS = "outboxWorkers";
    static final String CLAIM_CONTENDERS = "outboxClaimContenders";

    /** The kinds of journey email. */
    public enum Kind {
        WELCOME("welcome"), RESEND("resend"), SOMEONE_TRIED("someone-tried"), PROVIDER_WELCOME("provider-welcome");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        static Kind from(String id) {
            for (Kind kind : values()) {
                if (kind.id.equals(id)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown outbox kind " + id);
        }

        boolean carriesWelcomeLink() {
            return this != SOMEONE_TRIED;
        }
    }

    /** What a queued email's turn came to. */
    public enum Delivery {
        SENT,
        /** The account no longer needs it (completed, another link since): the row goes, nothing is sent. */
        NOT_NEEDED
    }

    /** A queued email as its sender needs it. */
    public record Queued(Kind kind, Integer linkGeneration, long expiresAt, String clientId, String authSessionId, String eventStep) {
    }

    private static volatile Settings settings = Settings.DEFAULTS;
    /** The rows queued or being sent on this node, with how many workers hold each: a row is never queued twice here. */
    private static final ConcurrentHashMap<String, Integer> IN_FLIGHT = new ConcurrentHashMap<>();
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static volatile ThreadPoolExecutor pool;
    /** Gives back the lease of a row whose try broke on the database (not on the mail server), a few seconds later. */
    private static volatile ScheduledThreadPoolExecutor recovery;
    static final long RECOVERY_SECONDS = 2;
    private static final AtomicLong WAITING = new AtomicLong();
    private static final AtomicLong OLDEST_AGE = new AtomicLong();
    private static volatile Counter failures;
    private static volatile Counter sent;
    private static volatile Counter expired;

    record Settings(long retrySeconds, int maxInFlight, int claimContenders, int workers) {
        static final Settings DEFAULTS = new Settings(30, 1000, 1, 16);
    }

    private final KeycloakSession session;

    private JourneyOutbox(KeycloakSession session) {
        this.session = session;
    }

    public static JourneyOutbox of(KeycloakSession session) {
        return new JourneyOutbox(session);
    }

    /**
     * Queues an email to the account, in the current transaction; it is handed to a worker once that transaction has
     * committed. The links are built from this request's frontend URL, the email speaks this request's language.
     */
    public void queue(UserModel user, Queued email) {
        RealmModel realm = session.getContext().getRealm();
        MailOutboxRecord row = new MailOutboxRecord();
        row.id = KeycloakModelUtils.generateId();
        row.realmId = realm.getId();
        row.userId = user.getId();
        row.kind = email.kind().id();
        row.linkGeneration = email.linkGeneration();
        row.baseUrl = session.getContext().getUri().getBaseUri().toString();
        Locale locale = session.getContext().resolveLocale(user);
        row.locale = locale == null ? null : locale.toLanguageTag();
        row.clientId = email.clientId();
        row.authSessionId = email.authSessionId();
        row.eventStep = email.eventStep();
        row.createdAt = Time.currentTime();
        row.expiresAt = email.expiresAt();
        row.nextAttempt = row.createdAt;
        row.status = MailOutboxRecord.WAITING;
        Lease leasedTo = workerWillTakeIt() ? new Lease(UUID.randomUUID().toString(), row.createdAt + LEASE_SECONDS) : null;
        if (leasedTo != null) {
            // The row is born leased to the worker of this node that takes it right after the commit: its first try
            // needs no claim of its own. Were this node to die first, the lease runs out and the retry task sends it.
            row.leaseOwner = leasedTo.owner();
            row.leaseUntil = leasedTo.until();
            row.attempts = 1;
        }
        em(session).persist(row);
        JourneyFunnel.of(session).count(JourneyFunnel.Step.WELCOME_EMAIL_QUEUED, row.kind);

        String id = row.id;
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        // A rolled-back request wrote no row: nothing is handed over.
        AfterCommit.run(session, () -> handOff(factory, id, true, leasedTo));
    }

    /** A lease this node holds on a row from its birth: its owner, and the second it runs out. */
    record Lease(String owner, long until) {
        /** Enough of it left for an SMTP exchange (Keycloak's timeouts: 10 s to connect, 10 s per reply). */
        boolean enoughLeftAt(long now) {
            return until - now >= LEASE_SECONDS * 3 / 4;
        }
    }

    /** A worker of this node will take a new email at once (not stopping, room in flight, one claimant per email). */
    private static boolean workerWillTakeIt() {
        ThreadPoolExecutor workers = pool;
        return workers != null && !workers.isShutdown() && settings.claimContenders() == 1
                && IN_FLIGHT.size() < settings.maxInFlight();
    }

    /**
     * True while an email queued for the account waits after a failed try: the page then says it is delayed. The row
     * itself says so, on every node.
     */
    public boolean delayed(String userId) {
        Long waiting = em(session).createQuery("select count(r) from MailOutboxRecord r where r.userId = :user"
                        + " and r.status = :waiting and r.lastError is not null", Long.class)
                .setParameter("user", userId)
                .setParameter("waiting", MailOutboxRecord.WAITING)
                .getSingleResult();
        return waiting > 0;
    }

    /** A queued email as an admin sees it (the pack's REST resource): what, since when, how its tries went. */
    public record Waiting(String kind, String status, long createdAt, long expiresAt, int attempts, long nextAttempt,
                          String lastError, String eventStep) {
    }

    /** The account's emails still in the outbox (waiting, or given up and kept a week), oldest first. */
    public List<Waiting> queuedFor(String userId) {
        return em(session).createQuery("select r from MailOutboxRecord r where r.userId = :user order by r.createdAt", MailOutboxRecord.class)
                .setParameter("user", userId)
                .setMaxResults(100)
                .getResultStream()
                .map(r -> new Waiting(r.kind, r.status, r.createdAt, r.expiresAt, r.attempts, r.nextAttempt, r.lastError, r.eventStep))
                .toList();
    }

    /** A removed account's emails go with it. */
    public static void forget(KeycloakSession session, String userId) {
        em(session).createQuery("delete from MailOutboxRecord r where r.userId = :user")
                .setParameter("user", userId).executeUpdate();
    }

    /** A removed realm's emails go with it (Keycloak removes its accounts without an event per account). */
    public static void forgetRealm(KeycloakSession session, String realmId) {
        em(session).createQuery("delete from MailOutboxRecord r where r.realmId = :realm")
                .setParameter("realm", realmId).executeUpdate();
    }

    /**
     * The wait before the next try: at most a minute while the row is younger than ten minutes (5 s, 10 s, 20 s,
     * 40 s, then a minute), then a fifth of the row's age, at most an hour.
     */
    static long delaySeconds(int attempts, long ageSeconds) {
        if (ageSeconds < FAST_RETRY_WINDOW) {
            return Math.min(60, 5L << Math.min(10, Math.max(0, attempts - 1)));
        }
        return Math.min(MAX_DELAY, Math.max(60, ageSeconds / 5));
    }

    // ---- the workers

    /**
     * To a worker of this node. A new email (after its commit) goes ahead of every retry in the workers' queue, so a
     * backlog never delays it; only past {@code outboxMaxInFlight} rows waiting here is it left to the retry task. The
     * retry task fills at most half of that, and never queues a row this node already holds.
     */
    private static void handOff(KeycloakSessionFactory factory, String id, boolean fresh, Lease leasedTo) {
        ThreadPoolExecutor workers = pool;
        if (workers == null || workers.isShutdown()) {
            // stopping: the row waits in the table for the retry task, its lease given back so that it need not wait
            giveBackLease(factory, id, leasedTo);
            return;
        }
        int contenders = fresh && leasedTo == null ? settings.claimContenders() : 1;
        if (leasedTo != null) {
            IN_FLIGHT.merge(id, 1, Integer::sum); // room was checked when the row was leased
        } else if (fresh) {
            if (IN_FLIGHT.size() >= settings.maxInFlight()) {
                LOG.debugf("outbox row %s left to the retry task: %d emails in flight", id, settings.maxInFlight());
                return;
            }
            IN_FLIGHT.merge(id, contenders, Integer::sum);
        } else if (IN_FLIGHT.putIfAbsent(id, 1) != null) {
            return;
        }
        for (int contender = 0; contender < contenders; contender++) {
            try {
                workers.execute(new Job(factory, id, fresh ? 0 : 1, SEQUENCE.incrementAndGet(), fresh, leasedTo));
            } catch (RejectedExecutionException shuttingDown) {
                release(id);
                giveBackLease(factory, id, leasedTo);
            }
        }
    }

    private static void release(String id) {
        IN_FLIGHT.computeIfPresent(id, (key, held) -> held <= 1 ? null : held - 1);
    }

    static int retryRoom() {
        return Math.max(0, (settings.maxInFlight() + 1) / 2 - IN_FLIGHT.size());
    }

    /** One row's turn on a worker: new emails (priority 0) before retries (1), each in the order it was handed over. */
    private record Job(KeycloakSessionFactory factory, String id, int priority, long sequence, boolean recoverSoon,
                       Lease leasedTo) implements Runnable, Comparable<Job> {
        @Override
        public void run() {
            try {
                sendNow(factory, id, recoverSoon, leasedTo);
            } finally {
                release(id);
            }
        }

        @Override
        public int compareTo(Job other) {
            return priority != other.priority ? Integer.compare(priority, other.priority) : Long.compare(sequence, other.sequence);
        }
    }

    /**
     * Claims the row's lease (its own transaction, committed before anything is sent; a row born leased to this
     * worker, {@code leasedTo}, is claimed already), then sends it. When the try
     * breaks on the database (it went away: not a mail server's failure, which {@link #failed} records), the lease is
     * given back as soon as the database answers again, and a new email is tried again then, not a lease later.
     */
    static void sendNow(KeycloakSessionFactory factory, String id, boolean recoverSoon, Lease leasedTo) {
        String owner = leasedTo != null ? leasedTo.owner() : UUID.randomUUID().toString();
        boolean claimed = false;
        boolean[] done = {false};
        try {
            // A lease that waited in a long queue is renewed first (only while still this worker's): sending on a lease
            // about to run out could meet another node's claim of the same row.
            claimed = leasedTo != null && leasedTo.enoughLeftAt(Time.currentTime())
                    || KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> leasedTo != null ? renew(s, id, owner) : claim(s, id, owner));
            if (claimed) {
                KeycloakModelUtils.runJobInTransaction(factory, s -> deliver(s, id, owner, done));
            }
        } catch (RuntimeException e) {
            LOG.warnf("Journey email %s could not be handled%s: %s", id, done[0] ? " after it was sent" : "", e.toString());
            recoverLater(factory, id, claimed ? owner : null, Time.currentTime() + LEASE_SECONDS, recoverSoon && !done[0], done[0]);
        }
    }

    /** Every few seconds until the database answers (at most until the lease ends anyway): the lease back, then once more to a worker. */
    private static void recoverLater(KeycloakSessionFactory factory, String id, String owner, long leaseEnds, boolean handBack,
                                     boolean sent) {
        ScheduledThreadPoolExecutor later = recovery;
        if (later == null || later.isShutdown() || Time.currentTime() >= leaseEnds || (owner == null && !handBack && !sent)) {
            return;
        }
        try {
            later.schedule(() -> {
                try {
                    // Sent, only its delete was lost: the row goes now (never a second email). Else the lease back, or
                    // (none was taken) whether the database answers again.
                    KeycloakModelUtils.runJobInTransaction(factory, s -> em(s).createQuery(sent
                                    ? "delete from MailOutboxRecord r where r.id = :id and r.leaseOwner = :owner"
                                    : "update MailOutboxRecord r set r.leaseOwner = null, r.leaseUntil = null"
                                            + " where r.id = :id and r.leaseOwner = :owner")
                            .setParameter("id", id).setParameter("owner", owner == null ? "" : owner).executeUpdate());
                } catch (RuntimeException stillDown) {
                    recoverLater(factory, id, owner, leaseEnds, handBack, sent);
                    return;
                }
                if (handBack) {
                    handOff(factory, id, false, null);
                }
            }, RECOVERY_SECONDS, TimeUnit.SECONDS);
        } catch (RejectedExecutionException stopping) {
            // the lease runs out; the retry task tries again
        }
    }

    /** {@link #giveBackLeases} for one row, when it was born leased. */
    private static void giveBackLease(KeycloakSessionFactory factory, String id, Lease leasedTo) {
        if (leasedTo != null) {
            giveBackLeases(factory, Map.of(id, leasedTo.owner()));
        }
    }

    /** Gives back leases this node holds on rows it will not send (it stops): another node's retry task takes them now. */
    private static void giveBackLeases(KeycloakSessionFactory factory, Map<String, String> leases) {
        if (leases.isEmpty()) {
            return;
        }
        try {
            KeycloakModelUtils.runJobInTransaction(factory, s -> leases.forEach((id, owner) -> em(s)
                    .createQuery("update MailOutboxRecord r set r.leaseOwner = null, r.leaseUntil = null, r.attempts = r.attempts - 1"
                            + " where r.id = :id and r.leaseOwner = :owner")
                    .setParameter("id", id).setParameter("owner", owner).executeUpdate()));
        } catch (RuntimeException databaseGone) {
            LOG.debugf("outbox leases of %d rows left to run out: %s", leases.size(), databaseGone.getMessage());
        }
    }

    /** The lease for another {@link #LEASE_SECONDS}, when no other worker has claimed the row since. */
    static boolean renew(KeycloakSession session, String id, String owner) {
        return em(session).createQuery("update MailOutboxRecord r set r.leaseUntil = :until"
                        + " where r.id = :id and r.status = :waiting and r.leaseOwner = :owner")
                .setParameter("until", Time.currentTime() + LEASE_SECONDS)
                .setParameter("id", id)
                .setParameter("waiting", MailOutboxRecord.WAITING)
                .setParameter("owner", owner)
                .executeUpdate() == 1;
    }

    /** One conditional UPDATE: true for exactly one worker, whatever the nodes, until the lease runs out. */
    static boolean claim(KeycloakSession session, String id, String owner) {
        long now = Time.currentTime();
        return em(session).createQuery("update MailOutboxRecord r set r.leaseOwner = :owner, r.leaseUntil = :until,"
                        + " r.attempts = r.attempts + 1"
                        + " where r.id = :id and r.status = :waiting and r.nextAttempt <= :now"
                        + " and (r.leaseUntil is null or r.leaseUntil < :now)")
                .setParameter("owner", owner)
                .setParameter("until", now + LEASE_SECONDS)
                .setParameter("id", id)
                .setParameter("waiting", MailOutboxRecord.WAITING)
                .setParameter("now", now)
                .executeUpdate() == 1;
    }

    private static void deliver(KeycloakSession session, String id, String owner, boolean[] done) {
        EntityManager em = em(session);
        MailOutboxRecord row = em.find(MailOutboxRecord.class, id);
        if (row == null || !owner.equals(row.leaseOwner)) {
            return;
        }
        RealmModel realm = session.realms().getRealm(row.realmId);
        if (realm == null) {
            em.remove(row);
            return;
        }
        // The worker's request: the one that queued the email, as far as links and language go.
        session.getContext().setHttpRequest(new WorkerRequest(URI.create(row.baseUrl), row.locale));
        session.getContext().setRealm(realm);
        if (row.locale != null) {
            session.setAttribute(LocaleSelectorProvider.USER_REQUEST_LOCALE, row.locale);
        }
        UserModel user = accountOf(session, realm, row.userId);
        if (user == null || !user.isEnabled() || user.getEmail() == null) {
            LOG.debugf("journey email %s dropped: its account is gone or disabled", id);
            em.remove(row);
            return;
        }
        Kind kind = Kind.from(row.kind);
        if (Time.currentTime() >= row.expiresAt) {
            expire(session, realm, row, "the link's lifetime ended before it could be sent");
            return;
        }
        Queued email = new Queued(kind, row.linkGeneration, row.expiresAt, row.clientId, row.authSessionId, row.eventStep);
        try {
            Delivery delivery = kind.carriesWelcomeLink()
                    ? WelcomeLink.of(session).deliver(user, email)
                    : SomeoneTriedMail.deliver(session, realm, user);
            done[0] = true;
            em.remove(row);
            if (delivery == Delivery.SENT) {
                counter(sent).increment();
                JourneyFunnel.of(session).count(JourneyFunnel.Step.WELCOME_EMAIL_SENT, row.kind);
            } else {
                LOG.debugf("journey email %s dropped: its account no longer needs it", id);
            }
        } catch (EmailException e) {
            failed(session, realm, row, e);
        }
    }

    /**
     * The account as Keycloak's database has it, read past the users cache: a background send would otherwise put every
     * new account in that cache (10,000 entries by default), pushing out the merchants who are signing in. The send only
     * reads the account. An account of a user federation (LDAP) is not in that database: it is read the usual way.
     */
    static UserModel accountOf(KeycloakSession session, RealmModel realm, String userId) {
        UserProvider database = session.getProvider(UserProvider.class);
        UserModel user = database == null ? null : database.getUserById(realm, userId);
        return user != null ? user : session.users().getUserById(realm, userId);
    }

    /** One log line per failure (no secret: the mail library names the host and the reply, never the password). */
    private static void failed(KeycloakSession session, RealmModel realm, MailOutboxRecord row, EmailException e) {
        counter(failures).increment();
        JourneyFunnel.of(session).count(JourneyFunnel.Step.WELCOME_EMAIL_FAILED, row.kind);
        String error = describe(e);
        row.lastError = error.length() > 255 ? error.substring(0, 255) : error;
        row.leaseOwner = null;
        row.leaseUntil = null;
        long now = Time.currentTime();
        long next = now + delaySeconds(row.attempts, now - row.createdAt);
        if (next >= row.expiresAt) {
            expire(session, realm, row, error);
            return;
        }
        row.nextAttempt = next;
        LOG.warnf("Journey email %s (%s) to user %s in realm %s failed, try %d, next in %d s: %s",
                row.id, row.kind, row.userId, realm.getName(), row.attempts, next - now, error);
    }

    private static void expire(KeycloakSession session, RealmModel realm, MailOutboxRecord row, String why) {
        row.status = MailOutboxRecord.EXPIRED;
        row.leaseOwner = null;
        row.leaseUntil = null;
        counter(expired).increment();
        LOG.warnf("Journey email %s (%s) to user %s in realm %s given up after %d tries, the link's lifetime is over: %s",
                row.id, row.kind, row.userId, realm.getName(), row.attempts, why);
        AdminAlarm.raise(session, realm, "merchant-journey/mail-outbox/" + row.id, EXPIRED_ERROR,
                Map.of("kind", row.kind, "userId", row.userId, "attempts", Integer.toString(row.attempts),
                        "lastError", row.lastError == null ? "" : row.lastError));
    }

    private static String describe(EmailException e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        Throwable cause = e.getCause();
        for (int depth = 0; cause != null && depth < 3; depth++, cause = cause.getCause()) {
            text.append(": ").append(cause.getClass().getSimpleName()).append(' ').append(cause.getMessage());
        }
        return text.toString();
    }

    // ---- the retry task

    /** Hands the due rows to the workers; runs on one node at a time, on Keycloak's timer thread, so it sends nothing itself. */
    static final class RetryTask implements ScheduledTask {

        private final KeycloakSessionFactory factory;

        RetryTask(KeycloakSessionFactory factory) {
            this.factory = factory;
        }

        @Override
        public void run(KeycloakSession session) {
            long now = Time.currentTime();
            EntityManager em = em(session);
            int room = retryRoom();
            List<String> due = room == 0 ? List.of() : em.createQuery("select r.id from MailOutboxRecord r where r.status = :waiting"
                            + " and r.nextAttempt <= :now and (r.leaseUntil is null or r.leaseUntil < :now)"
                            + " order by r.nextAttempt", String.class)
                    .setParameter("waiting", MailOutboxRecord.WAITING)
                    .setParameter("now", now)
                    .setMaxResults(room)
                    .getResultList();
            due.forEach(id -> handOff(factory, id, false, null));

            Object[] queue = em.createQuery("select count(r), min(r.createdAt) from MailOutboxRecord r where r.status = :waiting", Object[].class)
                    .setParameter("waiting", MailOutboxRecord.WAITING)
                    .getSingleResult();
            WAITING.set(((Number) queue[0]).longValue());
            OLDEST_AGE.set(queue[1] == null ? 0 : Math.max(0, now - ((Number) queue[1]).longValue()));
            // Expired rows are kept a week for the admins, then swept.
            em.createQuery("delete from MailOutboxRecord r where r.status = :expired and r.expiresAt < :old")
                    .setParameter("expired", MailOutboxRecord.EXPIRED)
                    .setParameter("old", now - 7 * 24 * 3600L)
                    .executeUpdate();
        }

        @Override
        public String getTaskName() {
            return TASK_NAME;
        }
    }

    // ---- start-up

    /** The outbox's server settings, under the pack's JPA entity provider ({@code spi-jpa-entity-provider--merchant-support--...}). */
    public static List<ProviderConfigProperty> configProperties() {
        return ProviderConfigurationBuilder.create()
                .property().name(RETRY_SECONDS).label("Outbox retry interval (seconds)")
                .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(Long.toString(Settings.DEFAULTS.retrySeconds()))
                .helpText("How often one node of the cluster looks for journey emails whose next try is due (1 to 600). "
                        + "An email the mail server refused reaches the merchant at most this long after its next try is due.")
                .add()
                .property().name(MAX_IN_FLIGHT).label("Outbox emails in flight")
                .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(Integer.toString(Settings.DEFAULTS.maxInFlight()))
                .helpText("At most this many journey emails waiting for a worker on this node; past it a new email waits "
                        + "for the retry task instead (its page is unchanged). The retry task fills at most half of it.")
                .add()
                .property().name(WORKERS).label("Outbox workers")
                .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(Integer.toString(Settings.DEFAULTS.workers()))
                .helpText("Journey emails sent at once by this node (1 to 256). Each holds a database connection during "
                        + "its SMTP exchange; new emails are sent before retries.")
                .add()
                .property().name(CLAIM_CONTENDERS).label("Outbox workers per email (testing)")
                .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(Integer.toString(Settings.DEFAULTS.claimContenders()))
                .helpText("Testing only: hand each new email to this many workers at once, to show that the lease sends "
                        + "it once. Leave at 1.")
                .add()
                .build();
    }

    public static void configure(Config.Scope config) {
        settings = new Settings(
                clamp(config.getLong(RETRY_SECONDS, Settings.DEFAULTS.retrySeconds()), 1, 600),
                (int) clamp(config.getInt(MAX_IN_FLIGHT, Settings.DEFAULTS.maxInFlight()), 1, 100_000),
                (int) clamp(config.getInt(CLAIM_CONTENDERS, Settings.DEFAULTS.claimContenders()), 1, 8),
                (int) clamp(config.getInt(WORKERS, Settings.DEFAULTS.workers()), 1, 256));
    }

    /** The node stops: the queued rows stay in the table (the retry task of a running node takes them), sends under way end. */
    public static void stop() {
        ThreadPoolExecutor workers = pool;
        pool = null;
        ScheduledThreadPoolExecutor later = recovery;
        recovery = null;
        if (later != null) {
            later.shutdownNow();
        }
        if (workers == null) {
            return;
        }
        List<Runnable> dropped = new java.util.ArrayList<>();
        workers.getQueue().drainTo(dropped);
        workers.shutdown();
        // The rows born leased to this node's workers and not yet sent: free at once for the nodes that stay.
        Map<String, String> leased = new java.util.HashMap<>();
        KeycloakSessionFactory factory = null;
        for (Runnable job : dropped) {
            if (job instanceof Job queued && queued.leasedTo() != null) {
                leased.put(queued.id(), queued.leasedTo().owner());
                factory = queued.factory();
            }
        }
        if (factory != null) {
            giveBackLeases(factory, leased);
        }
        try {
            if (!workers.awaitTermination(15, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        IN_FLIGHT.clear();
    }

    /** Schedules the retry task and registers the metrics (Keycloak's {@code /metrics} on the management port). */
    public static void start(KeycloakSessionFactory factory) {
        AtomicInteger threads = new AtomicInteger();
        // Keycloak's ExecutorsProvider pool runs 4 threads whatever its maximum (an unbounded queue): 4 emails at once,
        // about 10 a second against a real mail server, far fewer than a busy sign-up page queues.
        ThreadPoolExecutor workers = new ThreadPoolExecutor(settings.workers(), settings.workers(), 60, TimeUnit.SECONDS,
                new PriorityBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "merchant-mail-outbox-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        workers.allowCoreThreadTimeOut(true);
        pool = workers;
        ScheduledThreadPoolExecutor later = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "merchant-mail-outbox-recovery");
            thread.setDaemon(true);
            return thread;
        });
        later.setRemoveOnCancelPolicy(true);
        recovery = later;
        Gauge.builder("merchant.support.outbox.waiting", WAITING, AtomicLong::get)
                .description("Journey emails waiting to be sent (every node sees the cluster's rows; updated by the retry task)")
                .register(Metrics.globalRegistry);
        Gauge.builder("merchant.support.outbox.oldest.age", OLDEST_AGE, AtomicLong::get).baseUnit("seconds")
                .description("Age of the oldest journey email waiting to be sent")
                .register(Metrics.globalRegistry);
        failures = Counter.builder("merchant.support.outbox.failures")
                .description("Journey email tries that failed (each is retried until the link's lifetime ends)")
                .register(Metrics.globalRegistry);
        sent = Counter.builder("merchant.support.outbox.sent").description("Journey emails sent by this node")
                .register(Metrics.globalRegistry);
        expired = Counter.builder("merchant.support.outbox.expired")
                .description("Journey emails given up because the link's lifetime ended")
                .register(Metrics.globalRegistry);
        long interval = settings.retrySeconds() * 1000L;
        KeycloakModelUtils.runJobInTransaction(factory, session -> {
            TimerProvider timer = session.getProvider(TimerProvider.class);
            if (timer != null) {
                timer.schedule(new ClusterAwareScheduledTaskRunner(factory, new RetryTask(factory), interval), interval);
            }
        });
    }

    private static Counter counter(Counter counter) {
        return counter != null ? counter : Counter.builder("merchant.support.outbox.unregistered").register(Metrics.globalRegistry);
    }

    private static long clamp(long value, long min, long max) {
        return Math.max(min, Math.min(max, value));
    }

    private static EntityManager em(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
