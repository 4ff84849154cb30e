package com.merchantsupport.keycloak.welcome;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.keycloak.authentication.actiontoken.DefaultActionToken;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The link in "Welcome to Merchant Support". It names the account and carries the help center's
 * sign-in request, so that creating the password ends at the help center even when the link is opened
 * in another browser than the one that registered (a phone's mail app, say).
 */
public class WelcomeLinkToken extends DefaultActionToken {

    /** Also the id of the handler: Keycloak finds a token's handler by its type. */
    public static final String TOKEN_TYPE = "merchant-welcome";

    private static final String OIDC_NOTE_PREFIX = "oidc.";

    /** What the help center sent when the merchant started; enough to answer it with a code. */
    static final List<String> SIGN_IN_REQUEST_NOTES = List.of(
            OIDCLoginProtocol.REDIRECT_URI_PARAM,
            OIDCLoginProtocol.RESPONSE_TYPE_PARAM,
            OIDCLoginProtocol.RESPONSE_MODE_PARAM,
            OIDCLoginProtocol.STATE_PARAM,
            OIDCLoginProtocol.NONCE_PARAM,
            OIDCLoginProtocol.SCOPE_PARAM,
            OIDCLoginProtocol.CODE_CHALLENGE_PARAM,
            OIDCLoginProtocol.CODE_CHALLENGE_METHOD_PARAM,
            OIDCLoginProtocol.UI_LOCALES_PARAM);

    public WelcomeLinkToken(String userId, String email, int absoluteExpirationInSecs, String clientId,
                            String compoundAuthenticationSessionId) {
        super(userId, TOKEN_TYPE, absoluteExpirationInSecs, null, compoundAuthenticationSessionId);
        setEmail(email);
        this.issuedFor = clientId;
    }

    @SuppressWarnings("unused") // for JSON
    private WelcomeLinkToken() {
    }

    void rememberSignInRequest(AuthenticationSessionModel authSession) {
        if (authSession == null) {
            return;
        }
        for (String name : SIGN_IN_REQUEST_NOTES) {
            String value = authSession.getClientNote(name);
            if (value != null && !value.isBlank()) {
                setNote(OIDC_NOTE_PREFIX + name, value);
            }
        }
    }

    void rememberSignInRequestNote(String name, String value) {
        if (SIGN_IN_REQUEST_NOTES.contains(name)) {
            setNote(OIDC_NOTE_PREFIX + name, value);
        }
    }

    Map<String, String> signInRequest() {
        Map<String, String> request = new LinkedHashMap<>();
        for (String name : SIGN_IN_REQUEST_NOTES) {
            String value = getNote(OIDC_NOTE_PREFIX + name);
            if (value != null) {
                request.put(name, value);
            }
        }
        return request;
    }
}
