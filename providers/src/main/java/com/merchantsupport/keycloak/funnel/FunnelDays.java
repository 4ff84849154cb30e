package com.merchantsupport.keycloak.funnel;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.timer.TimerProvider;

/**
 * The funnel's daily totals in {@code MERCHANT_FUNNEL_DAY}: each node adds its pending counts every
 * {@link #FLUSH_SECONDS} seconds (one UPDATE per changed row, an INSERT for a row's first count), before it stops,
 * and before it answers a report. A node that dies loses at most its last seconds of counts; the metrics are unaffected.
 */
public final class FunnelDays {

    private static final Logger LOG = Logger.getLogger(FunnelDays.class);
    static final long FLUSH_SECONDS = 10;
    public static final String TASK_NAME = "merchant-support-funnel-days";
    /** The longest range one report may ask for. */
    public static final int MAX_DAYS = 366;
    private static volatile long lastWarning;

    private FunnelDays() {
    }

    public static void start(KeycloakSessionFactory factory) {
        KeycloakModelUtils.runJobInTransaction(factory, session -> {
            TimerProvider timer = session.getProvider(TimerProvider.class);
            if (timer != null) {
                // Every node flushes its own counts: not cluster-aware on purpose.
                timer.schedule(() -> flush(factory), FLUSH_SECONDS * 1000, TASK_NAME);
            }
        });
    }

    /** Adds this node's pending counts to the table; on a database error they wait for the next flush. */
    public static void flush(KeycloakSessionFactory factory) {
        Map<JourneyFunnel.DayKey, Long> counts = JourneyFunnel.drain();
        if (counts.isEmpty()) {
            return;
        }
        RuntimeException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                KeycloakModelUtils.runJobInTransaction(factory, session -> add(em(session), counts));
                return;
            } catch (RuntimeException e) {
                // Another node inserted one of the rows first (the next attempt updates it), or the database is away.
                LOG.debugf("funnel totals not written yet: %s", e.toString());
                last = e;
            }
        }
        JourneyFunnel.giveBack(counts);
        long now = System.currentTimeMillis();
        if (now - lastWarning > 600_000) {
            lastWarning = now;
            LOG.warnf("The sign-up funnel's daily totals could not be written (kept on this node, tried again every %d s): %s",
                    FLUSH_SECONDS, last);
        }
    }

    private static void add(EntityManager em, Map<JourneyFunnel.DayKey, Long> counts) {
        counts.entrySet().stream().sorted(Map.Entry.comparingByKey(java.util.Comparator.comparing(FunnelDays::id)))
                .forEach(entry -> {
                    String id = id(entry.getKey());
                    int raised = em.createQuery("update FunnelDayRecord r set r.hits = r.hits + :n where r.id = :id")
                            .setParameter("n", entry.getValue()).setParameter("id", id).executeUpdate();
                    if (raised == 0) {
                        em.persist(new FunnelDayRecord(id, entry.getKey(), entry.getValue()));
                        em.flush();
                    }
                });
    }

    /** One row of a report: a step, its reason and provider, and its count over the range. */
    public record Row(String step, String reason, String provider, long count) {
    }

    /** The realm's counts from {@code from} to {@code to} (UTC days, both included), this node's pending ones first added. */
    public static List<Row> report(KeycloakSession session, String realmId, LocalDate from, LocalDate to) {
        flush(session.getKeycloakSessionFactory());
        List<Object[]> rows = em(session).createQuery("select r.step, r.reason, r.provider, sum(r.hits) from FunnelDayRecord r"
                        + " where r.realmId = :realm and r.day >= :from and r.day <= :to"
                        + " group by r.step, r.reason, r.provider", Object[].class)
                .setParameter("realm", realmId).setParameter("from", from.toString()).setParameter("to", to.toString())
                .getResultList();
        Map<String, Integer> order = new LinkedHashMap<>();
        for (JourneyFunnel.Step step : JourneyFunnel.Step.values()) {
            order.put(step.id(), step.ordinal());
        }
        return rows.stream()
                .map(r -> new Row((String) r[0], (String) r[1], (String) r[2], ((Number) r[3]).longValue()))
                .sorted(java.util.Comparator.<Row>comparingInt(r -> order.getOrDefault(r.step(), Integer.MAX_VALUE))
                        .thenComparing(Row::reason).thenComparing(Row::provider))
                .toList();
    }

    /** A removed realm's totals go with it. */
    public static void forgetRealm(KeycloakSession session, String realmId) {
        em(session).createQuery("delete from FunnelDayRecord r where r.realmId = :realm")
                .setParameter("realm", realmId).executeUpdate();
    }

    static String id(JourneyFunnel.DayKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(String.join("\n", key.realmId(), key.day(), key.step(),
                    key.reason(), key.provider()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static EntityManager em(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
