package com.merchantsupport.helpcenter;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionStoreTest {

    private final MutableClock clock = new MutableClock();
    private final SessionStore store = new SessionStore(clock, Duration.ofMinutes(30));

    @Test
    void findsWhatItCreated() {
        Session session = store.create();
        assertSame(session, store.find(session.id()).orElseThrow());
        assertTrue(store.find("unknown").isEmpty());
        assertTrue(store.find(null).isEmpty());
    }

    @Test
    void idsAreLongRandomAndCookieSafe() {
        String first = store.create().id();
        String second = store.create().id();
        assertNotEquals(first, second);
        assertTrue(first.matches("[A-Za-z0-9_-]{43}"), first);
    }

    @Test
    void sessionsExpireAfterTheIdleTimeoutButActivityKeepsThemAlive() {
        Session busy = store.create();
        Session idle = store.create();

        clock.advance(Duration.ofMinutes(20));
        assertTrue(store.find(busy.id()).isPresent());
        clock.advance(Duration.ofMinutes(20));

        assertTrue(store.find(busy.id()).isPresent(), "touched 20 minutes ago");
        assertTrue(store.find(idle.id()).isEmpty(), "idle for 40 minutes");
    }

    @Test
    void expiredSessionsArePrunedWhenNewOnesAreMade() {
        store.create();
        clock.advance(Duration.ofHours(1));
        store.create();
        assertEquals(1, store.size());
    }

    @Test
    void pendingLoginIsHandedOutOnlyOnce() {
        Session session = store.create();
        PendingLogin login = new PendingLogin("state", "nonce", "verifier", Instant.now());
        session.startLogin(login);

        assertEquals(login, session.takePendingLogin());
        assertNull(session.takePendingLogin());
    }

    @Test
    void rotateMovesTheUserToANewIdAndForgetsTheOldOne() {
        Session old = store.create();
        old.signIn(new SignedInUser(Map.of("name", "Ada"), "token"));

        Session fresh = store.rotate(old);

        assertNotEquals(old.id(), fresh.id());
        assertTrue(store.find(old.id()).isEmpty());
        assertEquals("Ada", store.find(fresh.id()).orElseThrow().user().displayName());
    }

    @Test
    void removeForgetsTheSession() {
        Session session = store.create();
        store.remove(session.id());
        store.remove(null);
        assertTrue(store.find(session.id()).isEmpty());
    }
}
