package com.merchantsupport.keycloak.captcha;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import freemarker.template.TemplateScalarModel;
import org.jboss.logging.Logger;
import org.keycloak.util.JsonSerialization;

/**
 * The ALTCHA challenge a page carries ({@code altchaChallenge} in {@code captcha.ftl}), so that the widget starts
 * without a request to the challenge endpoint: the endpoint's JSON, from the endpoint's own code
 * ({@link AltchaCaptchaProvider#issue}). Issued when the template first reads it, not when a step puts the captcha's
 * attributes on a page it may not show ("Forgot my password" does so before Keycloak decides: a clicked reset link,
 * a "Submit" that goes on to the email); the same challenge on every read of one page. Like the endpoint's, it is
 * signed and stored nowhere. The template escapes it like any text (HTML output format).
 *
 * <p>Empty when none could be issued (an unexpected failure; the database being down is not one, the difficulty then
 * falls back to the configured one): the page still renders, and the widget fetches its challenge.
 */
final class AltchaPageChallenge implements TemplateScalarModel {

    private static final Logger LOG = Logger.getLogger(AltchaPageChallenge.class);

    private final Supplier<Optional<Map<String, Object>>> issuer;
    private String json;

    AltchaPageChallenge(Supplier<Optional<Map<String, Object>>> issuer) {
        this.issuer = issuer;
    }

    @Override
    public String getAsString() {
        if (json == null) {
            json = issue();
        }
        return json;
    }

    private String issue() {
        try {
            Optional<Map<String, Object>> challenge = issuer.get();
            return challenge.isEmpty() ? "" : JsonSerialization.writeValueAsString(challenge.get());
        } catch (IOException | RuntimeException e) {
            LOG.warnf(e, "No ALTCHA challenge on the page: the widget fetches one from the endpoint");
            return "";
        }
    }
}
