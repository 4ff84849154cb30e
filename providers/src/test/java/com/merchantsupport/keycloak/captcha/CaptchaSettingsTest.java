package com.merchantsupport.keycloak.captcha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.merchantsupport.keycloak.journey.FlowSettings;
import org.junit.jupiter.api.Test;
import org.keycloak.provider.ProviderConfigProperty;

class CaptchaSettingsTest {

    @Test
    void defaultsWhenNothingIsConfigured() {
        CaptchaSettings s = CaptchaSettings.from((Map<String, String>) null);
        assertEquals("altcha", s.provider());
        assertEquals(Duration.ofMillis(5000), s.connectTimeout());
        assertEquals(Duration.ofMillis(5000), s.readTimeout());
        assertEquals(0.5, s.recaptchaMinScore());
        assertEquals("register", s.recaptchaAction());
        assertEquals("v2", s.recaptchaVersion());
        assertEquals(100_000, s.altchaMaxNumber());
        assertEquals(600, s.altchaExpirySeconds());
        assertFalse(s.hasVendorKeys());
        assertEquals(s, CaptchaSettings.defaults());
    }

    @Test
    void readsAndClampsValues() {
        CaptchaSettings s = CaptchaSettings.from(Map.of(
                CaptchaSettings.PROVIDER, " Turnstile ",
                CaptchaSettings.SITE_KEY, "site",
                CaptchaSettings.SECRET_KEY, "secret",
                CaptchaSettings.CONNECT_TIMEOUT_MS, "250",
                CaptchaSettings.READ_TIMEOUT_MS, "not a number",
                CaptchaSettings.RECAPTCHA_MIN_SCORE, "7",
                CaptchaSettings.RECAPTCHA_VERSION, "V3",
                CaptchaSettings.ALTCHA_MAX_NUMBER, "5",
                CaptchaSettings.ALTCHA_EXPIRY_SECONDS, "-3"));
        assertEquals("turnstile", s.provider());
        assertTrue(s.hasVendorKeys());
        assertEquals(Duration.ofMillis(250), s.connectTimeout());
        assertEquals(Duration.ofMillis(5000), s.readTimeout());
        assertEquals(1.0, s.recaptchaMinScore());
        assertTrue(s.recaptchaV3());
        assertEquals(1_000, s.altchaMaxNumber());
        assertEquals(1, s.altchaExpirySeconds());
    }

    @Test
    void readsThroughTheStepsSettingsReader() {
        Map<String, String> config = Map.of(CaptchaSettings.PROVIDER, "hcaptcha", CaptchaSettings.ALTCHA_MAX_NUMBER, "50000");
        assertEquals(CaptchaSettings.from(config), CaptchaSettings.from(FlowSettings.of(config)));
        assertEquals(CaptchaSettings.defaults(), CaptchaSettings.from((Map<String, String>) null));
    }

    @Test
    void toStringHidesTheSecret() {
        String text = CaptchaSettings.from(Map.of(CaptchaSettings.SECRET_KEY, "very-secret")).toString();
        assertFalse(text.contains("very-secret"), text);
    }

    @Test
    void vendorsAreFoundThroughTheServiceFileAltchaFirst() {
        assertEquals(List.of("altcha", "recaptcha", "hcaptcha", "turnstile"), CaptchaProviders.ids());
        assertEquals("altcha", CaptchaProviders.find("altcha").orElseThrow().responseField());
        assertEquals("g-recaptcha-response", CaptchaProviders.find("recaptcha").orElseThrow().responseField());
        assertEquals("h-captcha-response", CaptchaProviders.find("hcaptcha").orElseThrow().responseField());
        assertEquals("cf-turnstile-response", CaptchaProviders.find("turnstile").orElseThrow().responseField());
        assertTrue(CaptchaProviders.find("nope").isEmpty());
        assertTrue(CaptchaProviders.find(null).isEmpty());
    }

    @Test
    void adminConsoleListsEverySettingAndMarksTheSecret() {
        var properties = new MerchantCaptchaFormAction.Factory().getConfigProperties();
        assertEquals(List.of(CaptchaSettings.PROVIDER, CaptchaSettings.SITE_KEY, CaptchaSettings.SECRET_KEY,
                        CaptchaSettings.VERIFY_URL, CaptchaSettings.CONNECT_TIMEOUT_MS, CaptchaSettings.READ_TIMEOUT_MS,
                        CaptchaSettings.RECAPTCHA_VERSION, CaptchaSettings.RECAPTCHA_MIN_SCORE,
                        CaptchaSettings.RECAPTCHA_ACTION, CaptchaSettings.ALTCHA_MAX_NUMBER,
                        CaptchaSettings.ALTCHA_EXPIRY_SECONDS),
                properties.stream().map(p -> p.getName()).toList());
        properties.forEach(p -> assertFalse(p.getHelpText() == null || p.getHelpText().isBlank(), p.getName()));
        assertEquals(List.of(CaptchaSettings.SECRET_KEY),
                properties.stream().filter(p -> p.isSecret()).map(p -> p.getName()).toList());
        assertEquals(CaptchaProviders.ids(), properties.get(0).getOptions());
        // The console shows a number field for numbers; the config still holds strings.
        Map<String, String> types = properties.stream().collect(java.util.stream.Collectors.toMap(p -> p.getName(), p -> p.getType()));
        for (String integer : List.of(CaptchaSettings.CONNECT_TIMEOUT_MS, CaptchaSettings.READ_TIMEOUT_MS,
                CaptchaSettings.ALTCHA_MAX_NUMBER, CaptchaSettings.ALTCHA_EXPIRY_SECONDS)) {
            assertEquals(ProviderConfigProperty.INTEGER_TYPE, types.get(integer), integer);
        }
        assertEquals(ProviderConfigProperty.NUMBER_TYPE, types.get(CaptchaSettings.RECAPTCHA_MIN_SCORE));
        properties.stream().filter(p -> p.getDefaultValue() != null)
                .forEach(p -> assertEquals(CaptchaSettings.defaults(),
                        CaptchaSettings.from(Map.of(p.getName(), (String) p.getDefaultValue())),
                        p.getName() + ": the console's default is the reader's default"));
        assertEquals("merchant-captcha", new MerchantCaptchaFormAction.Factory().getId());
        assertEquals("Merchant Support: Captcha", new MerchantCaptchaFormAction.Factory().getDisplayType());
    }
}
