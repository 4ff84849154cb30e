package com.merchantsupport.helpcenter;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** In-memory sessions with an idle timeout: a demo runs one instance, so nothing is shared. */
public final class SessionStore {

    static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(8);

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Duration idleTimeout;

    public SessionStore() {
        this(Clock.systemUTC(), DEFAULT_IDLE_TIMEOUT);
    }

    public SessionStore(Clock clock, Duration idleTimeout) {
        this.clock = clock;
        this.idleTimeout = idleTimeout;
    }

    public Session create() {
        pruneExpired();
        Session session = new Session(newId(), clock.instant());
        sessions.put(session.id(), session);
        return session;
    }

    /** Finds a live session and counts the lookup as activity. */
    public Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session session = sessions.get(id);
        if (session == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (isExpired(session, now)) {
            sessions.remove(id, session);
            return Optional.empty();
        }
        session.touch(now);
        return Optional.of(session);
    }

    /**
     * Moves a session to a fresh id at sign-in, so an id planted in the browser before
     * sign-in (session fixation) never becomes a signed-in session.
     */
    public Session rotate(Session old) {
        sessions.remove(old.id());
        Session fresh = create();
        fresh.signIn(old.user());
        return fresh;
    }

    public void remove(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    public int size() {
        return sessions.size();
    }

    Clock clock() {
        return clock;
    }

    private void pruneExpired() {
        Instant now = clock.instant();
        sessions.values().removeIf(session -> isExpired(session, now));
    }

    private boolean isExpired(Session session, Instant now) {
        return session.lastSeen().plus(idleTimeout).isBefore(now);
    }

    /** 256 random bits, URL-safe so the cookie value needs no quoting. */
    private String newId() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
