package com.merchantsupport.keycloak.welcome;

import java.util.Locale;

import com.merchantsupport.keycloak.journey.MerchantAccount;
import com.merchantsupport.keycloak.limits.JourneyLimits;
import com.merchantsupport.keycloak.limits.TryLaterPage;
import jakarta.ws.rs.core.Response;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.Urls;
import org.keycloak.services.util.ResolveRelative;

/**
 * The page a merchant sees when a welcome link cannot be used as it is: it says what happened and what
 * to do next, never Keycloak's generic error page.
 */
final class LinkPages {

    static final String TEMPLATE = "merchant-link-problem.ftl";

    /** What the page says; the link's states first, then the answers of "send me a new link". */
    enum Problem {
        DAMAGED(Response.Status.BAD_REQUEST), UNAVAILABLE(Response.Status.GONE), USED(Response.Status.GONE),
        USED_PASSKEY(Response.Status.GONE), COMPLETE(Response.Status.GONE), REPLACED(Response.Status.GONE),
        EXPIRED(Response.Status.GONE),
        RESENT(Response.Status.OK), RESEND_LIMITED(Response.Status.TOO_MANY_REQUESTS);

        final Response.Status status;

        Problem(Response.Status status) {
            this.status = status;
        }

        static Problem of(WelcomeLink.State state) {
            return switch (state) {
                case DAMAGED -> DAMAGED;
                case UNAVAILABLE -> UNAVAILABLE;
                case USED -> USED;
                case ACCOUNT_COMPLETE -> COMPLETE;
                case REPLACED -> REPLACED;
                case EXPIRED -> EXPIRED;
                case FRESH -> throw new IllegalArgumentException("a fresh link has no problem page");
            };
        }
    }

    private LinkPages() {
    }

    /** The page for a link that cannot create a password in its state; it offers a new link when one helps. */
    static Response of(KeycloakSession session, WelcomeLink.Check check) {
        Problem problem = Problem.of(check.state());
        if (problem == Problem.USED && !MerchantAccount.hasPassword(check.user())) {
            // A used link made a password or a passkey: with no password, the merchant signs in with the passkey.
            problem = Problem.USED_PASSKEY;
        }
        return of(session, check, problem);
    }

    /**
     * A link another request spent a moment ago, while this one was posting: what that request made may not be
     * visible to this one yet (it read the account before), so the page does not tell a password from a passkey.
     */
    static Response raced(KeycloakSession session, WelcomeLink.Check check) {
        return of(session, check, Problem.of(check.state()));
    }

    private static Response of(KeycloakSession session, WelcomeLink.Check check, Problem problem) {
        String clientId = check.token() == null ? null : check.token().getIssuedFor();
        return render(session, clientId, problem, check.state().offersNewLink() ? check.key() : null);
    }

    /**
     * "Send me a new link" refused by a send limit: HTTP 429 with {@code Retry-After}, and the page says how long to
     * wait, never which limit refused nor a frequency the realm may not have (its settings decide).
     */
    static Response limited(KeycloakSession session, String clientId, String resendKey, long retryAfterSeconds) {
        LoginFormsProvider form = session.getProvider(LoginFormsProvider.class)
                .setAttribute("retryAfterMinutes", JourneyLimits.minutesToWait(retryAfterSeconds));
        return TryLaterPage.withRetryAfter(render(session, form, clientId, Problem.RESEND_LIMITED, resendKey), retryAfterSeconds);
    }

    static Response render(KeycloakSession session, String clientId, Problem problem, String resendKey) {
        return render(session, session.getProvider(LoginFormsProvider.class), clientId, problem, resendKey);
    }

    private static Response render(KeycloakSession session, LoginFormsProvider form, String clientId, Problem problem, String resendKey) {
        RealmModel realm = session.getContext().getRealm();
        form.setAttribute("linkProblem", problem.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .setAttribute("signInUrl", signInUrl(session, realm, clientId))
                .setAttribute("journeyStep", problem == Problem.USED || problem == Problem.USED_PASSKEY || problem == Problem.COMPLETE ? "welcome" : "mailbox");
        if (resendKey != null) {
            form.setAttribute("resendUrl", WelcomeLink.of(session).resendUrl());
            form.setAttribute("resendKey", resendKey);
        }
        Response page = form.createForm(TEMPLATE);
        return Response.fromResponse(page).status(problem.status).build();
    }

    /** Where "Sign in" goes: the help center the link was made for, else the realm's account page. */
    static String signInUrl(KeycloakSession session, RealmModel realm, String clientId) {
        String home = homeUrl(session, realm, clientId);
        return home != null ? home : Urls.accountBase(session.getContext().getUri().getBaseUri()).build(realm.getName()).toString();
    }

    /** The client's Home URL (its base URL resolved against its root URL), or null. */
    static String homeUrl(KeycloakSession session, RealmModel realm, String clientId) {
        ClientModel client = clientId == null ? null : realm.getClientByClientId(clientId);
        if (client != null && client.getBaseUrl() != null && !client.getBaseUrl().isBlank()) {
            return ResolveRelative.resolveRelativeUri(session, client.getRootUrl(), client.getBaseUrl());
        }
        return null;
    }
}
