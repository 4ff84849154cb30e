package com.merchantsupport.keycloak.welcome;

import com.merchantsupport.keycloak.funnel.JourneyFunnel;
import java.util.Locale;

import com.merchantsupport.keycloak.journey.MerchantErrors;
import com.merchantsupport.keycloak.limits.JourneyLimits;
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
        WelcomeLink.Check check = WelcomeLink.of(session).check(key);
        if (check.state() != WelcomeLink.State.FRESH) {
            refused(check, "link-opened");
            return notStored(LinkPages.of(session, check));
        }
        JourneyFunnel.of(session).count(JourneyFunnel.Step.LINK_OPENED);
        return notStored(CreatePasswordRequiredAction.open(session, check));
    }

    /**
     * What a link answers depends on the account's state at that moment (a 410 is cacheable by default): a browser
     * must ask again each time, or a merchant would see yesterday's "expired" after a new link replaced it.
     */
    private static Response notStored(Response page) {
        return Response.fromResponse(page).cacheControl(CacheControlUtil.noCache()).build();
    }

    @POST
    @Path("resend")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response resend(@FormParam("key") String key) {
        WelcomeLink links = WelcomeLink.of(session);
        WelcomeLink.Check check = links.check(key);
        switch (check.state()) {
            case DAMAGED, UNAVAILABLE, USED, ACCOUNT_COMPLETE -> {
                refused(check, "welcome-email-resent");
                return notStored(LinkPages.of(session, check));
            }
            default -> {
                // Fresh, replaced or expired: the account still waits for its password; the new link goes to its mailbox.
            }
        }
        RealmModel realm = session.getContext().getRealm();
        String clientId = check.token().getIssuedFor();
        JourneyLimits.Verdict permit = JourneyLimits.of(session).journeyEmail(check.user().getEmail());
        if (!permit.allowed()) {
            event("welcome-email-resent").user(check.user()).detail(Details.REASON, permit.refusedBy().id()).error(MerchantErrors.TOO_MANY_EMAILS);
            return notStored(LinkPages.limited(session, clientId, key, permit.retryAfterSeconds()));
        }
        // Queued in this transaction, sent once it commits (the outbox retries a failed try: nothing is given back).
        links.sendInstead(check, "welcome-email-resent");
        return notStored(LinkPages.render(session, clientId, LinkPages.Problem.RESENT, null));
    }

    private void refused(WelcomeLink.Check check, String step) {
        EventBuilder event = event(step).detail(Details.REASON, check.state().name().toLowerCase(Locale.ROOT));
        JourneyFunnel.of(session).count(JourneyFunnel.Step.LINK_REFUSED, check.state().name());
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
