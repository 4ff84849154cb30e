package com.merchantsupport.keycloak.welcome;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.function.UnaryOperator;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.WebAuthnConstants;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionContextResult;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.authentication.requiredactions.WebAuthnPasswordlessRegisterFactory;
import org.keycloak.common.Profile;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.models.credential.WebAuthnCredentialModel;

/**
 * "Use a passkey instead", the other half of "Create your password", built on Keycloak's passwordless registration
 * ({@code webauthn-register-passwordless}, the realm's passwordless policy). Keycloak makes the challenge and the
 * options, checks the browser's answer and stores the credential; the pack only shows them on its own page (the
 * journey's steps and words) and posts them back to {@code merchant-create-password}, so that the link's spend and
 * the journey's completion stay in {@link CreatePasswordRequiredAction}, as for a password.
 */
final class PasskeyStep {

    private static final Logger LOG = Logger.getLogger(PasskeyStep.class);

    static final String TEMPLATE = "merchant-create-passkey.ftl";
    /** The page Keycloak's registration renders; the pack shows its own in its place. */
    static final String KEYCLOAK_TEMPLATE = "webauthn-register.ftl";
    /** The field of the pages' small forms: {@code start} opens the passkey page, {@code back} the password form. */
    static final String FIELD = "passkey";
    /** The sentence on the password form when no passkey was made (prompt closed, refused, unsupported browser). */
    static final String NOT_CREATED = "merchantPasskeyNotCreated";

    /** What a POST to the create-password step asks about passkeys. */
    enum Request {
        /** A password (no passkey field). */
        NONE,
        /** "Use a passkey instead" on the password form. */
        START,
        /** "Create a password instead" on the passkey page. */
        BACK,
        /** Keycloak's script posted the browser's answer, a new credential or an error. */
        ANSWER
    }

    private PasskeyStep() {
    }

    static Request request(MultivaluedMap<String, String> form) {
        if (form.containsKey(WebAuthnConstants.ATTESTATION_OBJECT) || form.containsKey(WebAuthnConstants.ERROR)) {
            return Request.ANSWER;
        }
        String asked = form.getFirst(FIELD);
        if ("start".equals(asked)) {
            return Request.START;
        }
        return "back".equals(asked) ? Request.BACK : Request.NONE;
    }

    /**
     * The realm offers passkeys while Keycloak's passwordless registration is enabled in it (*Authentication →
     * Required actions*): an admin who turns it off takes "Use a passkey instead" off the page too.
     */
    static boolean offered(RealmModel realm) {
        if (!Profile.isFeatureEnabled(Profile.Feature.WEB_AUTHN)) {
            return false;
        }
        RequiredActionProviderModel action = realm.getRequiredActionProviderByAlias(WebAuthnPasswordlessRegisterFactory.PROVIDER_ID);
        return action != null && action.isEnabled();
    }

    /** The passkey page: Keycloak's challenge and policy, in the pack's template with the journey's attributes. */
    static Response page(RequiredActionContext context, UnaryOperator<LoginFormsProvider> journey) {
        RequiredActionContextResult keycloak = keycloakContext(context, journey);
        registration(context).requiredActionChallenge(keycloak);
        return keycloak.getChallenge();
    }

    /**
     * Whether the browser answered with a credential for a challenge Keycloak issued in this session: only then is
     * the link spent. A closed or refused prompt, an unsupported browser or a post made by hand is not one.
     */
    static boolean answered(RequiredActionContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        return isBlank(form.getFirst(WebAuthnConstants.ERROR))
                && !isBlank(form.getFirst(WebAuthnConstants.CLIENT_DATA_JSON))
                && !isBlank(form.getFirst(WebAuthnConstants.ATTESTATION_OBJECT))
                && context.getAuthenticationSession().getAuthNote(WebAuthnConstants.AUTH_CHALLENGE_NOTE) != null;
    }

    /** No passkey was made: Keycloak records the browser's error (its events); anything else is recorded here. */
    static void notCreated(RequiredActionContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        if (!isBlank(form.getFirst(WebAuthnConstants.ERROR))) {
            // Keycloak's own handling of navigator.credentials.create()'s error: its events; its error page is not shown.
            registration(context).processAction(keycloakContext(context, UnaryOperator.identity()));
            return;
        }
        context.getEvent().clone().event(EventType.UPDATE_CREDENTIAL)
                .detail(Details.CREDENTIAL_TYPE, WebAuthnCredentialModel.TYPE_PASSWORDLESS)
                .detail(Details.REASON, "no passkey answer for a challenge of this session")
                .error(Errors.INVALID_USER_CREDENTIALS);
    }

    /**
     * Keycloak checks the answer against its challenge and the policy (user verification, resident key, algorithms,
     * origin, RP ID) and stores the passkey; true when it did. Its UPDATE_CREDENTIAL event goes out on the request's
     * event when the required action succeeds.
     */
    static boolean register(RequiredActionContext context) {
        RequiredActionContextResult keycloak = keycloakContext(context, UnaryOperator.identity());
        try {
            registration(context).processAction(keycloak);
        } catch (RuntimeException unreadable) {
            // Fields Keycloak cannot decode (not base64url, say): not a passkey, and no error page of Keycloak's.
            LOG.debugf("passkey answer not readable: %s", unreadable.getMessage());
            return false;
        }
        return keycloak.getStatus() == RequiredActionContext.Status.SUCCESS;
    }

    private static RequiredActionProvider registration(RequiredActionContext context) {
        RequiredActionProvider provider = context.getSession().getProvider(RequiredActionProvider.class,
                WebAuthnPasswordlessRegisterFactory.PROVIDER_ID);
        if (provider == null) {
            throw new IllegalStateException("Keycloak's " + WebAuthnPasswordlessRegisterFactory.PROVIDER_ID + " is not available (feature web-authn off?)");
        }
        return provider;
    }

    /**
     * The request's own session, user and event, seen by Keycloak's registration as if it were the pack's required
     * action: the pages it makes post back to {@code merchant-create-password}, in the pack's template.
     */
    private static RequiredActionContextResult keycloakContext(RequiredActionContext context, UnaryOperator<LoginFormsProvider> journey) {
        RequiredActionFactory pack = (RequiredActionFactory) context.getSession().getKeycloakSessionFactory()
                .getProviderFactory(RequiredActionProvider.class, CreatePasswordRequiredAction.PROVIDER_ID);
        return new RequiredActionContextResult(context.getAuthenticationSession(), context.getRealm(), context.getEvent(),
                context.getSession(), context.getHttpRequest(), context.getUser(), pack) {
            @Override
            public LoginFormsProvider form() {
                return inPackTemplate(journey.apply(super.form()));
            }
        };
    }

    /** The same forms, except that Keycloak's registration page is rendered with the pack's template. */
    private static LoginFormsProvider inPackTemplate(LoginFormsProvider forms) {
        return (LoginFormsProvider) Proxy.newProxyInstance(LoginFormsProvider.class.getClassLoader(),
                new Class<?>[] {LoginFormsProvider.class}, (proxy, method, args) -> {
                    if (method.getName().equals("createForm") && args != null && args.length == 1 && KEYCLOAK_TEMPLATE.equals(args[0])) {
                        return forms.createForm(TEMPLATE);
                    }
                    Object result;
                    try {
                        result = method.invoke(forms, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    return result == forms ? proxy : result;
                });
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
