package com.merchantsupport.keycloak.welcome;

import jakarta.ws.rs.core.Response;
import org.keycloak.TokenVerifier;
import org.keycloak.authentication.actiontoken.AbstractActionTokenHandler;
import org.keycloak.authentication.actiontoken.ActionTokenContext;
import org.keycloak.events.Errors;
import org.keycloak.events.EventType;
import org.keycloak.services.messages.Messages;

/**
 * A welcome key brought to Keycloak's own {@code /login-actions/action-token} endpoint (no email links there: it
 * is what links of older versions redirected to) goes to the front door, which alone decides what a link does.
 * Nothing is changed here.
 */
public class WelcomeLinkTokenHandler extends AbstractActionTokenHandler<WelcomeLinkToken> {

    public WelcomeLinkTokenHandler() {
        super(WelcomeLinkToken.TOKEN_TYPE, WelcomeLinkToken.class, Messages.INVALID_CODE,
                EventType.VERIFY_EMAIL, Errors.INVALID_TOKEN);
    }

    @Override
    @SuppressWarnings("unchecked")
    public TokenVerifier.Predicate<? super WelcomeLinkToken>[] getVerifiers(ActionTokenContext<WelcomeLinkToken> tokenContext) {
        return new TokenVerifier.Predicate[0];
    }

    @Override
    public Response handleToken(WelcomeLinkToken token, ActionTokenContext<WelcomeLinkToken> tokenContext) {
        String key = tokenContext.getUriInfo().getQueryParameters().getFirst("key");
        return Response.seeOther(java.net.URI.create(WelcomeLink.of(tokenContext.getSession()).openUrl(key))).build();
    }
}
