package com.merchantsupport.keycloak.broker;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;

/**
 * Kept for compatibility: realms imported before the step was split into {@link LinkVerifiedEmailAuthenticator}
 * (first login flow) and {@link FinishSignInAuthenticator} (post login flow) name this one id in both flows.
 * It does there what the split steps do, chosen by the flow it runs in, with the same settings. New flows use
 * the split steps; this id must stay registered for as long as such realms may exist.
 */
public class VerifiedEmailLinkAuthenticator implements BrokerStep {

    public static final String PROVIDER_ID = "merchant-verified-email-link";

    private static final VerifiedEmailLinkAuthenticator INSTANCE = new VerifiedEmailLinkAuthenticator();

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        stepFor(context).authenticate(context);
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        stepFor(context).action(context);
    }

    private static Authenticator stepFor(AuthenticationFlowContext context) {
        return switch (BrokerFlow.of(context, PROVIDER_ID)) {
            case FIRST_LOGIN -> LinkVerifiedEmailAuthenticator.INSTANCE;
            case POST_LOGIN -> FinishSignInAuthenticator.INSTANCE;
        };
    }

    public static class Factory implements BrokerStepFactory {

        @Override
        public String getId() {
            return PROVIDER_ID;
        }

        @Override
        public String getDisplayType() {
            return "Merchant Support: Link verified email, both flows (legacy)";
        }

        @Override
        public String getHelpText() {
            return "Kept for realms set up before this step was split in two; it keeps working where it is. In the first "
                    + "login flow it is 'Link verified email', in the post login flow 'Finish provider sign-in', with the "
                    + "same settings. For new flows, add those two steps instead.";
        }

        @Override
        public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
            return new AuthenticationExecutionModel.Requirement[] {
                    AuthenticationExecutionModel.Requirement.ALTERNATIVE,
                    AuthenticationExecutionModel.Requirement.REQUIRED,
                    AuthenticationExecutionModel.Requirement.DISABLED};
        }

        @Override
        public Authenticator create(KeycloakSession session) {
            return INSTANCE;
        }
    }
}
