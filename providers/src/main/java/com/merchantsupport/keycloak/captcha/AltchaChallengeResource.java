package com.merchantsupport.keycloak.captcha;

import java.util.Map;

import com.merchantsupport.keycloak.journey.StatelessProviderFactory;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/**
 * {@code GET /realms/{realm}/altcha/challenge}: a fresh ALTCHA v1 challenge for the registration page's widget.
 * Stateless: nothing is stored until a solution is accepted. Difficulty and expiry come from the realm's
 * registration flow ({@link RegistrationCaptchaConfig}).
 */
public class AltchaChallengeResource implements RealmResourceProvider {

    private final KeycloakSession session;

    public AltchaChallengeResource(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public Object getResource() {
        return this;
    }

    @GET
    @Path("challenge")
    @Produces(MediaType.APPLICATION_JSON)
    public Response challenge() {
        CaptchaSettings settings = RegistrationCaptchaConfig.settings(session.getContext().getRealm());
        return AltchaCaptchaProvider.issue(session, settings)
                .map(challenge -> Response.ok(challenge, MediaType.APPLICATION_JSON_TYPE))
                .orElseGet(() -> Response.status(Response.Status.SERVICE_UNAVAILABLE)
                        .entity(Map.of("error", "captcha_not_configured"))
                        .type(MediaType.APPLICATION_JSON_TYPE))
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .build();
    }

    @Override
    public void close() {
    }

    /** Registers the resource under the path segment {@code altcha}. */
    public static class Factory implements RealmResourceProviderFactory, StatelessProviderFactory<RealmResourceProvider> {

        public static final String ID = "altcha";

        @Override
        public RealmResourceProvider create(KeycloakSession session) {
            return new AltchaChallengeResource(session);
        }

        @Override
        public String getId() {
            return ID;
        }
    }
}
