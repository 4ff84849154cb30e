package com.merchantsupport.keycloak.limits;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import com.merchantsupport.keycloak.store.MerchantTables;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Counts events against {@link Limit}s in the pack's table {@code MERCHANT_RATE_COUNT}, in Keycloak's database:
 * every node sees the same counts, a restart forgets nothing, and the count costs one conditional
 * {@code UPDATE} (or one {@code INSERT} for a bucket's first event) per limit, never a scan of slots.
 *
 * <p>A window is ten buckets plus the one it began in; the buckets before the current one no longer change, so
 * "room left" is read once and the current bucket is raised only while it stays below that room: two requests
 * racing for the last event cannot both get it, on one node or on several. Counting runs in a transaction of its
 * own, committed at once: a limit's row is locked from its {@code UPDATE} to that commit, never for a whole sign-up.
 */
public final class RateCounter {

    private static final Logger LOG = Logger.getLogger(RateCounter.class);

    private RateCounter() {
    }

    /**
     * Who shares a subject's row, from the fewest requests to the most: the wider it is shared, the hotter its row,
     * and the later {@link #take} locks it.
     */
    public enum Reach {
        /** One typed email address or one account. */
        ONE_PERSON,
        /** One network address: every merchant behind one NAT or proxy. */
        ONE_NETWORK_ADDRESS,
        /** Every request of the realm. */
        WHOLE_REALM
    }

    /** One subject (an address, an email, the realm) under one limit. */
    public record Subject(Limit limit, String realmId, String key, Reach reach) {

        static Subject of(Limit limit, String realmId, String subject, Reach reach) {
            return new Subject(limit, realmId, hash(realmId + "\n" + limit.name() + "\n" + limit.windowSeconds() + "\n" + subject), reach);
        }
    }

    /**
     * The order every request locks rows in: the least shared first, the realm's last, each reach in key order. One
     * order for all, so two requests never deadlock; and the realm-wide row, which every journey email raises, is
     * locked by the last statement before the commit, held for no other statement. (In key order it was often
     * locked first and held while the other rows were read and raised: under load 35 of 50 request threads waited
     * on it.)
     */
    static final java.util.Comparator<Subject> LOCK_ORDER =
            java.util.Comparator.comparing(Subject::reach).thenComparing(Subject::key);

    /** One event counted; {@link #giveBack()} when what it allowed did not happen (a mail outage costs nothing). */
    public record Taken(KeycloakSessionFactory factory, List<Subject> subjects, List<Long> buckets) {
        public void giveBack() {
            if (subjects.isEmpty()) {
                return;
            }
            KeycloakModelUtils.runJobInTransaction(factory, session -> {
                EntityManager em = em(session);
                for (int i = 0; i < subjects.size(); i++) {
                    sql(em, "update {table} set HITS = HITS - 1 where ID = :id and HITS > 0")
                            .setParameter("id", subjects.get(i).key() + "@" + buckets.get(i)).executeUpdate();
                }
            });
        }
    }

    /** What {@link #take} answers: the event counted, or the first limit reached and when it lifts. */
    public record Outcome(Taken taken, Subject refusedBy, long retryAfterSeconds) {
        public boolean allowed() {
            return refusedBy == null;
        }
    }

    /**
     * Counts one event against every subject, all or none, in one short transaction: when one limit is reached,
     * nothing is counted. Rows are read first, unlocked, then raised in {@link #LOCK_ORDER}.
     */
    public static Outcome take(KeycloakSession session, List<Subject> subjects) {
        return take(session, subjects, List.of());
    }

    /**
     * As {@link #take(KeycloakSession, List)}, in the same transaction and the same read, after checking that each of
     * {@code mustHaveRoom} (read, never counted) has room for one more event: the first that has none refuses.
     */
    public static Outcome take(KeycloakSession session, List<Subject> subjects, List<Subject> mustHaveRoom) {
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        List<Subject> ordered = subjects.stream().sorted(LOCK_ORDER).toList();
        List<Subject> read = new ArrayList<>(mustHaveRoom);
        read.addAll(ordered);
        long now = Time.currentTime();
        RuntimeException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return KeycloakModelUtils.runJobInTransactionWithResult(factory, other -> {
                    EntityManager em = em(other);
                    Counts counts = Counts.read(em, read, now);
                    for (Subject subject : mustHaveRoom) {
                        if (counts.inWindow(subject, now) >= subject.limit().max()) {
                            return refused(other, em, subject, now);
                        }
                    }
                    List<Long> buckets = new ArrayList<>();
                    for (Subject subject : ordered) {
                        long bucket = subject.limit().bucketAt(now);
                        if (!takeOne(em, subject, bucket, counts.before(subject, bucket), counts.has(subject, bucket))) {
                            return refused(other, em, subject, now);
                        }
                        buckets.add(bucket);
                    }
                    return new Outcome(new Taken(factory, ordered, buckets), null, 0);
                });
            } catch (RuntimeException concurrentInsert) {
                // Another request made a bucket's row first: count again, now with an UPDATE.
                LOG.debugf("rate bucket inserted concurrently: %s", concurrentInsert.getMessage());
                last = concurrentInsert;
            }
        }
        throw last;
    }

    private static Outcome refused(KeycloakSession other, EntityManager em, Subject subject, long now) {
        long retryAfter = retryAfter(em, subject, now);
        other.getTransactionManager().setRollbackOnly();
        return new Outcome(null, subject, retryAfter);
    }

    /**
     * How many events the subjects' windows hold now, together. Reads only, in one transaction of its own: a database
     * error here never marks the request's own transaction for rollback.
     */
    public static int used(KeycloakSession session, List<Subject> subjects) {
        long now = Time.currentTime();
        return KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(), other -> {
            Counts counts = Counts.read(em(other), subjects, now);
            long total = subjects.stream().mapToLong(subject -> counts.inWindow(subject, now)).sum();
            return (int) Math.min(Integer.MAX_VALUE, total);
        });
    }

    /**
     * The counted buckets of several subjects, read with one statement: every row of their keys still within its
     * window (a bucket's {@code expiresAt} is past exactly when no window counts it any more).
     */
    record Counts(Map<String, Map<Long, Long>> hitsByKey) {

        static Counts read(EntityManager em, List<Subject> subjects, long now) {
            Map<String, Map<Long, Long>> byKey = new HashMap<>();
            List<String> keys = subjects.stream().map(Subject::key).distinct().toList();
            if (!keys.isEmpty()) {
                @SuppressWarnings("unchecked")
                List<Object[]> rows = sql(em, "select COUNTER_KEY, BUCKET, HITS from {table}"
                                + " where COUNTER_KEY in (:keys) and EXPIRES_AT > :now")
                        .setParameter("keys", keys).setParameter("now", now)
                        .getResultList();
                rows.forEach(row -> byKey.computeIfAbsent((String) row[0], k -> new HashMap<>())
                        .put(((Number) row[1]).longValue(), ((Number) row[2]).longValue()));
            }
            return new Counts(byKey);
        }

        /** The events of the subject's buckets from {@code fromBucket} to {@code toBucket}, both counted. */
        long sum(Subject subject, long fromBucket, long toBucket) {
            return hitsByKey.getOrDefault(subject.key(), Map.of()).entrySet().stream()
                    .filter(e -> e.getKey() >= fromBucket && e.getKey() <= toBucket)
                    .mapToLong(Map.Entry::getValue).sum();
        }

        /** The whole window at {@code now}. */
        long inWindow(Subject subject, long now) {
            long bucket = subject.limit().bucketAt(now);
            return sum(subject, subject.limit().oldestCountedBucket(bucket), bucket);
        }

        /** Whether the read saw the row of the subject's {@code bucket}. */
        boolean has(Subject subject, long bucket) {
            return hitsByKey.getOrDefault(subject.key(), Map.of()).containsKey(bucket);
        }

        /** The window's buckets before {@code bucket}: they no longer change. */
        long before(Subject subject, long bucket) {
            return sum(subject, subject.limit().oldestCountedBucket(bucket), bucket - 1);
        }
    }

    private static boolean takeOne(EntityManager em, Subject subject, long bucket, long before, boolean rowRead) {
        long room = subject.limit().max() - before;
        if (room <= 0) {
            return false;
        }
        String id = subject.key() + "@" + bucket;
        if (!rowRead) {
            // The bucket's first event makes its row. When another request made it since the read, nothing is inserted
            // (no error, no retry) and the UPDATE below counts this event. Hibernate 7.2 drops the clause on H2,
            // Oracle and SQL Server (HHH-20826): there that race is a duplicate key, and take() counts again.
            long expiresAt = (bucket + Limit.BUCKETS_PER_WINDOW + 1) * subject.limit().bucketSeconds();
            int made = em.createQuery("insert into RateCountRecord (id, counterKey, bucket, realmId, hits, expiresAt)"
                            + " values (:id, :key, :bucket, :realm, 1, :expiresAt) on conflict do nothing")
                    .setParameter("id", id).setParameter("key", subject.key()).setParameter("bucket", bucket)
                    .setParameter("realm", subject.realmId()).setParameter("expiresAt", expiresAt).executeUpdate();
            if (made == 1) {
                return true;
            }
        }
        // Each statement sees what was committed before it (read committed): the row is there, full or not.
        int raised = sql(em, "update {table} set HITS = HITS + 1 where ID = :id and HITS < :room")
                .setParameter("id", id).setParameter("room", (int) Math.min(Integer.MAX_VALUE, room)).executeUpdate();
        return raised == 1;
    }

    /** Seconds until enough of the window's oldest events age out to make room for one more. */
    private static long retryAfter(EntityManager em, Subject subject, long now) {
        Limit limit = subject.limit();
        long bucket = limit.bucketAt(now);
        long oldest = limit.oldestCountedBucket(bucket);
        List<Object[]> rows = em.createQuery("select r.bucket, r.hits from RateCountRecord r where r.counterKey = :key"
                        + " and r.bucket >= :oldest and r.bucket <= :bucket order by r.bucket", Object[].class)
                .setParameter("key", subject.key()).setParameter("oldest", oldest).setParameter("bucket", bucket)
                .getResultList();
        long total = rows.stream().mapToLong(r -> ((Number) r[1]).longValue()).sum();
        long mustAgeOut = total - limit.max() + 1;
        long agedOut = 0;
        for (Object[] row : rows) {
            agedOut += ((Number) row[1]).longValue();
            if (agedOut >= mustAgeOut) {
                // The bucket stops counting once the current bucket is BUCKETS_PER_WINDOW + 1 past it.
                long freeAt = (((Number) row[0]).longValue() + Limit.BUCKETS_PER_WINDOW + 1) * limit.bucketSeconds();
                return Math.max(1, freeAt - now);
            }
        }
        return limit.bucketSeconds();
    }

    /** Deletes the buckets no window counts any more; run by {@link ExpiredCountsCleanup}. */
    static int deleteExpired(KeycloakSession session) {
        return em(session).createQuery("delete from RateCountRecord r where r.expiresAt < :now")
                .setParameter("now", (long) Time.currentTime()).executeUpdate();
    }

    public static void forgetRealm(KeycloakSession session, String realmId) {
        em(session).createQuery("delete from RateCountRecord r where r.realmId = :realm")
                .setParameter("realm", realmId).executeUpdate();
    }

    /**
     * The counts' select and updates ({@link MerchantTables#sql}: why native). The bucket's first INSERT stays HQL for
     * its {@code on conflict do nothing}, which Hibernate writes in each database's dialect.
     */
    private static jakarta.persistence.Query sql(EntityManager em, String statement) {
        return MerchantTables.sql(em, "MERCHANT_RATE_COUNT", statement);
    }

    private static EntityManager em(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    private static String hash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
