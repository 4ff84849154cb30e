package com.merchantsupport.keycloak.captcha;

import java.util.Optional;

import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.RealmModel;

/** Finds the {@code merchant-captcha} execution of a realm's registration flow and reads its settings. */
public final class RegistrationCaptchaConfig {

    private static final int MAX_DEPTH = 10;

    private RegistrationCaptchaConfig() {
    }

    /** The settings of the first enabled {@code merchant-captcha} execution in the registration flow; defaults if none. */
    public static CaptchaSettings settings(RealmModel realm) {
        return config(realm).map(c -> CaptchaSettings.from(c.getConfig())).orElseGet(CaptchaSettings::defaults);
    }

    static Optional<AuthenticatorConfigModel> config(RealmModel realm) {
        AuthenticationFlowModel flow = realm.getRegistrationFlow();
        if (flow == null) {
            return Optional.empty();
        }
        return find(realm, flow.getId(), 0)
                .map(AuthenticationExecutionModel::getAuthenticatorConfig)
                .map(realm::getAuthenticatorConfigById);
    }

    private static Optional<AuthenticationExecutionModel> find(RealmModel realm, String flowId, int depth) {
        if (flowId == null || depth > MAX_DEPTH) {
            return Optional.empty();
        }
        return realm.getAuthenticationExecutionsStream(flowId)
                .filter(AuthenticationExecutionModel::isEnabled)
                .map(execution -> MerchantCaptchaFormAction.PROVIDER_ID.equals(execution.getAuthenticator())
                        ? Optional.of(execution)
                        : execution.isAuthenticatorFlow() ? find(realm, execution.getFlowId(), depth + 1) : Optional.<AuthenticationExecutionModel>empty())
                .flatMap(Optional::stream)
                .findFirst();
    }
}
