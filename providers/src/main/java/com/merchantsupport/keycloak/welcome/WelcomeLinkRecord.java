package com.merchantsupport.keycloak.welcome;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One row per account: which welcome link is the live one (its generation) and which generation was spent.
 * Only {@link WelcomeLink} reads or writes it, and only with single statements (an UPDATE holds the row's
 * lock until the transaction ends), so two nodes never both issue or both spend; only a row not yet committed
 * (a sign-up's own) takes its first link on the entity, before its INSERT.
 */
@Entity
@Table(name = "MERCHANT_WELCOME_LINK")
public class WelcomeLinkRecord {

    @Id
    @Column(name = "USER_ID", length = 36)
    private String userId;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    /** The live link's generation; 0 until the first link is issued. */
    @Column(name = "GENERATION", nullable = false)
    private int generation;

    /** The generation whose link created the password (or passkey); null while none was spent. */
    @Column(name = "SPENT_GENERATION")
    private Integer spentGeneration;

    /** When the live generation was issued (seconds since the epoch, Keycloak's clock). */
    @Column(name = "ISSUED_AT", nullable = false)
    private long issuedAt;

    /** The first link of a row this transaction inserted: no other transaction can see the row yet. */
    boolean issueFirstLink(long now) {
        if (generation != 0) {
            return false;
        }
        generation = 1;
        issuedAt = now;
        return true;
    }

    protected WelcomeLinkRecord() {
    }

    WelcomeLinkRecord(String userId, String realmId, long issuedAt) {
        this.userId = userId;
        this.realmId = realmId;
        this.issuedAt = issuedAt;
    }
}
