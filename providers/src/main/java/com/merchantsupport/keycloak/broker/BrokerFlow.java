package com.merchantsupport.keycloak.broker;

import java.util.List;
import java.util.Objects;

import com.merchantsupport.keycloak.journey.MerchantProfile;
import com.merchantsupport.keycloak.journey.PersonNames;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.AuthenticationFlowException;
import org.keycloak.authentication.authenticators.broker.AbstractIdpAuthenticator;
import org.keycloak.authentication.authenticators.broker.util.PostBrokerLoginConstants;
import org.keycloak.authentication.authenticators.broker.util.SerializedBrokeredIdentityContext;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.models.Constants;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.LoginActionsService;
import org.keycloak.sessions.AuthenticationSessionModel;

/** The two flows an identity provider runs, and where each keeps the brokered login in the authentication session. */
enum BrokerFlow {

    FIRST_LOGIN(LoginActionsService.FIRST_BROKER_LOGIN_PATH, AbstractIdpAuthenticator.BROKERED_CONTEXT_NOTE, "first login flow"),
    POST_LOGIN(LoginActionsService.POST_BROKER_LOGIN_PATH, PostBrokerLoginConstants.PBL_BROKERED_IDENTITY_CONTEXT, "post login flow");

    private final String path;
    private final String note;
    private final String label;

    BrokerFlow(String path, String note, String label) {
        this.path = path;
        this.note = note;
        this.label = label;
    }

    /** The flow Keycloak runs under this path; null for any other flow (browser, registration, ...). */
    static BrokerFlow atPath(String flowPath) {
        for (BrokerFlow flow : values()) {
            if (flow.path.equals(flowPath)) {
                return flow;
            }
        }
        return null;
    }

    /** The flow the step runs in; an admin who put it elsewhere gets an error naming the step. */
    static BrokerFlow of(AuthenticationFlowContext context, String step) {
        BrokerFlow flow = atPath(context.getFlowPath());
        if (flow == null) {
            throw misplaced(step, "an identity provider's first login flow or post login flow", context.getFlowPath());
        }
        return flow;
    }

    /** The brokered login, for a step that belongs in this flow only. */
    BrokeredIdentityContext identity(AuthenticationFlowContext context, String step) {
        if (!path.equals(context.getFlowPath())) {
            throw misplaced(step, "an identity provider's " + label, context.getFlowPath());
        }
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        SerializedBrokeredIdentityContext serialized = SerializedBrokeredIdentityContext.readFromAuthenticationSession(authSession, note);
        if (serialized == null) {
            throw new AuthenticationFlowException("No brokered identity in the authentication session",
                    AuthenticationFlowError.IDENTITY_PROVIDER_ERROR);
        }
        return serialized.deserialize(context.getSession(), authSession);
    }

    /**
     * Cleans the provider's names in the first login flow's brokered login ({@link PersonNames#clean}): Keycloak's
     * {@code idp-create-user-if-unique} copies them into a new account as they are, before the pack's post login step
     * runs. A name with nothing left is dropped, never refused.
     */
    static void cleanNames(AuthenticationFlowContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        SerializedBrokeredIdentityContext serialized = SerializedBrokeredIdentityContext.readFromAuthenticationSession(authSession,
                FIRST_LOGIN.note);
        if (serialized == null) {
            return;
        }
        boolean changed = false;
        for (String attribute : List.of(UserModel.FIRST_NAME, UserModel.LAST_NAME, MerchantProfile.NAME)) {
            List<String> values = serialized.getAttribute(attribute);
            List<String> cleaned = values.stream().map(PersonNames::clean).filter(Objects::nonNull).toList();
            if (cleaned.equals(values)) {
                continue;
            }
            changed = true;
            if (cleaned.isEmpty()) {
                serialized.getContextData().remove(Constants.USER_ATTRIBUTES_PREFIX + attribute);
            } else {
                serialized.setAttribute(attribute, cleaned);
            }
        }
        if (changed) {
            serialized.saveToAuthenticationSession(authSession, FIRST_LOGIN.note);
        }
    }

    private static AuthenticationFlowException misplaced(String step, String where, String flowPath) {
        return new AuthenticationFlowException(step + " belongs in " + where + ", not in " + flowPath,
                AuthenticationFlowError.INTERNAL_ERROR);
    }
}
