package com.merchantsupport.keycloak.outbox;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One journey email to send: written in the transaction of the request that asked for it, deleted once sent (or once
 * its account no longer needs it). No token: the link is built when sending. Only {@link JourneyOutbox} reads or
 * writes it; the lease is claimed with one conditional UPDATE, so each row is sent by one worker at a time.
 */
@Entity
@Table(name = "MERCHANT_MAIL_OUTBOX")
public class MailOutboxRecord {

    static final String WAITING = "waiting";
    static final String EXPIRED = "expired";

    @Id
    @Column(name = "ID", length = 36)
    String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    String realmId;

    @Column(name = "USER_ID", length = 36, nullable = false)
    String userId;

    /** {@link JourneyOutbox.Kind#id()}. */
    @Column(name = "KIND", length = 32, nullable = false)
    String kind;

    /**
     * The welcome link's generation issued when this email was queued (null for an email without a link). The email
     * carries the account's live link when it is sent: a resend since makes every queued email carry the newer one.
     */
    @Column(name = "LINK_GENERATION")
    Integer linkGeneration;

    /** The frontend base URL of the request that asked (a worker has no request to build links from). */
    @Column(name = "BASE_URL", length = 1024, nullable = false)
    String baseUrl;

    /** The language the request chose for the email (a worker has no Accept-Language). */
    @Column(name = "LOCALE", length = 35)
    String locale;

    @Column(name = "CLIENT_ID", length = 255)
    String clientId;

    /** The registering browser's authentication session (encoded compound id), when the link should recognise it. */
    @Column(name = "AUTH_SESSION_ID", length = 255)
    String authSessionId;

    /** The event's {@code merchant_step}. */
    @Column(name = "EVENT_STEP", length = 64)
    String eventStep;

    /** Seconds since the epoch, Keycloak's clock, like every time below. */
    @Column(name = "CREATED_AT", nullable = false)
    long createdAt;

    /** When the link stops working: no try after it, the row is then marked expired. */
    @Column(name = "EXPIRES_AT", nullable = false)
    long expiresAt;

    @Column(name = "ATTEMPTS", nullable = false)
    int attempts;

    @Column(name = "NEXT_ATTEMPT", nullable = false)
    long nextAttempt;

    @Column(name = "LEASE_UNTIL")
    Long leaseUntil;

    @Column(name = "LEASE_OWNER", length = 36)
    String leaseOwner;

    /** The last failure as the mail library said it (host and reply, never a password). */
    @Column(name = "LAST_ERROR", length = 255)
    String lastError;

    /** {@code waiting} or {@code expired}. */
    @Column(name = "STATUS", length = 16, nullable = false)
    String status;

    protected MailOutboxRecord() {
    }
}
