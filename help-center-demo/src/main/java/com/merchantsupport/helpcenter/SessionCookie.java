package com.merchantsupport.helpcenter;

import java.util.List;

/** The session cookie: reading it from requests and writing it to responses. */
public final class SessionCookie {

    static final String NAME = "help_center_session";

    private SessionCookie() {
    }

    /** The session id from all {@code Cookie} request headers, or null. */
    public static String read(List<String> cookieHeaders) {
        if (cookieHeaders == null) {
            return null;
        }
        for (String header : cookieHeaders) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).trim().equals(NAME)) {
                    String value = pair.substring(eq + 1).trim();
                    return value.isEmpty() ? null : value;
                }
            }
        }
        return null;
    }

    /**
     * HttpOnly keeps scripts away from it; SameSite=Lax still sends it on the top-level
     * redirect back from Keycloak, which the callback needs.
     */
    public static String set(String sessionId, boolean secure) {
        return NAME + "=" + sessionId + "; Path=/; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
    }

    public static String clear(boolean secure) {
        return NAME + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
    }
}
