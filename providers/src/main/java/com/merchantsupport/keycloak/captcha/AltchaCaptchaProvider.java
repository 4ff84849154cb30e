package com.merchantsupport.keycloak.captcha;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.keycloak.common.util.Time;
import com.merchantsupport.keycloak.limits.JourneyLimits;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * ALTCHA, the default: a proof of work solved in the merchant's browser, checked here, no third party.
 * The page carries its first challenge ({@link AltchaPageChallenge}); the widget fetches the next ones, after that one
 * expired or failed, from {@link AltchaChallengeResource} ({@code GET /realms/{realm}/altcha/challenge}). Both come
 * from {@link #issue}.
 */
public final class AltchaCaptchaProvider implements CaptchaProvider {

    public static final String ID = "altcha";
    /** The widget's hidden field (its {@code name} attribute, default {@code altcha}). */
    public static final String RESPONSE_FIELD = "altcha";
    static final String REPLAY_KEY_PREFIX = "merchant-altcha:";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String responseField() {
        return RESPONSE_FIELD;
    }

    @Override
    public boolean isConfigured(KeycloakSession session, CaptchaSettings settings) {
        return AltchaKeys.signingKey(session, session.getContext().getRealm()).isPresent();
    }

    @Override
    public Map<String, Object> pageAttributes(KeycloakSession session, CaptchaSettings settings, Locale locale) {
        RealmModel realm = session.getContext().getRealm();
        String url = session.getContext().getUri().getBaseUriBuilder()
                .path("realms").path(realm.getName()).path(AltchaChallengeResource.Factory.ID).path("challenge")
                .build().toString();
        return Map.of("altchaChallengeUrl", url,
                "altchaChallenge", new AltchaPageChallenge(() -> issue(session, settings)));
    }

    @Override
    public CaptchaResult verify(KeycloakSession session, String response, String remoteIp, CaptchaSettings settings) {
        RealmModel realm = session.getContext().getRealm();
        List<String> keys = AltchaKeys.verificationKeys(session, realm);
        if (keys.isEmpty()) {
            return CaptchaResult.failed(CaptchaFailure.NOT_CONFIGURED, "no enabled HS512 key in the realm");
        }
        return AltchaChallenges.verify(response, realm.getName(), keys, Time.currentTime(),
                (signature, lifespan) -> session.singleUseObjects()
                        .putIfAbsent(REPLAY_KEY_PREFIX + realm.getId() + ":" + signature, lifespan));
    }

    /**
     * A new challenge for the realm in context, or empty when the realm has no HS512 key to sign it: the one issuer,
     * of the endpoint's answers and of the page's challenge. Harder while the request's network address is busy signing
     * up or resetting passwords ({@link JourneyLimits#captchaMaxNumber}: reads only, the configured difficulty while
     * the database is down). Stores nothing.
     */
    static Optional<Map<String, Object>> issue(KeycloakSession session, CaptchaSettings settings) {
        RealmModel realm = session.getContext().getRealm();
        long maxNumber = JourneyLimits.of(session).captchaMaxNumber(settings.altchaMaxNumber(), CaptchaSettings.MAX_ALTCHA_MAX_NUMBER);
        return AltchaKeys.signingKey(session, realm).map(key -> AltchaChallenges.create(key, realm.getName(),
                maxNumber, Time.currentTime() + settings.altchaExpirySeconds()));
    }
}
