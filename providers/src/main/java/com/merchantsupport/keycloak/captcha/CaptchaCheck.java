package com.merchantsupport.keycloak.captcha;

import java.util.Locale;
import java.util.Optional;

import jakarta.ws.rs.core.MultivaluedMap;
import org.jboss.logging.Logger;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;

/**
 * One captcha on one page, for whichever vendor the settings chose: what {@code captcha.ftl} needs on the page, and
 * the check of the answer posted back. The registration form ({@link MerchantCaptchaFormAction}) and the "Forgot my
 * password" page ({@code reset/ResetChooseUserAuthenticator}) both ask here, so a vendor behaves the same on both.
 */
public final class CaptchaCheck {

    private static final Logger LOG = Logger.getLogger(CaptchaCheck.class);

    private final CaptchaSettings settings;
    private final Optional<CaptchaProvider> provider;

    private CaptchaCheck(CaptchaSettings settings) {
        this.settings = settings;
        this.provider = CaptchaProviders.find(settings.provider());
    }

    public static CaptchaCheck of(CaptchaSettings settings) {
        return new CaptchaCheck(settings);
    }

    /** The vendor's id ({@code altcha}, {@code recaptcha}, ...): the events' {@code captcha_provider} detail. */
    public String providerId() {
        return settings.provider();
    }

    /**
     * Puts on the page what {@code captcha.ftl} reads: {@code captchaProvider} always; {@code captchaNotConfigured}
     * when the vendor lacks keys (the page says to contact support); otherwise the vendor's own attributes and
     * {@code captchaResponseField}. {@code page} names the page in the log line about a missing configuration.
     */
    public void onPage(KeycloakSession session, LoginFormsProvider form, UserModel user, String page) {
        form.setAttribute("captchaProvider", settings.provider());
        if (provider.isEmpty() || !provider.get().isConfigured(session, settings)) {
            LOG.warnf("Captcha '%s' of realm %s is not configured: the %s page says so", settings.provider(),
                    session.getContext().getRealm().getName(), page);
            form.setAttribute("captchaNotConfigured", true);
            return;
        }
        Locale locale = session.getContext().resolveLocale(user);
        form.setAttribute("captchaResponseField", provider.get().responseField());
        provider.get().pageAttributes(session, settings, locale).forEach(form::setAttribute);
    }

    /** Checks the answer in the posted form; never throws (an unknown vendor is {@link CaptchaFailure#NOT_CONFIGURED}). */
    public CaptchaResult verify(KeycloakSession session, MultivaluedMap<String, String> formData, String remoteAddr) {
        return provider
                .map(p -> p.verify(session, formData.getFirst(p.responseField()), remoteAddr, settings))
                .orElseGet(() -> CaptchaResult.failed(CaptchaFailure.NOT_CONFIGURED, "unknown provider " + settings.provider()));
    }

    /** A vendor's detail for the event, cut to a length an event column holds. */
    public static String eventDetail(CaptchaResult result) {
        String text = result.detail();
        return text.length() <= 200 ? text : text.substring(0, 200);
    }
}
