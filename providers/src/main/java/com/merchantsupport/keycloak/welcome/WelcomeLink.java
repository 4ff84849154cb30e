package com.merchantsupport.keycloak.welcome;

import java.net.URI;

import com.merchantsupport.keycloak.journey.MerchantAccount;
import com.merchantsupport.keycloak.journey.MerchantErrors;
import com.merchantsupport.keycloak.outbox.JourneyOutbox;
import com.merchantsupport.keycloak.store.MerchantTables;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.email.EmailException;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.Urls;
import org.keycloak.sessions.AuthenticationSessionCompoundId;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The welcome link, and the only class that decides anything about it: it issues a link (a new generation of
 * the account's row, so every older link is replaced), builds its URL, says what state a link is in, and spends
 * it. The front door, the resend button, the "check your mailbox" step and "Create your password" all ask it.
 *
 * <p>The row is changed only by single UPDATE statements: the database holds the row's lock until the
 * transaction ends, so two issues or two spends at the same instant, on any nodes, are applied one after the
 * other, and a spend is undone with the rest of its transaction. The one exception is a sign-up's first link, set
 * on the row the same transaction inserts, which no other transaction can see or lock before it commits.
 */
public final class WelcomeLink {

    private static final Logger LOG = Logger.getLogger(WelcomeLink.class);

    static final String PATH = "merchant-welcome";
    /** Longer than any real link (a JWT of a few hundred bytes): refused before parsing. */
    static final int MAX_KEY_LENGTH = 8192;
    /** The session attribute holding the row {@link #accountCreated} inserted in this transaction, until its first link. */
    private static final String BORN = WelcomeLink.class.getName() + ".born.";

    /** What a link can do now. */
    public enum State {
        /** The account's live link, not expired: it opens "Create your password". */
        FRESH,
        /** A newer link was sent since (or the link predates generations): a new link is offered. */
        REPLACED,
        /** This link created the password. */
        USED,
        /** Live but past its lifetime: a new link is offered. */
        EXPIRED,
        /** Not a welcome link of this realm: truncated, re-signed, another type, another realm. */
        DAMAGED,
        /** Its account is gone, disabled, or has another email now. */
        UNAVAILABLE,
        /** The account was completed another way: Google, an admin, a password or passkey made elsewhere. */
        ACCOUNT_COMPLETE;

        boolean offersNewLink() {
            return this == REPLACED || this == EXPIRED;
        }

        /** The event error admins see when a link is refused in this state. */
        String eventError() {
            return switch (this) {
                case FRESH -> null;
                case REPLACED -> MerchantErrors.LINK_REPLACED;
                case USED -> MerchantErrors.LINK_ALREADY_USED;
                case EXPIRED -> Errors.EXPIRED_CODE;
                case DAMAGED -> MerchantErrors.INVALID_WELCOME_LINK;
                case UNAVAILABLE -> MerchantErrors.ACCOUNT_UNAVAILABLE;
                case ACCOUNT_COMPLETE -> MerchantErrors.ACCOUNT_COMPLETE;
            };
        }
    }

    /** A key, read and checked against its account. {@code token} and {@code user} are null when damaged. */
    public record Check(State state, String key, WelcomeLinkToken token, UserModel user) {
    }

    private final KeycloakSession session;
    private final RealmModel realm;

    private WelcomeLink(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    public static WelcomeLink of(KeycloakSession session) {
        return new WelcomeLink(session, session.getContext().getRealm());
    }

    /** The account's row is born with the account, in the same transaction: a rolled-back sign-up leaves none. */
    public void accountCreated(UserModel user) {
        WelcomeLinkRecord born = new WelcomeLinkRecord(user.getId(), realm.getId(), Time.currentTime());
        em().persist(born);
        session.setAttribute(BORN + user.getId(), born);
    }

    /**
     * Issues the account's new live link (every older one is replaced now) and queues "Welcome to Merchant Support"
     * in this transaction; the outbox sends it once the transaction has committed. {@code registering} is the
     * sign-up's own authentication session, if any: the same browser then answers the help center's request.
     */
    public void send(UserModel user, String clientId, String registering, JourneyOutbox.Kind kind, String step) {
        int generation = nextGeneration(user);
        long expiresAt = Time.currentTime() + (long) WelcomeSettings.of(realm).linkLifespanSeconds();
        JourneyOutbox.of(session).queue(user, new JourneyOutbox.Queued(kind, generation, expiresAt, clientId, registering, step));
    }

    public void send(UserModel user, AuthenticationSessionModel registering, JourneyOutbox.Kind kind, String step) {
        send(user, registering.getClient().getClientId(),
                AuthenticationSessionCompoundId.fromAuthSession(registering).getEncodedId(), kind, step);
    }

    /** A new link in place of the one given (replaced or expired), for the same help center and browser. */
    void sendInstead(Check previous, String step) {
        send(previous.user(), previous.token().getIssuedFor(),
                previous.token().getCompoundAuthenticationSessionId(), JourneyOutbox.Kind.RESEND, step);
    }

    /**
     * The outbox's turn for a queued welcome email: sent while the account still waits for its link, with the
     * account's live link as it is now (a link issued since, by a resend, is the one that works: every queued email
     * carries it), made from the request that queued it (the worker's context).
     */
    public JourneyOutbox.Delivery deliver(UserModel user, JourneyOutbox.Queued email) throws EmailException {
        Object[] live = em().createQuery("select r.generation, r.issuedAt from WelcomeLinkRecord r where r.userId = :user", Object[].class)
                .setParameter("user", user.getId())
                .getResultStream().findFirst().orElse(null);
        if (live == null || !MerchantAccount.isUnfinished(user)) {
            return JourneyOutbox.Delivery.NOT_NEEDED;
        }
        int generation = ((Number) live[0]).intValue();
        int expiresAt = (int) (((Number) live[1]).longValue() + WelcomeSettings.of(realm).linkLifespanSeconds());
        WelcomeLinkToken token = new WelcomeLinkToken(user.getId(), user.getEmail(), expiresAt, email.clientId(),
                email.authSessionId(), generation);
        String url = openUrl(token.serialize(session, realm, session.getContext().getUri()));
        EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection());
        if (email.clientId() != null) {
            event.client(email.clientId());
        }
        WelcomeMail.send(session, realm, user, url, event, email.eventStep());
        return JourneyOutbox.Delivery.SENT;
    }

    public Check check(String key) {
        WelcomeLinkToken token = decode(key);
        if (token == null) {
            return new Check(State.DAMAGED, key, null, null);
        }
        UserModel user = session.users().getUserById(realm, token.getUserId());
        if (user == null || !user.isEnabled() || user.getEmail() == null || !user.getEmail().equalsIgnoreCase(token.getEmail())) {
            return new Check(State.UNAVAILABLE, key, token, null);
        }
        return new Check(state(token, user), key, token, user);
    }

    /**
     * The account's live link as an admin sees it (no key needed): its generation, when it was issued and stops
     * working, and its state by the same rule a merchant's link is judged by. {@code state} is null while the account
     * never had a link (made before the pack, or an invite the limits or the setting held back).
     */
    public record Live(State state, int generation, Integer spentGeneration, Long issuedAt, Long expiresAt) {
    }

    public Live live(UserModel user) {
        Object[] row = em().createQuery("select r.generation, r.spentGeneration, r.issuedAt from WelcomeLinkRecord r where r.userId = :user", Object[].class)
                .setParameter("user", user.getId())
                .getResultStream().findFirst().orElse(null);
        int generation = row == null ? 0 : ((Number) row[0]).intValue();
        Integer spent = row == null ? null : (Integer) row[1];
        if (generation == 0) {
            return new Live(null, 0, spent, null, null);
        }
        long issuedAt = ((Number) row[2]).longValue();
        long expiresAt = issuedAt + WelcomeSettings.of(realm).linkLifespanSeconds();
        State state = state(generation, generation, spent, MerchantAccount.isUnfinished(user), expiresAt < Time.currentTime());
        return new Live(state, generation, spent, issuedAt, expiresAt);
    }

    private State state(WelcomeLinkToken token, UserModel user) {
        Object[] row = row(user);
        return state(token.generation(), row == null ? null : ((Number) row[0]).intValue(), row == null ? null : (Integer) row[1],
                MerchantAccount.isUnfinished(user), token.getExp() != null && token.getExp() < Time.currentTime());
    }

    /**
     * The rule, on its own: a link of the spent generation is used; an account no longer waiting for its link makes
     * every other link dead; a link that is not of the live generation (or has none: made before generations) is
     * replaced; the live one is expired past its lifetime, fresh before.
     */
    static State state(Integer linkGeneration, Integer liveGeneration, Integer spentGeneration, boolean accountWaits, boolean pastLifetime) {
        if (linkGeneration != null && linkGeneration.equals(spentGeneration)) {
            return State.USED;
        }
        if (!accountWaits) {
            return State.ACCOUNT_COMPLETE;
        }
        if (linkGeneration == null || !linkGeneration.equals(liveGeneration)) {
            return State.REPLACED;
        }
        return pastLifetime ? State.EXPIRED : State.FRESH;
    }

    /**
     * Spends a fresh link: true for exactly one request, whatever the nodes. The row stays locked until this
     * transaction ends, and the spend is undone if it rolls back, so the link then still works.
     */
    boolean spend(Check fresh) {
        int spent = MerchantTables.sql(em(), "MERCHANT_WELCOME_LINK", "update {table} set SPENT_GENERATION = :generation"
                        + " where USER_ID = :user and GENERATION = :generation"
                        + " and (SPENT_GENERATION is null or SPENT_GENERATION <> :generation)")
                .setParameter("generation", fresh.token().generation())
                .setParameter("user", fresh.user().getId())
                .executeUpdate();
        return spent == 1;
    }

    /** Forgets a removed account's row. */
    public static void forget(KeycloakSession session, String userId) {
        session.getProvider(JpaConnectionProvider.class).getEntityManager()
                .createQuery("delete from WelcomeLinkRecord r where r.userId = :user")
                .setParameter("user", userId).executeUpdate();
    }

    /** Forgets a removed realm's rows (Keycloak removes its accounts without an event per account). */
    public static void forgetRealm(KeycloakSession session, String realmId) {
        session.getProvider(JpaConnectionProvider.class).getEntityManager()
                .createQuery("delete from WelcomeLinkRecord r where r.realmId = :realm")
                .setParameter("realm", realmId).executeUpdate();
    }

    String openUrl(String key) {
        return Urls.realmBase(baseUri()).path(realm.getName()).path(PATH).path("open").queryParam("key", key).build().toString();
    }

    String resendUrl() {
        return Urls.realmBase(baseUri()).path(realm.getName()).path(PATH).path("resend").build().toString();
    }

    private URI baseUri() {
        return session.getContext().getUri().getBaseUri();
    }

    private int nextGeneration(UserModel user) {
        // A sign-up issues the first link of the row it inserted in the same transaction: set before the INSERT,
        // instead of an UPDATE and a SELECT of a row no other transaction can see or lock yet.
        WelcomeLinkRecord born = session.getAttribute(BORN + user.getId(), WelcomeLinkRecord.class);
        if (born != null) {
            session.removeAttribute(BORN + user.getId());
            if (em().contains(born) && born.issueFirstLink(Time.currentTime())) {
                return 1;
            }
        }
        if (advance(user) == 0) {
            // An account made before this version, by an admin or through a provider: its row first.
            ensureRow(user);
            if (advance(user) == 0) {
                throw new IllegalStateException("no welcome link row for account " + user.getId());
            }
        }
        return ((Number) row(user)[0]).intValue();
    }

    private int advance(UserModel user) {
        return em().createQuery("update WelcomeLinkRecord r set r.generation = r.generation + 1, r.issuedAt = :now"
                        + " where r.userId = :user")
                .setParameter("now", (long) Time.currentTime())
                .setParameter("user", user.getId())
                .executeUpdate();
    }

    /** In a transaction of its own, so that two first issues at once insert one row and neither fails. */
    private void ensureRow(UserModel user) {
        String userId = user.getId();
        try {
            KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), other -> {
                EntityManager em = other.getProvider(JpaConnectionProvider.class).getEntityManager();
                if (em.find(WelcomeLinkRecord.class, userId) == null) {
                    em.persist(new WelcomeLinkRecord(userId, realm.getId(), Time.currentTime()));
                }
            });
        } catch (RuntimeException concurrentInsert) {
            LOG.debugf("welcome link row for %s was inserted concurrently: %s", userId, concurrentInsert.getMessage());
        }
    }

    /** {generation, spentGeneration} as the database has them now (never a cached entity), or null. */
    private Object[] row(UserModel user) {
        return em().createQuery("select r.generation, r.spentGeneration from WelcomeLinkRecord r where r.userId = :user", Object[].class)
                .setParameter("user", user.getId())
                .getResultStream().findFirst().orElse(null);
    }

    /** A link signed by this realm for the welcome step, whatever its age; null for anything else. */
    private WelcomeLinkToken decode(String key) {
        if (key == null || key.isBlank() || key.length() > MAX_KEY_LENGTH) {
            return null;
        }
        WelcomeLinkToken token;
        try {
            token = session.tokens().decode(key, WelcomeLinkToken.class);
        } catch (RuntimeException unreadable) {
            return null;
        }
        if (token == null || !WelcomeLinkToken.TOKEN_TYPE.equals(token.getActionId()) || token.getUserId() == null) {
            return null;
        }
        String issuer = Urls.realmIssuer(baseUri(), realm.getName());
        return issuer.equals(token.getIssuer()) ? token : null;
    }

    private EntityManager em() {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
