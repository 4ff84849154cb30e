package com.merchantsupport.keycloak.welcome;

import java.util.Locale;

import com.merchantsupport.keycloak.journey.MerchantErrors;
import com.merchantsupport.keycloak.journey.SendLimit;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.util.CacheControlUtil;
import org.keycloak.theme.Theme;

/**
 * The welcome link's front door, {@code /realms/{realm}/merchant-welcome}. {@code GET open} changes nothing on
 * the account (mail scanners and URL previews open links first): a fresh link answers with "Create your
 * password" itself, whose form posts to Keycloak's own required-action endpoint; any other link gets a page that
 * says why and, when it helps, offers a new link ({@code POST resend}).
 */
public class WelcomeLinkResource implements RealmResourceProvider {

    private final KeycloakSession session;

    public WelcomeLinkResource(KeycloakSession session) {
        this.session = session;
    }

    /** Served only in realms whose login theme has the journey's pages (the pack's theme or a child of it). */
    @Override
    public Object getResource() {
        try {
            if (session.theme().getTheme(Theme.Type.LOGIN).getTemplate(LinkPages.TEMPLATE) == null) {
                throw new NotFoundException();
            }
        } catch (java.io.IOException unreadableTheme) {
            throw new NotFoundException();
        }
        return this;
    }

    @GET
    @Path("open")
    @Produces(MediaType.TEXT_HTML)
    public Response open(@QueryParam("key") String key) {
        // The page says what the link can do now: never from the browser's cache (Chromium kept a 410 page and showed
        // "expired" again for a link replaced since), as Keycloak's own sign-in pages.
        CacheControlUtil.noBackButtonCacheControlHeader(session);
        WelcomeLink.Check check = WelcomeLink.of(session).check(key);
        if (check.state() != WelcomeLink.State.FRESH) {
            refused(check, "link-opened");
            return LinkPages.of(session, check);
        }
        return CreatePasswordRequiredAction.open(session, check);
    }

    @POST
    @Path("resend")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response resend(@FormParam("key") String key) {
        CacheControlUtil.noBackButtonCacheControlHeader(session);
        WelcomeLink links = WelcomeLink.of(session);
        WelcomeLink.Check check = links.check(key);
        switch (check.state()) {
            case DAMAGED, UNAVAILABLE, USED, ACCOUNT_COMPLETE -> {
                refused(check, "welcome-email-resent");
                return LinkPages.of(session, check);
            }
            default -> {
                // Fresh, replaced or expired: the account still waits for its password; the new link goes to its mailbox.
            }
        }
        RealmModel realm = session.getContext().getRealm();
        String clientId = check.token().getIssuedFor();
        SendLimit.Permit permit = WelcomeSettings.of(realm).resendLimit().tryAcquire(session, realm.getId(), check.user().getId());
        if (permit == null) {
            event("welcome-email-resent").user(check.user()).detail(Details.REASON, MerchantErrors.REASON_RESEND_LIMIT).error(MerchantErrors.TOO_MANY_EMAILS);
            return LinkPages.render(session, clientId, LinkPages.Problem.RESEND_LIMITED, key);
        }
        if (links.sendInstead(check, event("welcome-email-resent"), "welcome-email-resent") == WelcomeMail.Outcome.SENT) {
            return LinkPages.render(session, clientId, LinkPages.Problem.RESENT, null);
        }
        permit.giveBack();
        return LinkPages.render(session, clientId, LinkPages.Problem.SEND_FAILED, key);
    }

    private void refused(WelcomeLink.Check check, String step) {
        EventBuilder event = event(step).detail(Details.REASON, check.state().name().toLowerCase(Locale.ROOT));
        if (check.user() != null) {
            event.user(check.user());
        }
        event.error(check.state().eventError());
    }

    private EventBuilder event(String step) {
        return new EventBuilder(session.getContext().getRealm(), session, session.getContext().getConnection())
                .event(EventType.VERIFY_EMAIL).detail(WelcomeMail.STEP_DETAIL, step);
    }

    @Override
    public void close() {
    }
}
