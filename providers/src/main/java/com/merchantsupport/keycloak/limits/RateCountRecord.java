package com.merchantsupport.keycloak.limits;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * How many times one thing happened in one short time bucket (one tenth of its limit's window). Only
 * {@link RateCounter} reads or writes it, with single conditional statements, so every node of a cluster counts
 * the same events and two requests never both take the last one.
 */
@Entity
@Table(name = "MERCHANT_RATE_COUNT")
public class RateCountRecord {

    /** {@code counterKey + "@" + bucket}. */
    @Id
    @Column(name = "ID", length = 100)
    private String id;

    /** A hash of realm, limit and subject (an address, an email): no address or email is stored. */
    @Column(name = "COUNTER_KEY", length = 64, nullable = false)
    private String counterKey;

    @Column(name = "BUCKET", nullable = false)
    private long bucket;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "HITS", nullable = false)
    private int hits;

    /** When the bucket no longer counts for any window (seconds since the epoch, Keycloak's clock). */
    @Column(name = "EXPIRES_AT", nullable = false)
    private long expiresAt;

    protected RateCountRecord() {
    }
}
