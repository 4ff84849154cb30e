package com.merchantsupport.keycloak.welcome;

import java.util.List;

import com.merchantsupport.keycloak.journey.MerchantAccount;
import com.merchantsupport.keycloak.journey.StatelessProviderFactory;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.services.messages.Messages;

/**
 * "Create your password": the last step of sign-up. Unlike UPDATE_PASSWORD (which keeps its meaning
 * for resets an admin forces), it speaks to a merchant who never had a password, and records that the
 * journey is complete.
 */
public class CreatePasswordRequiredAction implements RequiredActionProvider {

    public static final String PROVIDER_ID = MerchantAccount.CREATE_PASSWORD_ACTION;
    static final String TEMPLATE = "merchant-create-password.ftl";
    static final String FIELD_PASSWORD = "password-new";
    static final String FIELD_CONFIRM = "password-confirm";

    @Override
    public InitiatedActionSupport initiatedActionSupport() {
        return InitiatedActionSupport.NOT_SUPPORTED;
    }

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
        // Set on the account at registration; nothing else triggers it.
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        context.challenge(page(context, List.of()));
    }

    @Override
    public void processAction(RequiredActionContext context) {
        UserModel user = context.getUser();
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String password = form.getFirst(FIELD_PASSWORD);
        String confirmation = form.getFirst(FIELD_CONFIRM);

        EventBuilder created = context.getEvent().clone().event(EventType.UPDATE_CREDENTIAL)
                .detail(Details.CREDENTIAL_TYPE, PasswordCredentialModel.TYPE)
                .detail(WelcomeMail.STEP_DETAIL, "password-created");
        EventBuilder refused = created.clone().event(EventType.UPDATE_CREDENTIAL_ERROR);

        if (MerchantAccount.hasPassword(user)) {
            // The same link was used to finish in another tab or browser: it works once, not twice.
            refused.detail(Details.REASON, "link_already_used").error(Errors.NOT_ALLOWED);
            context.challenge(LinkPages.used(context.getSession(), context.getRealm(),
                    context.getAuthenticationSession().getClient().getClientId()));
            return;
        }
        if (password == null || password.isEmpty()) {
            refused.error(Errors.PASSWORD_MISSING);
            context.challenge(page(context, List.of(new FormMessage(FIELD_PASSWORD, Messages.MISSING_PASSWORD))));
            return;
        }
        if (!password.equals(confirmation)) {
            refused.error(Errors.PASSWORD_CONFIRM_ERROR);
            context.challenge(page(context, List.of(new FormMessage(FIELD_CONFIRM, Messages.NOTMATCH_PASSWORD))));
            return;
        }
        try {
            // The realm's password policy decides; its messages say what to change.
            user.credentialManager().updateCredential(UserCredentialModel.password(password, false));
        } catch (ModelException policy) {
            refused.detail(Details.REASON, policy.getMessage()).error(Errors.PASSWORD_REJECTED);
            context.challenge(page(context, List.of(new FormMessage(FIELD_PASSWORD, policy.getMessage(), policy.getParameters()))));
            return;
        }
        MerchantAccount.markCompleted(user);
        created.success();
        context.getEvent().clone().event(EventType.UPDATE_PASSWORD).detail(WelcomeMail.STEP_DETAIL, "password-created").success();
        context.success();
    }

    private static Response page(RequiredActionContext context, List<FormMessage> errors) {
        return context.form()
                .setErrors(errors.isEmpty() ? null : errors)
                .setAttribute("journeyStep", "password")
                .setAttribute("merchantName", WelcomeMail.displayName(context.getUser()))
                .setAttribute("username", context.getUser().getUsername())
                .createForm(TEMPLATE);
    }

    @Override
    public void close() {
    }

    public static class Factory implements RequiredActionFactory, StatelessProviderFactory<RequiredActionProvider> {

        private static final CreatePasswordRequiredAction INSTANCE = new CreatePasswordRequiredAction();

        @Override
        public String getId() {
            return PROVIDER_ID;
        }

        @Override
        public String getDisplayText() {
            return "Merchant Support: Create your password";
        }

        @Override
        public boolean isOneTimeAction() {
            return true;
        }

        @Override
        public RequiredActionProvider create(KeycloakSession session) {
            return INSTANCE;
        }
    }
}
