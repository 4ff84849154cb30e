package com.merchantsupport.keycloak.welcome;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionCompoundId;
import org.keycloak.sessions.AuthenticationSessionModel;

/** Sends "Welcome to Merchant Support" from Support Bot, with the link to create a password. */
public final class WelcomeMail {

    private static final Logger LOG = Logger.getLogger(WelcomeMail.class);

    public static final String TEMPLATE = "merchant-welcome.ftl";
    public static final String SUBJECT_KEY = "merchantWelcomeSubject";
    /** The event detail that tells admins which step of the journey an event belongs to. */
    public static final String STEP_DETAIL = "merchant_step";

    private WelcomeMail() {
    }

    public enum Outcome { SENT, FAILED }

    /**
     * From the sign-up's own session: the link continues it in the same browser, and carries its
     * sign-in request for any other browser.
     */
    public static Outcome send(KeycloakSession session, RealmModel realm, UserModel user,
                               AuthenticationSessionModel authSession, EventBuilder event, String step) {
        WelcomeLinkToken token = newToken(realm, user, authSession.getClient().getClientId(),
                AuthenticationSessionCompoundId.fromAuthSession(authSession).getEncodedId());
        token.rememberSignInRequest(authSession);
        return send(session, realm, user, token, event, step);
    }

    /** A new link in place of an older one (expired, say), keeping the older one's sign-in request. */
    static Outcome resend(KeycloakSession session, RealmModel realm, UserModel user, WelcomeLinkToken previous,
                          EventBuilder event, String step) {
        WelcomeLinkToken token = newToken(realm, user, previous.getIssuedFor(), previous.getCompoundAuthenticationSessionId());
        previous.signInRequest().forEach(token::rememberSignInRequestNote);
        return send(session, realm, user, token, event, step);
    }

    private static WelcomeLinkToken newToken(RealmModel realm, UserModel user, String clientId, String compoundId) {
        int expiresAt = Time.currentTime() + WelcomeSettings.of(realm).linkLifespanSeconds();
        return new WelcomeLinkToken(user.getId(), user.getEmail(), expiresAt, clientId, compoundId);
    }

    private static Outcome send(KeycloakSession session, RealmModel realm, UserModel user, WelcomeLinkToken token,
                                EventBuilder event, String step) {
        WelcomeSettings settings = WelcomeSettings.of(realm);

        URI baseUri = session.getContext().getUri().getBaseUri();
        String link = WelcomeLinkResource.openLink(baseUri, realm, token.serialize(session, realm, session.getContext().getUri()));

        Map<String, Object> attributes = new HashMap<>();
        attributes.put("link", link);
        attributes.put("merchantName", displayName(user));
        attributes.put("linkExpirationHours", Math.max(1, settings.linkLifespanSeconds() / 3600));
        attributes.put("linkExpirationMinutes", settings.linkLifespanSeconds() / 60);

        EventBuilder sent = event.clone().event(EventType.SEND_VERIFY_EMAIL).user(user)
                .detail(Details.EMAIL, user.getEmail()).detail(STEP_DETAIL, step);
        try {
            session.getProvider(EmailTemplateProvider.class)
                    .setRealm(realm)
                    .setUser(user)
                    .send(SUBJECT_KEY, List.of(), TEMPLATE, attributes);
            sent.success();
            return Outcome.SENT;
        } catch (EmailException e) {
            // No secret in the message: the SMTP exception names the host, never the password.
            LOG.warnf("Welcome email to user %s could not be sent: %s", user.getId(), e.getMessage());
            sent.detail(Details.REASON, "smtp").error("email_send_failed");
            return Outcome.FAILED;
        }
    }

    static String displayName(UserModel user) {
        String name = user.getFirstAttribute("name");
        if (name == null || name.isBlank()) {
            name = user.getFirstName();
        }
        return name == null || name.isBlank() ? user.getEmail() : name;
    }
}
