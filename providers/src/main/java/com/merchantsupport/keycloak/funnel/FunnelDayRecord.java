package com.merchantsupport.keycloak.funnel;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One realm's count of one funnel step (with its reason and provider) on one UTC day, summed over the cluster's
 * nodes. Keycloak's event store cannot filter on event details and forgets after its expiry; these rows keep the
 * funnel for the admin API's report. Only {@link FunnelDays} reads or writes them.
 */
@Entity
@Table(name = "MERCHANT_FUNNEL_DAY")
public class FunnelDayRecord {

    /** SHA-256 of realm, day, step, reason and provider: one row per combination, found without an index scan. */
    @Id
    @Column(name = "ID", length = 64)
    String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    String realmId;

    /** ISO date, UTC: 2026-12-02. */
    @Column(name = "DAY_UTC", length = 10, nullable = false)
    String day;

    @Column(name = "STEP", length = 48, nullable = false)
    String step;

    @Column(name = "REASON", length = 48, nullable = false)
    String reason;

    @Column(name = "PROVIDER", length = 48, nullable = false)
    String provider;

    @Column(name = "HITS", nullable = false)
    long hits;

    protected FunnelDayRecord() {
    }

    FunnelDayRecord(String id, JourneyFunnel.DayKey key, long hits) {
        this.id = id;
        this.realmId = key.realmId();
        this.day = key.day();
        this.step = key.step();
        this.reason = key.reason();
        this.provider = key.provider();
        this.hits = hits;
    }
}
