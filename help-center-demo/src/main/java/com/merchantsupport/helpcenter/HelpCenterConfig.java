package com.merchantsupport.helpcenter;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/**
 * Settings read from environment variables. Parsed from a plain map so tests need no real environment.
 */
public record HelpCenterConfig(int port, String publicUrl, String issuer, String clientId, String clientSecret,
                               String discoveryBase) {

    static final String PORT = "HELP_CENTER_PORT";
    static final String URL = "HELP_CENTER_URL";
    static final String ISSUER = "KEYCLOAK_ISSUER";
    static final String CLIENT_ID = "HELP_CENTER_CLIENT_ID";
    static final String CLIENT_SECRET = "HELP_CENTER_CLIENT_SECRET";
    /** Where the help center itself reaches Keycloak, when that differs from the issuer browsers see (compose). */
    static final String DISCOVERY_URL = "KEYCLOAK_DISCOVERY_URL";

    static final int DEFAULT_PORT = 8081;
    static final String DEFAULT_URL = "http://localhost:8081";
    static final String DEFAULT_ISSUER = "http://localhost:8080/realms/merchant-support";
    static final String DEFAULT_CLIENT_ID = "merchant-support-center";

    public static HelpCenterConfig fromEnv(Map<String, String> env) {
        String secret = valueOf(env, CLIENT_SECRET, null);
        if (secret == null) {
            // No default on purpose: a guessed secret would only fail later, at the token request.
            throw new ConfigException(CLIENT_SECRET + " is required: set it to the client secret of the '"
                    + valueOf(env, CLIENT_ID, DEFAULT_CLIENT_ID) + "' client in Keycloak.");
        }
        return new HelpCenterConfig(
                parsePort(valueOf(env, PORT, String.valueOf(DEFAULT_PORT))),
                parseHttpUrl(URL, valueOf(env, URL, DEFAULT_URL)),
                parseHttpUrl(ISSUER, valueOf(env, ISSUER, DEFAULT_ISSUER)),
                valueOf(env, CLIENT_ID, DEFAULT_CLIENT_ID),
                secret,
                valueOf(env, DISCOVERY_URL, null) == null ? null : parseHttpUrl(DISCOVERY_URL, valueOf(env, DISCOVERY_URL, null)));
    }

    public HelpCenterConfig(int port, String publicUrl, String issuer, String clientId, String clientSecret) {
        this(port, publicUrl, issuer, clientId, clientSecret, null);
    }

    /** The realm URL the discovery document is fetched from: the issuer unless told otherwise. */
    public String discoveryBaseOrIssuer() {
        return discoveryBase == null ? issuer : discoveryBase;
    }

    /** Where Keycloak sends the browser back with the authorization code. */
    public URI callbackUri() {
        return URI.create(publicUrl + "/oidc/callback");
    }

    /** Where Keycloak sends the browser after signing out. */
    public URI postLogoutRedirectUri() {
        return URI.create(publicUrl + "/");
    }

    /** Browsers drop Secure cookies on plain http, so only mark them Secure behind https. */
    public boolean secureCookies() {
        return publicUrl.startsWith("https://");
    }

    /** Blank counts as unset: compose files often pass {@code VAR=} for "use the default". */
    private static String valueOf(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigException(PORT + " must be a port number (0-65535), got '" + value + "'.");
    }

    /** Trailing slashes are dropped so paths can be appended without doubling them. */
    private static String parseHttpUrl(String name, String value) {
        String trimmed = value.replaceAll("/+$", "");
        try {
            URI uri = new URI(trimmed);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getQuery() == null && uri.getFragment() == null) {
                return trimmed;
            }
        } catch (URISyntaxException ignored) {
            // reported below
        }
        throw new ConfigException(name + " must be an absolute http(s) URL without query, got '" + value + "'.");
    }

    /** Never echo the secret when the config is printed. */
    @Override
    public String toString() {
        return "HelpCenterConfig[port=" + port + ", publicUrl=" + publicUrl + ", issuer=" + issuer
                + ", clientId=" + clientId + ", clientSecret=***]";
    }
}
