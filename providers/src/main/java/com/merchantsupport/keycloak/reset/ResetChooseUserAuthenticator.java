package com.merchantsupport.keycloak.reset;

import java.util.List;

import com.merchantsupport.keycloak.captcha.CaptchaCheck;
import com.merchantsupport.keycloak.captcha.CaptchaResult;
import com.merchantsupport.keycloak.captcha.MerchantCaptchaFormAction;
import com.merchantsupport.keycloak.captcha.RegistrationCaptchaConfig;
import com.merchantsupport.keycloak.journey.FlowSettings;
import com.merchantsupport.keycloak.journey.MerchantErrors;
import com.merchantsupport.keycloak.limits.JourneyLimits;
import com.merchantsupport.keycloak.limits.ResetLimitSettings;
import com.merchantsupport.keycloak.limits.TryLaterPage;
import jakarta.ws.rs.core.MultivaluedMap;
import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.FlowStatus;
import org.keycloak.authentication.authenticators.browser.AbstractUsernameFormAuthenticator;
import org.keycloak.authentication.authenticators.resetcred.ResetCredentialChooseUser;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.DefaultActionTokenKey;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * "Forgot my password", step {@code merchant-reset-choose-user}: Keycloak's "Choose user" of the reset-credentials
 * flow with the registration's captcha on its page and the pack's reset limits in front of Keycloak's own email.
 *
 * <p>On "Submit": a missing or refused captcha answer shows the page again with the captcha's message (nothing sent,
 * nothing counted); then {@link JourneyLimits#resetEmail} counts the typed address (trimmed, lower-cased), whether or
 * not it has an account, and the request's network address: refused, the merchant gets {@link TryLaterPage} (429,
 * {@code Retry-After}) and no email; allowed, Keycloak's own step decides and the next one, {@code reset-credential-email},
 * sends Keycloak's reset email and answers "you should receive an email shortly" for any address.
 *
 * <p>Keycloak's {@code authenticate()} skips the page in two cases, which this step keeps:
 * <ul>
 *   <li>the flow runs for a reset link that was clicked (an action token names the account): no email follows, so
 *       nothing is asked or counted;</li>
 *   <li>the browser is signed in (an SSO session): Keycloak picks that account and the next step emails it at once,
 *       with no page. The signed-in person needs no captcha, but the limits count it like a typed address (that
 *       account's email) and refuse with the same 429 page.</li>
 * </ul>
 * After a first sign-in with Google whose account already exists, Keycloak shows the page with the account filled
 * in: the captcha and the limits apply as for any submit.
 *
 * <p>Keycloak's class is its own factory; so is this one (registered in
 * {@code META-INF/services/org.keycloak.authentication.AuthenticatorFactory}).
 */
public class ResetChooseUserAuthenticator extends ResetCredentialChooseUser {

    public static final String PROVIDER_ID = "merchant-reset-choose-user";
    /** Where the try-later page's steps bar shows the merchant. */
    static final String JOURNEY_STEP = "reset";

    private static final Logger LOG = Logger.getLogger(ResetChooseUserAuthenticator.class);

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        // context.form() is the request's one login-forms provider: Keycloak's page below carries the captcha.
        captcha(context).onPage(context.getSession(), context.form(), context.getUser(), "reset password");
        super.authenticate(context);
        UserModel chosen = context.getUser();
        if (context.getStatus() != FlowStatus.SUCCESS || chosen == null || forResetLink(context, chosen)) {
            return;
        }
        // Signed in: Keycloak chose the session's account without a page, and the next step emails it now.
        JourneyLimits.Verdict verdict = JourneyLimits.of(context.getSession()).resetEmail(chosen.getEmail(), limits(context));
        if (!verdict.allowed()) {
            refused(context, verdict, chosen.getEmail()).user(chosen).error(MerchantErrors.RATE_LIMITED);
            context.challenge(TryLaterPage.render(context.form(), verdict, JOURNEY_STEP));
        }
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        KeycloakSession session = context.getSession();
        MultivaluedMap<String, String> formData = context.getHttpRequest().getDecodedFormParameters();
        String typed = formData.getFirst("username") == null ? "" : formData.getFirst("username").trim();
        CaptchaCheck captcha = captcha(context);
        captcha.onPage(session, context.form(), context.getUser(), "reset password");

        CaptchaResult result = captcha.verify(session, formData, context.getConnection().getRemoteAddr());
        if (!result.success()) {
            LOG.debugf("Password reset refused by captcha %s in realm %s: %s %s", captcha.providerId(),
                    context.getRealm().getName(), result.reason(), result.detail());
            EventBuilder event = context.getEvent().clone().event(EventType.RESET_PASSWORD)
                    .detail(Details.USERNAME, typed)
                    .detail(MerchantCaptchaFormAction.EVENT_PROVIDER, captcha.providerId())
                    .detail(MerchantCaptchaFormAction.EVENT_REASON, result.reason());
            if (!result.detail().isBlank()) {
                event.detail(MerchantCaptchaFormAction.EVENT_DETAIL, CaptchaCheck.eventDetail(result));
            }
            event.error(MerchantErrors.CAPTCHA_REFUSED);
            // The address stays in its field; the widget starts a new check.
            context.getAuthenticationSession().setAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME, typed);
            context.challenge(context.form().addError(new FormMessage(null, result.failure().resetMessageKey())).createPasswordReset());
            return;
        }
        if (typed.isEmpty()) {
            super.action(context); // Keycloak's "Please specify username": nothing sent, nothing counted
            return;
        }
        // The typed address, never the account: an address without one is counted and answered alike.
        JourneyLimits.Verdict verdict = JourneyLimits.of(session).resetEmail(typed, limits(context));
        if (!verdict.allowed()) {
            refused(context, verdict, typed).error(MerchantErrors.RATE_LIMITED);
            context.challenge(TryLaterPage.render(context.form(), verdict, JOURNEY_STEP));
            return;
        }
        super.action(context);
    }

    /** The flow runs for a clicked reset link: Keycloak's next step sends nothing. */
    private static boolean forResetLink(AuthenticationFlowContext context, UserModel chosen) {
        return chosen.getId().equals(context.getAuthenticationSession().getAuthNote(DefaultActionTokenKey.ACTION_TOKEN_USER_ID));
    }

    private static EventBuilder refused(AuthenticationFlowContext context, JourneyLimits.Verdict verdict, String address) {
        return context.getEvent().clone().event(EventType.RESET_PASSWORD)
                .detail(Details.USERNAME, address).detail(Details.REASON, verdict.refusedBy().id());
    }

    /** The registration flow's captcha settings: an admin configures the captcha in one place. */
    private static CaptchaCheck captcha(AuthenticationFlowContext context) {
        return CaptchaCheck.of(RegistrationCaptchaConfig.settings(context.getRealm()));
    }

    private static ResetLimitSettings limits(AuthenticationFlowContext context) {
        return ResetLimitSettings.from(FlowSettings.of(context.getAuthenticatorConfig()));
    }

    // ---- the factory

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Merchant Support: Forgot my password";
    }

    @Override
    public String getHelpText() {
        return "Keycloak's 'Choose user' with the registration flow's captcha on the page (configured on Merchant "
                + "Support: Captcha) and limits per typed address and per network address before Keycloak's reset "
                + "email; past a limit the merchant is asked to try again later (HTTP 429). Every address gets the "
                + "same answer, with or without an account.";
    }

    @Override
    public boolean isConfigurable() {
        return true;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return ResetLimitSettings.configProperties();
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return this;
    }
}
