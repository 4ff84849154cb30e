package com.merchantsupport.helpcenter;

import java.time.Instant;

/** One browser's server-side state; the browser only holds the random id in a cookie. */
public final class Session {

    private final String id;
    private volatile Instant lastSeen;
    private PendingLogin pendingLogin;
    private SignedInUser user;

    Session(String id, Instant now) {
        this.id = id;
        this.lastSeen = now;
    }

    public String id() {
        return id;
    }

    Instant lastSeen() {
        return lastSeen;
    }

    void touch(Instant now) {
        lastSeen = now;
    }

    public synchronized void startLogin(PendingLogin login) {
        pendingLogin = login;
    }

    /** Hands the pending login out once, so a replayed callback finds nothing. */
    public synchronized PendingLogin takePendingLogin() {
        PendingLogin login = pendingLogin;
        pendingLogin = null;
        return login;
    }

    public synchronized SignedInUser user() {
        return user;
    }

    public synchronized void signIn(SignedInUser signedIn) {
        user = signedIn;
    }
}
