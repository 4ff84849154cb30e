package com.merchantsupport.keycloak.captcha;

import com.merchantsupport.keycloak.funnel.JourneyFunnel;
import java.util.List;

import com.merchantsupport.keycloak.journey.FlowSettings;
import com.merchantsupport.keycloak.journey.StatelessProviderFactory;
import jakarta.ws.rs.core.MultivaluedMap;

import org.jboss.logging.Logger;
import org.keycloak.authentication.FormAction;
import org.keycloak.authentication.FormActionFactory;
import org.keycloak.authentication.FormContext;
import org.keycloak.authentication.ValidationContext;
import org.keycloak.events.Errors;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * Registration form action {@code merchant-captcha}: shows the configured captcha on the registration page
 * and refuses the registration (no account made) unless its answer checks out.
 *
 * <p>Page attributes for {@code captcha.ftl}: {@code captchaProvider} always; {@code captchaNotConfigured} when
 * the vendor lacks keys; otherwise the provider's own ({@code altchaChallenge}, {@code altchaChallengeUrl}, or {@code captchaSiteKey},
 * {@code captchaScriptUrl}, {@code captchaWidgetClass}, {@code captchaLanguage}, and for reCAPTCHA v3
 * {@code captchaInvisible}, {@code recaptchaAction}) and {@code captchaResponseField}.
 */
public class MerchantCaptchaFormAction implements FormAction {

    public static final String PROVIDER_ID = "merchant-captcha";
    public static final String EVENT_REASON = "captcha_reason";
    public static final String EVENT_PROVIDER = "captcha_provider";
    public static final String EVENT_DETAIL = "captcha_detail";

    private static final Logger LOG = Logger.getLogger(MerchantCaptchaFormAction.class);

    @Override
    public void buildPage(FormContext context, LoginFormsProvider form) {
        check(context.getAuthenticatorConfig()).onPage(context.getSession(), form, context.getUser(), "registration");
    }

    @Override
    public void validate(ValidationContext context) {
        MultivaluedMap<String, String> formData = context.getHttpRequest().getDecodedFormParameters();
        CaptchaCheck check = check(context.getAuthenticatorConfig());
        CaptchaResult result = check.verify(context.getSession(), formData, context.getConnection().getRemoteAddr());
        // On the shared event builder: the REGISTER event says which captcha let the merchant in,
        // the REGISTER_ERROR event which one refused them and why.
        context.getEvent().detail(EVENT_PROVIDER, check.providerId());
        if (result.success()) {
            context.success();
            return;
        }
        LOG.debugf("Registration refused by captcha %s in realm %s: %s %s", check.providerId(),
                context.getRealm().getName(), result.reason(), result.detail());
        context.getEvent().detail(EVENT_REASON, result.reason());
        JourneyFunnel.of(context.getSession()).count(JourneyFunnel.Step.CAPTCHA_REFUSED, result.reason());
        if (!result.detail().isBlank()) {
            context.getEvent().detail(EVENT_DETAIL, CaptchaCheck.eventDetail(result));
        }
        context.error(Errors.INVALID_REGISTRATION);
        context.validationError(formData, List.of(new FormMessage(null, result.failure().messageKey())));
        context.excludeOtherErrors();
    }

    @Override
    public void success(FormContext context) {
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }

    private static CaptchaCheck check(AuthenticatorConfigModel config) {
        return CaptchaCheck.of(CaptchaSettings.from(FlowSettings.of(config)));
    }

    /** Factory of {@link MerchantCaptchaFormAction}; carries the admin-console settings. */
    public static class Factory implements FormActionFactory, StatelessProviderFactory<FormAction> {

        private static final MerchantCaptchaFormAction SINGLETON = new MerchantCaptchaFormAction();

        private static final AuthenticationExecutionModel.Requirement[] REQUIREMENT_CHOICES = {
                AuthenticationExecutionModel.Requirement.REQUIRED,
                AuthenticationExecutionModel.Requirement.DISABLED
        };

        @Override
        public String getId() {
            return PROVIDER_ID;
        }

        @Override
        public String getDisplayType() {
            return "Merchant Support: Captcha";
        }

        @Override
        public String getHelpText() {
            return "Asks the merchant to prove they are a person before the account is made. ALTCHA (default) runs a "
                    + "short computation in the browser, with no third party; reCAPTCHA, hCaptcha and Turnstile show "
                    + "the vendor's widget and need its keys. ALTCHA challenges are signed with a key derived from this "
                    + "realm's HS512 key (Realm settings > Keys): rotate it there; challenges signed by a key that is "
                    + "still enabled (active or passive) keep working.";
        }

        @Override
        public String getReferenceCategory() {
            return "captcha";
        }

        @Override
        public boolean isConfigurable() {
            return true;
        }

        @Override
        public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
            return REQUIREMENT_CHOICES;
        }

        @Override
        public boolean isUserSetupAllowed() {
            return false;
        }

        @Override
        public List<ProviderConfigProperty> getConfigProperties() {
            return ProviderConfigurationBuilder.create()
                    .property().name(CaptchaSettings.PROVIDER).label("Captcha provider")
                    .helpText("Which check the merchant sees on the sign-up page. altcha: a few hundred milliseconds of "
                            + "work in the browser, a checkbox that ticks itself, no third party and no cookies. "
                            + "recaptcha, hcaptcha, turnstile: the vendor's widget, loaded from the vendor (add its "
                            + "domains to the Content-Security-Policy) and checked with the vendor at submit.")
                    .type(ProviderConfigProperty.LIST_TYPE).options(CaptchaProviders.ids())
                    .defaultValue(CaptchaSettings.DEFAULT_PROVIDER).add()
                    .property().name(CaptchaSettings.SITE_KEY).label("Site key")
                    .helpText("reCAPTCHA, hCaptcha, Turnstile: the public key the vendor gave for this site. Without it "
                            + "(or without the secret key) the sign-up page tells merchants that sign-up is unavailable "
                            + "and to contact support. Not used by ALTCHA.")
                    .type(ProviderConfigProperty.STRING_TYPE).add()
                    .property().name(CaptchaSettings.SECRET_KEY).label("Secret key")
                    .helpText("reCAPTCHA, hCaptcha, Turnstile: the secret key used to check the merchant's answer with "
                            + "the vendor. Not used by ALTCHA.")
                    .type(ProviderConfigProperty.PASSWORD).secret(true).add()
                    .property().name(CaptchaSettings.VERIFY_URL).label("Siteverify URL")
                    .helpText("Where answers are checked. Leave empty for the vendor's own endpoint; set it only for a "
                            + "proxy or a test stub. Not used by ALTCHA.")
                    .type(ProviderConfigProperty.STRING_TYPE).add()
                    .property().name(CaptchaSettings.CONNECT_TIMEOUT_MS).label("Connect timeout (ms)")
                    .helpText("How long to wait for a connection to the vendor. When it runs out, the merchant is asked "
                            + "to try again and no account is made.")
                    .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(Integer.toString(CaptchaSettings.DEFAULT_TIMEOUT_MS)).add()
                    .property().name(CaptchaSettings.READ_TIMEOUT_MS).label("Read timeout (ms)")
                    .helpText("How long to wait for the vendor's answer once connected. Each second here is a second "
                            + "the merchant may wait after pressing the button when the vendor is slow.")
                    .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(Integer.toString(CaptchaSettings.DEFAULT_TIMEOUT_MS)).add()
                    .property().name(CaptchaSettings.RECAPTCHA_VERSION).label("reCAPTCHA version")
                    .helpText("v2: the merchant ticks \"I'm not a robot\" (and may get a picture puzzle). v3: nothing to "
                            + "tick; Google scores the visit when the button is pressed. Must match the site key's type.")
                    .type(ProviderConfigProperty.LIST_TYPE).options("v2", "v3")
                    .defaultValue(CaptchaSettings.DEFAULT_RECAPTCHA_VERSION).add()
                    .property().name(CaptchaSettings.RECAPTCHA_MIN_SCORE).label("reCAPTCHA v3 minimum score")
                    .helpText("From 0.0 (surely a bot) to 1.0 (surely a person). Merchants scoring lower are refused "
                            + "and asked to try again; raise it to block more bots, lower it if real merchants are refused.")
                    .type(ProviderConfigProperty.NUMBER_TYPE)
                    .defaultValue(Double.toString(CaptchaSettings.DEFAULT_RECAPTCHA_MIN_SCORE)).add()
                    .property().name(CaptchaSettings.RECAPTCHA_ACTION).label("reCAPTCHA v3 action")
                    .helpText("The action name the page asks Google for and the answer must carry (letters, digits, "
                            + "slashes, underscores). Shows in the reCAPTCHA console's statistics.")
                    .type(ProviderConfigProperty.STRING_TYPE).defaultValue(CaptchaSettings.DEFAULT_RECAPTCHA_ACTION).add()
                    .property().name(CaptchaSettings.ALTCHA_MAX_NUMBER).label("ALTCHA difficulty (max number)")
                    .helpText("The browser tries on average half this many hashes. 100000 takes well under a second "
                            + "on a laptop or phone; each tenfold increase makes it ten times slower for merchants and bots "
                            + "alike. Between " + CaptchaSettings.MIN_ALTCHA_MAX_NUMBER + " and "
                            + CaptchaSettings.MAX_ALTCHA_MAX_NUMBER + ".")
                    .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(Integer.toString(CaptchaSettings.DEFAULT_ALTCHA_MAX_NUMBER)).add()
                    .property().name(CaptchaSettings.ALTCHA_EXPIRY_SECONDS).label("ALTCHA challenge expiry (s)")
                    .helpText("How long a merchant has between opening the sign-up page and pressing the button before "
                            + "the check silently restarts. Each solution is accepted once, for at most this long.")
                    .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(Integer.toString(CaptchaSettings.DEFAULT_ALTCHA_EXPIRY_SECONDS)).add()
                    .build();
        }

        @Override
        public FormAction create(KeycloakSession session) {
            return SINGLETON;
        }
    }
}
