package com.merchantsupport.keycloak.limits;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.keycloak.forms.login.LoginFormsProvider;

/**
 * The answer to a request a limit refused: HTTP 429 with {@code Retry-After}, and a page in the merchant's
 * language that says how long to wait. The same page whatever the typed address's account state, whatever
 * limit refused (the page never says which: that would tell an attacker what to vary).
 */
public final class TryLaterPage {

    public static final String TEMPLATE = "merchant-try-later.ftl";

    private TryLaterPage() {
    }

    /** {@code journeyStep}: where the steps bar shows the merchant ("connect" for sign-up, "reset" for a password reset). */
    public static Response render(LoginFormsProvider form, JourneyLimits.Verdict verdict, String journeyStep) {
        Response page = form
                .setAttribute("journeyStep", journeyStep)
                .setAttribute("retryAfterMinutes", verdict.retryAfterMinutes())
                .setStatus(Response.Status.TOO_MANY_REQUESTS)
                .createForm(TEMPLATE);
        return withRetryAfter(page, verdict.retryAfterSeconds());
    }

    /** Any page a limit refused (this one, the mailbox page, a link's page): its {@code Retry-After}, at least a second. */
    public static Response withRetryAfter(Response page, long retryAfterSeconds) {
        return Response.fromResponse(page).header(HttpHeaders.RETRY_AFTER, Math.max(1, retryAfterSeconds)).build();
    }
}
