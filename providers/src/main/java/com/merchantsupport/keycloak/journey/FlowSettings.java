package com.merchantsupport.keycloak.journey;

import java.util.Map;
import java.util.Optional;

import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.RealmModel;

/**
 * Reads the admin's settings of one of the pack's steps from the realm's registration flow, for code
 * that runs outside that flow (the welcome link's page, the challenge endpoint).
 */
public final class FlowSettings {

    private final Map<String, String> values;

    private FlowSettings(Map<String, String> values) {
        this.values = values;
    }

    public static FlowSettings of(Map<String, String> values) {
        return new FlowSettings(values == null ? Map.of() : values);
    }

    public static FlowSettings of(AuthenticatorConfigModel config) {
        return of(config == null ? null : config.getConfig());
    }

    /** The settings of the first enabled execution of {@code providerId} in the registration flow. */
    public static FlowSettings fromRegistrationFlow(RealmModel realm, String providerId) {
        return of(registrationFlowConfig(realm, providerId).orElse(null));
    }

    /** The admin's config of the first enabled execution of {@code providerId} in the registration flow, if any. */
    public static Optional<Map<String, String>> registrationFlowConfig(RealmModel realm, String providerId) {
        AuthenticationFlowModel flow = realm.getRegistrationFlow();
        return Optional.ofNullable(flow)
                .flatMap(f -> find(realm, f.getId(), providerId, 0))
                .map(AuthenticationExecutionModel::getAuthenticatorConfig)
                .map(realm::getAuthenticatorConfigById)
                .map(AuthenticatorConfigModel::getConfig);
    }

    private static Optional<AuthenticationExecutionModel> find(RealmModel realm, String flowId, String providerId, int depth) {
        if (depth > 10) {
            return Optional.empty();
        }
        return realm.getAuthenticationExecutionsStream(flowId)
                .filter(AuthenticationExecutionModel::isEnabled)
                .flatMap(e -> {
                    if (providerId.equals(e.getAuthenticator())) {
                        return java.util.stream.Stream.of(e);
                    }
                    return e.isAuthenticatorFlow() ? find(realm, e.getFlowId(), providerId, depth + 1).stream()
                            : java.util.stream.Stream.empty();
                })
                .findFirst();
    }

    public String get(String key, String defaultValue) {
        String value = values.get(key);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    public int getInt(String key, int defaultValue, int min, int max) {
        try {
            int value = Integer.parseInt(get(key, Integer.toString(defaultValue)));
            return Math.max(min, Math.min(max, value));
        } catch (NumberFormatException e) {
            return defaultValue;
        }
    }

    /** An on/off setting ({@code true} or {@code false}, as the console's switch saves it); anything else gives the default. */
    public boolean getBoolean(String key, boolean defaultValue) {
        String value = get(key, Boolean.toString(defaultValue));
        if ("true".equalsIgnoreCase(value) || "false".equalsIgnoreCase(value)) {
            return Boolean.parseBoolean(value);
        }
        return defaultValue;
    }

    /** A decimal setting clamped to {@code [min, max]}; unparsable or NaN gives the default. */
    public double getDouble(String key, double defaultValue, double min, double max) {
        try {
            double value = Double.parseDouble(get(key, Double.toString(defaultValue)));
            return Double.isNaN(value) ? defaultValue : Math.max(min, Math.min(max, value));
        } catch (NumberFormatException e) {
            return defaultValue;
        }
    }
}
