package com.merchantsupport.keycloak.captcha;

import java.util.Locale;
import java.util.Map;

import org.keycloak.models.KeycloakSession;

/**
 * One captcha vendor behind the {@code merchant-captcha} form action.
 *
 * <p>To add a vendor: write one class implementing this interface (remote vendors extend
 * {@link SiteverifyCaptchaProvider}) and add its name to
 * {@code META-INF/services/com.merchantsupport.keycloak.captcha.CaptchaProvider}. The admin console's provider
 * list, the form action and the page pick it up from there; nothing else changes. Implementations are stateless
 * singletons shared by all requests.
 */
public interface CaptchaProvider {

    /** The value of the {@code captcha.provider} setting that selects this vendor, e.g. {@code turnstile}. */
    String id();

    /** The form field the vendor's widget fills with its answer, e.g. {@code cf-turnstile-response}. */
    String responseField();

    /**
     * Whether the settings (and the realm) hold everything the vendor needs. When false, the page shows
     * "not configured, contact support" instead of the widget, and every answer is refused as
     * {@link CaptchaFailure#NOT_CONFIGURED}.
     */
    boolean isConfigured(KeycloakSession session, CaptchaSettings settings);

    /**
     * What the template ({@code captcha.ftl}) needs besides {@code captchaProvider}: only called when
     * {@link #isConfigured} is true. Values must be strings, numbers or booleans, or a FreeMarker model the template
     * reads as one (ALTCHA's challenge, issued only when the page is rendered: {@link AltchaPageChallenge}).
     */
    Map<String, Object> pageAttributes(KeycloakSession session, CaptchaSettings settings, Locale locale);

    /**
     * Checks one answer. Never throws: outages and timeouts come back as {@link CaptchaFailure#UNAVAILABLE}
     * or {@link CaptchaFailure#TIMEOUT}.
     *
     * @param response the value of {@link #responseField()} as posted, possibly null
     * @param remoteIp the merchant's address as Keycloak sees it
     */
    CaptchaResult verify(KeycloakSession session, String response, String remoteIp, CaptchaSettings settings);
}
