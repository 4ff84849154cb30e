package com.merchantsupport.it.support;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** URLs of the journey's pages, as the help center would open them. */
public final class Pages {

    private Pages() {
    }

    public static String base() {
        return "http://localhost:8080";
    }

    public static String realmUrl() {
        return base() + "/realms/" + MerchantRealm.NAME;
    }

    /** The sign-in page the help center sends a merchant to (authorization code flow with PKCE). */
    public static URI signIn(String extraQuery) {
        return signInAt(base(), extraQuery);
    }

    /** The same sign-in page on another server (a node of a cluster, a server on PostgreSQL). */
    public static URI signInAt(String base, String extraQuery) {
        String query = "client_id=" + MerchantRealm.HELP_CENTER_CLIENT
                + "&redirect_uri=" + enc(MerchantRealm.HELP_CENTER_REDIRECT_URI)
                + "&response_type=code&scope=openid"
                + "&code_challenge=" + "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
                + "&code_challenge_method=S256"
                + (extraQuery == null || extraQuery.isEmpty() ? "" : "&" + extraQuery);
        return URI.create(base + "/realms/" + MerchantRealm.NAME + "/protocol/openid-connect/auth?" + query);
    }

    public static URI signIn() {
        return signIn("");
    }

    /** The ALTCHA widget's challenge endpoint. */
    public static String challenge() {
        return realmUrl() + "/altcha/challenge";
    }

    /** The welcome link's front door, for a key (the link the email holds, or a forged one). */
    public static String welcomeOpen(String key) {
        return realmUrl() + "/merchant-welcome/open?key=" + enc(key);
    }

    /** "Send me a new link" (POST, the link's key in the form). */
    public static String welcomeResend() {
        return realmUrl() + "/merchant-welcome/resend";
    }

    /** The {@code key} parameter of a link (the welcome link, Keycloak's action-token links), decoded. */
    public static String keyOf(String link) {
        String query = URI.create(link).getRawQuery();
        for (String pair : query == null ? new String[0] : query.split("&")) {
            if (pair.startsWith("key=")) {
                return URLDecoder.decode(pair.substring(4), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no key in " + link);
    }

    public static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
