package com.merchantsupport.keycloak.broker;

import com.merchantsupport.keycloak.funnel.JourneyFunnel;
import java.io.IOException;
import java.net.URI;

import com.merchantsupport.keycloak.journey.MerchantErrors;
import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.events.Details;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.util.JsonSerialization;

/**
 * No sign-in: the merchant goes back to the sign-in page, which says why and offers the other ways in
 * (Keycloak's "fork": a fresh sign-in, nothing of this login kept), either with no account or with one that waits
 * for its welcome link. In a required position a step forks at
 * once. As an alternative it cannot: Keycloak would take a fork there as "this alternative did not work" and
 * go on to the next one, which creates the account. So the browser is first sent to the step's own action URL
 * (a redirect, no page), and {@link #resume} forks from there.
 */
final class Refusal {

    /** Authentication-session note: the message the sign-in page shows once the step's action forks. */
    static final String NOTE = "merchant.broker.refusal";
    /** Before the message in {@link #NOTE}: shown as good news, not as an error. */
    private static final String NEWS = "news:";

    private Refusal() {
    }

    static void refuse(AuthenticationFlowContext context, String error, FormMessage message) {
        context.getEvent().detail(BrokerEvents.LINK_DETAIL, BrokerEvents.REFUSED);
        java.util.Map<String, String> details = context.getEvent().getEvent().getDetails();
        JourneyFunnel.of(context.getSession()).count(JourneyFunnel.Step.PROVIDER_REFUSED, error,
                details == null ? null : details.get(org.keycloak.events.Details.IDENTITY_PROVIDER));
        turnBack(context, error, message, false);
    }

    /**
     * The same without the {@code refused} detail (the caller has put its own on the event); {@code news}: the
     * message is good news (an email is on its way) and the sign-in page shows it as such, not as an error.
     */
    static void turnBack(AuthenticationFlowContext context, String error, FormMessage message, boolean news) {
        context.getEvent().error(error);
        if (!context.getExecution().isAlternative()) {
            fork(context, message, news);
            return;
        }
        context.getAuthenticationSession().setAuthNote(NOTE, (news ? NEWS : "") + write(message));
        URI ownAction = context.getActionUrl(context.generateAccessCode());
        context.challenge(Response.status(Response.Status.FOUND).location(ownAction).build());
    }

    private static void fork(AuthenticationFlowContext context, FormMessage message, boolean news) {
        if (news) {
            context.forkWithSuccessMessage(message);
        } else {
            context.forkWithErrorMessage(message);
        }
    }

    /** A Workspace domain (or a personal account) the admin's allow-list does not admit. */
    static void hostedDomain(AuthenticationFlowContext context, BrokeredIdentityContext broker, ProviderClaims claims,
                             BrokerSettings settings) {
        String provider = providerName(context, broker);
        String domain = claims.hostedDomain();
        context.getEvent()
                .detail(BrokerEvents.HOSTED_DOMAIN_DETAIL, domain == null ? "none" : domain)
                .detail(Details.REASON, "allowed: " + settings.hostedDomains());
        refuse(context, MerchantErrors.HOSTED_DOMAIN_NOT_ALLOWED, domain == null
                ? new FormMessage(null, BrokerMessages.PERSONAL_ACCOUNT_NOT_ALLOWED, provider)
                : new FormMessage(null, BrokerMessages.DOMAIN_NOT_ALLOWED, provider, domain));
    }

    /** The second half of {@link #refuse} as an alternative: true when it forked to the sign-in page. */
    static boolean resume(AuthenticationFlowContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String refusal = authSession.getAuthNote(NOTE);
        if (refusal == null) {
            return false;
        }
        authSession.removeAuthNote(NOTE);
        boolean news = refusal.startsWith(NEWS);
        fork(context, read(news ? refusal.substring(NEWS.length()) : refusal), news);
        return true;
    }

    /** The provider's name as the sign-in page's button shows it. */
    static String providerName(AuthenticationFlowContext context, BrokeredIdentityContext broker) {
        return KeycloakModelUtils.getIdentityProviderDisplayName(context.getSession(), broker.getIdpConfig());
    }

    private static String write(FormMessage message) {
        try {
            return JsonSerialization.writeValueAsString(message);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static FormMessage read(String json) {
        try {
            return JsonSerialization.readValue(json, FormMessage.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
