package com.merchantsupport.keycloak.welcome;

import java.net.URI;

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

    enum Problem { DAMAGED, USED, EXPIRED, RESENT, RESEND_LIMITED, SEND_FAILED }

    private LinkPages() {
    }

    static Response used(KeycloakSession session, RealmModel realm, String clientId) {
        return render(session, realm, clientId, Problem.USED, null, Response.Status.GONE);
    }

    static Response damaged(KeycloakSession session, RealmModel realm) {
        return render(session, realm, null, Problem.DAMAGED, null, Response.Status.BAD_REQUEST);
    }

    static Response render(KeycloakSession session, RealmModel realm, String clientId, Problem problem,
                           String resendKey, Response.Status status) {
        LoginFormsProvider form = session.getProvider(LoginFormsProvider.class)
                .setAttribute("linkProblem", problem.name().toLowerCase().replace('_', '-'))
                .setAttribute("signInUrl", signInUrl(session, realm, clientId))
                .setAttribute("journeyStep", problem == Problem.USED ? "welcome" : "mailbox");
        if (resendKey != null) {
            URI baseUri = session.getContext().getUri().getBaseUri();
            form.setAttribute("resendUrl", WelcomeLinkResource.resendUrl(baseUri, realm));
            form.setAttribute("resendKey", resendKey);
        }
        Response page = form.createForm(TEMPLATE);
        return Response.fromResponse(page).status(status).build();
    }

    /** Where "Sign in" goes: the help center the link was made for, else the realm's account page. */
    static String signInUrl(KeycloakSession session, RealmModel realm, String clientId) {
        ClientModel client = clientId == null ? null : realm.getClientByClientId(clientId);
        if (client != null && client.getBaseUrl() != null) {
            return ResolveRelative.resolveRelativeUri(session, client.getRootUrl(), client.getBaseUrl());
        }
        return Urls.accountBase(session.getContext().getUri().getBaseUri()).build(realm.getName()).toString();
    }
}
