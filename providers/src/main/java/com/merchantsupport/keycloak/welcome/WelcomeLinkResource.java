package com.merchantsupport.keycloak.welcome;

import java.net.URI;

import com.merchantsupport.keycloak.journey.MerchantAccount;
import com.merchantsupport.keycloak.journey.SendLimit;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.Urls;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.sessions.AuthenticationSessionCompoundId;

/**
 * The welcome link's front door, {@code /realms/{realm}/merchant-welcome}. A good link goes on to
 * Keycloak's action-token endpoint; an expired, used or damaged one gets a page that says so and,
 * while the account still has no password, offers a new link.
 */
public class WelcomeLinkResource implements RealmResourceProvider {

    static final String PATH = "merchant-welcome";
    /** Longer than any real link (a JWT of a few hundred bytes): refuse before parsing. */
    private static final int MAX_KEY_LENGTH = 8192;

    private final KeycloakSession session;

    public WelcomeLinkResource(KeycloakSession session) {
        this.session = session;
    }

    static String openLink(URI baseUri, RealmModel realm, String token) {
        return Urls.realmBase(baseUri).path(realm.getName()).path(PATH).path("open")
                .queryParam("key", token).build().toString();
    }

    static String resendUrl(URI baseUri, RealmModel realm) {
        return Urls.realmBase(baseUri).path(realm.getName()).path(PATH).path("resend").build().toString();
    }

    @Override
    public Object getResource() {
        return this;
    }

    @GET
    @Path("open")
    @Produces(MediaType.TEXT_HTML)
    public Response open(@QueryParam("key") String key) {
        RealmModel realm = session.getContext().getRealm();
        WelcomeLinkToken token = decode(key);
        UserModel user = token == null ? null : accountOf(token);
        if (user == null) {
            event().detail(Details.REASON, "damaged").error("invalid_welcome_link");
            return LinkPages.damaged(session, realm);
        }
        if (MerchantAccount.hasPassword(user)) {
            event().user(user).detail(Details.REASON, "used").error("link_already_used");
            return LinkPages.used(session, realm, token.getIssuedFor());
        }
        if (token.getExp() != null && token.getExp() < Time.currentTime()) {
            event().user(user).detail(Details.REASON, "expired").error("expired_code");
            return LinkPages.render(session, realm, token.getIssuedFor(), LinkPages.Problem.EXPIRED, key,
                    Response.Status.GONE);
        }
        return Response.seeOther(actionTokenUri(realm, token, key)).build();
    }

    @POST
    @Path("resend")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response resend(@FormParam("key") String key) {
        RealmModel realm = session.getContext().getRealm();
        WelcomeLinkToken token = decode(key);
        UserModel user = token == null ? null : accountOf(token);
        if (user == null) {
            return LinkPages.damaged(session, realm);
        }
        if (MerchantAccount.hasPassword(user)) {
            return LinkPages.used(session, realm, token.getIssuedFor());
        }
        WelcomeSettings settings = WelcomeSettings.of(realm);
        SendLimit.Permit permit = settings.resendLimit().tryAcquire(session, realm.getId(), user.getId());
        if (permit == null) {
            event().user(user).detail(Details.REASON, "resend_limit").error("too_many_emails");
            return LinkPages.render(session, realm, token.getIssuedFor(), LinkPages.Problem.RESEND_LIMITED, key,
                    Response.Status.TOO_MANY_REQUESTS);
        }
        WelcomeMail.Outcome outcome = WelcomeMail.resend(session, realm, user, token, event(), "welcome-email-resent");
        if (outcome == WelcomeMail.Outcome.SENT) {
            return LinkPages.render(session, realm, token.getIssuedFor(), LinkPages.Problem.RESENT, null, Response.Status.OK);
        }
        permit.giveBack();
        return LinkPages.render(session, realm, token.getIssuedFor(), LinkPages.Problem.SEND_FAILED, key,
                Response.Status.SERVICE_UNAVAILABLE);
    }

    /** A link signed by this realm for the welcome step, whatever its age; null for anything else. */
    private WelcomeLinkToken decode(String key) {
        if (key == null || key.isBlank() || key.length() > MAX_KEY_LENGTH) {
            return null;
        }
        WelcomeLinkToken token = session.tokens().decode(key, WelcomeLinkToken.class);
        if (token == null || !WelcomeLinkToken.TOKEN_TYPE.equals(token.getActionId()) || token.getUserId() == null) {
            return null;
        }
        String issuer = Urls.realmIssuer(session.getContext().getUri().getBaseUri(), session.getContext().getRealm().getName());
        return issuer.equals(token.getIssuer()) ? token : null;
    }

    private UserModel accountOf(WelcomeLinkToken token) {
        UserModel user = session.users().getUserById(session.getContext().getRealm(), token.getUserId());
        if (user == null || !user.isEnabled() || user.getEmail() == null || !user.getEmail().equalsIgnoreCase(token.getEmail())) {
            return null;
        }
        return user;
    }

    private URI actionTokenUri(RealmModel realm, WelcomeLinkToken token, String key) {
        String tabId = null;
        if (token.getCompoundAuthenticationSessionId() != null) {
            try {
                tabId = AuthenticationSessionCompoundId.encoded(token.getCompoundAuthenticationSessionId()).getTabId();
            } catch (RuntimeException ignored) {
                // An odd session id only means the link cannot continue the registering browser's session.
            }
        }
        UriBuilder builder = Urls.actionTokenBuilder(session.getContext().getUri().getBaseUri(), key,
                token.getIssuedFor(), tabId, null);
        return builder.build(realm.getName());
    }

    private EventBuilder event() {
        return new EventBuilder(session.getContext().getRealm(), session, session.getContext().getConnection())
                .event(EventType.VERIFY_EMAIL).detail(WelcomeMail.STEP_DETAIL, "link-opened");
    }

    @Override
    public void close() {
    }
}
