package com.merchantsupport.keycloak.welcome;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.keycloak.authentication.actiontoken.DefaultActionToken;

/**
 * The signed key in "Welcome to Merchant Support"'s link: the account, its email, the link's generation and
 * expiry, the help center it was made for, and the registering browser's authentication session (so that the
 * same browser can answer the help center's original request). It carries nothing of that request itself:
 * whoever holds the link must never replay the registering browser's state, nonce or PKCE challenge.
 * What a link may do is decided by {@link WelcomeLink}, from the account and its row, never by the token alone.
 */
public class WelcomeLinkToken extends DefaultActionToken {

    /** Also the id of the handler: Keycloak finds a token's handler by its type. */
    public static final String TOKEN_TYPE = "merchant-welcome";

    /** Links made before generations existed have none: they count as replaced. */
    @JsonProperty("gen")
    private Integer generation;

    WelcomeLinkToken(String userId, String email, int absoluteExpirationInSecs, String clientId,
                     String compoundAuthenticationSessionId, int generation) {
        super(userId, TOKEN_TYPE, absoluteExpirationInSecs, null, compoundAuthenticationSessionId);
        setEmail(email);
        this.issuedFor = clientId;
        this.generation = generation;
    }

    @SuppressWarnings("unused") // for JSON
    private WelcomeLinkToken() {
    }

    Integer generation() {
        return generation;
    }
}
