package com.merchantsupport.keycloak.captcha;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.util.JsonSerialization;

/**
 * Base of the vendors that check a token with a "siteverify" call (reCAPTCHA, hCaptcha, Turnstile): one POST,
 * form-encoded {@code secret}, {@code response}, {@code remoteip}, answered with JSON
 * {@code {"success": bool, "error-codes": [...]}}, through Keycloak's outgoing HTTP client ({@link SiteverifyHttp}).
 * Timeouts and outages are results, never exceptions.
 */
public abstract class SiteverifyCaptchaProvider implements CaptchaProvider {

    /** Vendor tokens are a few kilobytes at most. */
    public static final int MAX_RESPONSE_CHARS = 16 * 1024;
    private static final int MAX_ANSWER_BYTES = 64 * 1024;
    private static final Logger LOG = Logger.getLogger(SiteverifyCaptchaProvider.class);

    /** Error codes shared by the vendors (their docs list the same names), mapped to what the merchant is told. */
    private static final Map<String, CaptchaFailure> COMMON_ERROR_CODES = Map.ofEntries(
            Map.entry("missing-input-secret", CaptchaFailure.SECRET_REJECTED),
            Map.entry("invalid-input-secret", CaptchaFailure.SECRET_REJECTED),
            Map.entry("missing-input-response", CaptchaFailure.MISSING),
            Map.entry("invalid-input-response", CaptchaFailure.INVALID_RESPONSE),
            Map.entry("timeout-or-duplicate", CaptchaFailure.EXPIRED),
            Map.entry("bad-request", CaptchaFailure.MALFORMED),
            Map.entry("internal-error", CaptchaFailure.UNAVAILABLE));

    /** The vendor's own siteverify URL, used when the setting is blank. */
    protected abstract String defaultVerifyUrl();

    /** The vendor's widget script (loaded by {@code merchant-captcha.js}, never inline). */
    protected abstract String scriptUrl(CaptchaSettings settings, Locale locale);

    /**
     * The CSS class the vendor's script looks for to render its widget ({@code g-recaptcha}, {@code h-captcha},
     * {@code cf-turnstile}); the element also carries {@code data-sitekey}, {@code data-callback},
     * {@code data-expired-callback} and {@code data-error-callback}, which the three vendors share.
     */
    protected abstract String widgetClass();

    /** Vendor-specific error codes; the common ones are already known. */
    protected Map<String, CaptchaFailure> vendorErrorCodes() {
        return Map.of();
    }

    /** Extra checks on a {@code success: true} answer (reCAPTCHA v3 score and action). */
    protected CaptchaResult checkSuccess(JsonNode answer, CaptchaSettings settings) {
        return CaptchaResult.ok();
    }

    /** Extra form fields for the siteverify call (hCaptcha's {@code sitekey}). */
    protected Map<String, String> extraVerifyFields(CaptchaSettings settings) {
        return Map.of();
    }

    /** Extra page attributes for the template. */
    protected Map<String, Object> extraPageAttributes(CaptchaSettings settings, Locale locale) {
        return Map.of();
    }

    @Override
    public boolean isConfigured(KeycloakSession session, CaptchaSettings settings) {
        return settings.hasVendorKeys();
    }

    @Override
    public Map<String, Object> pageAttributes(KeycloakSession session, CaptchaSettings settings, Locale locale) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("captchaSiteKey", settings.siteKey());
        attributes.put("captchaScriptUrl", scriptUrl(settings, locale));
        attributes.put("captchaWidgetClass", widgetClass());
        attributes.put("captchaLanguage", locale.toLanguageTag());
        attributes.putAll(extraPageAttributes(settings, locale));
        return attributes;
    }

    @Override
    public CaptchaResult verify(KeycloakSession session, String response, String remoteIp, CaptchaSettings settings) {
        return verify(SiteverifyHttp.of(session), response, remoteIp, settings);
    }

    /** {@link #verify(KeycloakSession, String, String, CaptchaSettings)} over a given HTTP client (tests). */
    CaptchaResult verify(SiteverifyHttp http, String response, String remoteIp, CaptchaSettings settings) {
        if (!settings.hasVendorKeys()) {
            return CaptchaResult.failed(CaptchaFailure.NOT_CONFIGURED, "site key or secret key not set");
        }
        if (response == null || response.isBlank()) {
            return CaptchaResult.failed(CaptchaFailure.MISSING);
        }
        if (response.length() > MAX_RESPONSE_CHARS) {
            return CaptchaResult.failed(CaptchaFailure.TOO_LARGE, response.length() + " characters");
        }
        String url = settings.verifyUrl().isBlank() ? defaultVerifyUrl() : settings.verifyUrl();
        if (!isHttpUrl(url)) {
            return CaptchaResult.failed(CaptchaFailure.NOT_CONFIGURED, "siteverify URL is not an http(s) URL");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("secret", settings.secretKey());
        fields.put("response", response);
        if (remoteIp != null && !remoteIp.isBlank()) {
            fields.put("remoteip", remoteIp);
        }
        fields.putAll(extraVerifyFields(settings));
        SiteverifyHttp.Answer answer;
        try {
            answer = http.postForm(url, fields, settings.connectTimeout(), settings.readTimeout(), MAX_ANSWER_BYTES);
        } catch (InterruptedIOException e) {
            LOG.warnf("%s siteverify at %s timed out: %s", id(), url, e.toString());
            return CaptchaResult.failed(CaptchaFailure.TIMEOUT, e.getClass().getSimpleName());
        } catch (IOException | RuntimeException e) {
            // RuntimeException: the client refuses what URI parsing let through (an unknown host syntax, say).
            LOG.warnf("%s siteverify at %s failed: %s", id(), url, e.toString());
            return CaptchaResult.failed(CaptchaFailure.UNAVAILABLE, e.getClass().getSimpleName());
        }
        if (answer.status() / 100 != 2) {
            LOG.warnf("%s siteverify at %s answered HTTP %d", id(), url, answer.status());
            return CaptchaResult.failed(CaptchaFailure.UNAVAILABLE, "HTTP " + answer.status());
        }
        return interpret(answer.body(), settings);
    }

    /** Reads a siteverify answer body; public for tests. */
    public CaptchaResult interpret(String body, CaptchaSettings settings) {
        if (body == null || body.isEmpty() || body.length() > MAX_ANSWER_BYTES) {
            return CaptchaResult.failed(CaptchaFailure.UNAVAILABLE, "empty or oversized answer");
        }
        JsonNode json;
        try {
            json = JsonSerialization.mapper.readTree(body);
        } catch (IOException e) {
            return CaptchaResult.failed(CaptchaFailure.UNAVAILABLE, "answer is not JSON");
        }
        if (json == null || !json.isObject() || !json.path("success").isBoolean()) {
            return CaptchaResult.failed(CaptchaFailure.UNAVAILABLE, "answer has no success flag");
        }
        if (json.get("success").asBoolean()) {
            return checkSuccess(json, settings);
        }
        List<String> codes = new ArrayList<>();
        json.path("error-codes").forEach(code -> codes.add(code.asText()));
        return CaptchaResult.failed(mapErrorCodes(codes), String.join(",", codes));
    }

    /** The first code that names a specific problem wins; unknown or absent codes give {@link CaptchaFailure#REFUSED}. */
    CaptchaFailure mapErrorCodes(List<String> codes) {
        for (String code : codes) {
            String normalized = code == null ? "" : code.trim().toLowerCase(Locale.ROOT);
            CaptchaFailure failure = vendorErrorCodes().getOrDefault(normalized, COMMON_ERROR_CODES.get(normalized));
            if (failure != null) {
                return failure;
            }
        }
        return CaptchaFailure.REFUSED;
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
