package com.merchantsupport.keycloak.welcome;

import java.util.Map;

import com.merchantsupport.keycloak.journey.MerchantAccount;
import jakarta.ws.rs.core.Response;
import org.keycloak.TokenVerifier;
import org.keycloak.authentication.actiontoken.AbstractActionTokenHandler;
import org.keycloak.authentication.actiontoken.ActionTokenContext;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.utils.RedirectUtils;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.messages.Messages;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Opening the welcome link: the email is proven, and the merchant goes on to create a password.
 * Opening it spends nothing (mail scanners open links first); creating the password does, and the
 * account's own state (a password exists) is what refuses the link afterwards, across restarts.
 */
public class WelcomeLinkTokenHandler extends AbstractActionTokenHandler<WelcomeLinkToken> {

    public WelcomeLinkTokenHandler() {
        super(WelcomeLinkToken.TOKEN_TYPE, WelcomeLinkToken.class, Messages.INVALID_CODE,
                EventType.VERIFY_EMAIL, Errors.INVALID_TOKEN);
    }

    @Override
    @SuppressWarnings("unchecked")
    public TokenVerifier.Predicate<? super WelcomeLinkToken>[] getVerifiers(ActionTokenContext<WelcomeLinkToken> tokenContext) {
        return new TokenVerifier.Predicate[] {verifyEmail(tokenContext)};
    }

    @Override
    public AuthenticationSessionModel startFreshAuthenticationSession(WelcomeLinkToken token,
                                                                      ActionTokenContext<WelcomeLinkToken> tokenContext) {
        AuthenticationSessionModel authSession = tokenContext.createAuthenticationSessionForClient(token.getIssuedFor());
        if (!continueSignInRequest(tokenContext.getSession(), authSession, token.signInRequest())) {
            // No sign-in request to answer: end on Keycloak's "account updated" page.
            authSession.setAuthNote(AuthenticationManager.END_AFTER_REQUIRED_ACTIONS, "true");
        }
        return authSession;
    }

    /** Another browser: answer the help center's original request, so the merchant lands there signed in. */
    private static boolean continueSignInRequest(KeycloakSession session, AuthenticationSessionModel authSession,
                                                 Map<String, String> request) {
        ClientModel client = authSession.getClient();
        String redirectUri = RedirectUtils.verifyRedirectUri(session, request.get(OIDCLoginProtocol.REDIRECT_URI_PARAM), client);
        if (redirectUri == null) {
            return false;
        }
        request.forEach(authSession::setClientNote);
        authSession.setClientNote(OIDCLoginProtocol.REDIRECT_URI_PARAM, redirectUri);
        authSession.setRedirectUri(redirectUri);
        return true;
    }

    @Override
    public Response handleToken(WelcomeLinkToken token, ActionTokenContext<WelcomeLinkToken> tokenContext) {
        KeycloakSession session = tokenContext.getSession();
        RealmModel realm = tokenContext.getRealm();
        AuthenticationSessionModel authSession = tokenContext.getAuthenticationSession();
        UserModel user = authSession.getAuthenticatedUser();
        EventBuilder event = tokenContext.getEvent().event(EventType.VERIFY_EMAIL)
                .detail(Details.EMAIL, user.getEmail()).detail(WelcomeMail.STEP_DETAIL, "link-opened");

        if (MerchantAccount.hasPassword(user)) {
            event.user(user).error("link_already_used");
            return LinkPages.used(session, realm, token.getIssuedFor());
        }

        if (!user.isEmailVerified()) {
            user.setEmailVerified(true);
        }
        if (!MerchantAccount.isUnfinished(user)) {
            MerchantAccount.markAwaitingPassword(user);
        }
        authSession.addRequiredAction(MerchantAccount.CREATE_PASSWORD_ACTION);
        event.user(user).success();

        String nextAction = AuthenticationManager.nextRequiredAction(session, authSession, tokenContext.getRequest(), event);
        tokenContext.setEvent(event.clone().removeDetail(Details.EMAIL).removeDetail(WelcomeMail.STEP_DETAIL).event(EventType.LOGIN));
        return AuthenticationManager.redirectToRequiredActions(session, realm, authSession, tokenContext.getUriInfo(), nextAction);
    }
}
