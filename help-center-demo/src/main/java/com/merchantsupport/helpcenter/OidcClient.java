package com.merchantsupport.helpcenter;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.langtag.LangTag;
import com.nimbusds.langtag.LangTagException;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.LogoutRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.Prompt;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The three conversations with Keycloak: send the browser there, redeem the code, sign out. */
public final class OidcClient {

    private static final Scope SCOPE = new Scope("openid", "email", "profile");
    /** For every call to Keycloak: a hung Keycloak must end on an error page, not a page that never loads. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HelpCenterConfig config;
    private final ClientID clientId;
    private final KeycloakDiscovery discovery;

    public OidcClient(HelpCenterConfig config, KeycloakDiscovery discovery) {
        this.config = config;
        this.clientId = new ClientID(config.clientId());
        this.discovery = discovery;
    }

    /** Timeouts, and no redirects: Keycloak answers its endpoints directly. */
    static HTTPRequest configured(HTTPRequest request) {
        request.setConnectTimeout((int) TIMEOUT.toMillis());
        request.setReadTimeout((int) TIMEOUT.toMillis());
        request.setFollowRedirects(false);
        return request;
    }

    /** A fresh state, nonce and PKCE verifier for one sign-in attempt. */
    public static PendingLogin newPendingLogin(Instant now) {
        return new PendingLogin(new State().getValue(), new Nonce().getValue(), new CodeVerifier().getValue(), now);
    }

    /** Space-separated language tags; malformed ones are dropped rather than sent on to Keycloak. */
    static List<LangTag> uiLocales(String value) {
        List<LangTag> tags = new ArrayList<>();
        if (value != null) {
            for (String candidate : value.trim().split("\\s+")) {
                try {
                    if (!candidate.isEmpty()) {
                        tags.add(LangTag.parse(candidate));
                    }
                } catch (LangTagException ignored) {
                    // not a language tag
                }
            }
        }
        return tags;
    }

    /**
     * The Keycloak URL that starts the code flow. {@code register} asks for the sign-up page
     * through {@code prompt=create}, which Keycloak maps to its registration form.
     */
    public URI authorizationUri(PendingLogin login, List<LangTag> uiLocales, boolean register) {
        DiscoveredProvider provider = discovery.get();
        AuthenticationRequest.Builder request = new AuthenticationRequest.Builder(
                ResponseType.CODE, SCOPE, clientId, config.callbackUri())
                .endpointURI(provider.metadata().getAuthorizationEndpointURI())
                .state(new State(login.state()))
                .nonce(new Nonce(login.nonce()))
                .codeChallenge(new CodeVerifier(login.codeVerifier()), CodeChallengeMethod.S256);
        if (!uiLocales.isEmpty()) {
            request.uiLocales(uiLocales);
        }
        if (register) {
            request.prompt(Prompt.Type.CREATE);
        }
        return request.build().toURI();
    }

    /** Redeems the code (client_secret_basic + PKCE verifier) and validates the ID token it brings. */
    public SignedInUser redeemCode(String code, PendingLogin login) {
        DiscoveredProvider provider = discovery.get();
        TokenRequest request = new TokenRequest(
                provider.metadata().getTokenEndpointURI(),
                new ClientSecretBasic(clientId, new Secret(config.clientSecret())),
                new AuthorizationCodeGrant(new AuthorizationCode(code), config.callbackUri(),
                        new CodeVerifier(login.codeVerifier())));
        TokenResponse response;
        try {
            response = OIDCTokenResponseParser.parse(configured(request.toHTTPRequest()).send());
        } catch (IOException | ParseException e) {
            throw HttpFailure.badGateway("Sign-in failed",
                    "The sign-in service did not answer as expected. Please try again.", e);
        }
        if (!response.indicatesSuccess()) {
            ErrorObject error = response.toErrorResponse().getErrorObject();
            throw HttpFailure.badGateway("Sign-in failed",
                    "Keycloak refused to complete the sign-in (" + error.getCode()
                            + (error.getDescription() == null ? "" : ": " + error.getDescription())
                            + "). Please sign in again.",
                    null);
        }
        AccessTokenResponse success = response.toSuccessResponse();
        if (!(success instanceof OIDCTokenResponse oidc) || oidc.getOIDCTokens().getIDToken() == null) {
            throw HttpFailure.badGateway("Sign-in failed", "Keycloak returned no ID token.", null);
        }
        JWT idToken = oidc.getOIDCTokens().getIDToken();
        try {
            // Signature via the JWKS, issuer, audience, expiry and the nonce we sent.
            provider.idTokenValidator().validate(idToken, new Nonce(login.nonce()));
            return new SignedInUser(idToken.getJWTClaimsSet().toJSONObject(), idToken.serialize());
        } catch (BadJOSEException | JOSEException | java.text.ParseException e) {
            throw HttpFailure.badGateway("Sign-in failed",
                    "The identity token from Keycloak could not be verified. Please sign in again.", e);
        }
    }

    /** Keycloak's end-session URL for this user, or null when Keycloak offers none. */
    public URI logoutUri(SignedInUser user) {
        URI endSession = discovery.get().metadata().getEndSessionEndpointURI();
        if (endSession == null) {
            return null;
        }
        JWT idTokenHint;
        try {
            idTokenHint = JWTParser.parse(user.idToken());
        } catch (java.text.ParseException e) {
            // We stored it after validating it; without a hint Keycloak asks the user to confirm.
            idTokenHint = null;
        }
        return new LogoutRequest(endSession, idTokenHint, null, clientId,
                config.postLogoutRedirectUri(), null, null).toURI();
    }
}
