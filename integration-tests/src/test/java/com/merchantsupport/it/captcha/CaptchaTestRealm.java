package com.merchantsupport.it.captcha;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.Pages;
import org.keycloak.representations.idm.AuthenticationExecutionExportRepresentation;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticationFlowRepresentation;
import org.keycloak.representations.idm.AuthenticatorConfigRepresentation;
import org.keycloak.testframework.realm.ClientBuilder;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.realm.RealmBuilder;

/**
 * Realms of the captcha tests, independent of the pack's realm JSON: a copy of Keycloak's built-in
 * registration flow whose form holds {@code registration-user-creation} and {@code merchant-captcha}, bound as
 * the registration flow, with the merchant-support login theme.
 */
final class CaptchaTestRealm {

    static final String CLIENT = "captcha-it";
    static final String FLOW = "captcha it registration";
    static final String FORM_FLOW = "captcha it registration form";
    static final String CONFIG_ALIAS = "captcha it";

    private CaptchaTestRealm() {
    }

    static RealmBuilder build(RealmBuilder realm, String name, Map<String, String> captchaConfig) {
        return realm.name(name)
                .registrationAllowed(true)
                .registrationEmailAsUsername(true)
                .loginWithEmailAllowed(true)
                .duplicateEmailsAllowed(false)
                .eventsEnabled(true)
                .internationalizationEnabled(true)
                .supportedLocales("en", "fr", "de", "es", "it")
                .defaultLocale("en")
                .clients(ClientBuilder.create(CLIENT).publicClient().redirectUris(MerchantRealm.HELP_CENTER_REDIRECT_URI))
                .update(rep -> {
                    rep.setLoginTheme("merchant-support");
                    rep.setAuthenticationFlows(flows());
                    AuthenticatorConfigRepresentation config = new AuthenticatorConfigRepresentation();
                    config.setAlias(CONFIG_ALIAS);
                    config.setConfig(new HashMap<>(captchaConfig));
                    rep.setAuthenticatorConfig(List.of(config));
                    rep.setRegistrationFlow(FLOW);
                });
    }

    private static List<AuthenticationFlowRepresentation> flows() {
        AuthenticationFlowRepresentation top = flow(FLOW, "basic-flow", true);
        top.setAuthenticationExecutions(List.of(
                execution("registration-page-form", 10, FORM_FLOW, null)));
        AuthenticationFlowRepresentation form = flow(FORM_FLOW, "form-flow", false);
        form.setAuthenticationExecutions(List.of(
                execution("registration-user-creation", 20, null, null),
                execution("merchant-captcha", 60, null, CONFIG_ALIAS)));
        return List.of(top, form);
    }

    private static AuthenticationFlowRepresentation flow(String alias, String providerId, boolean topLevel) {
        AuthenticationFlowRepresentation flow = new AuthenticationFlowRepresentation();
        flow.setAlias(alias);
        flow.setDescription("Registration flow of the captcha integration tests");
        flow.setProviderId(providerId);
        flow.setTopLevel(topLevel);
        flow.setBuiltIn(false);
        return flow;
    }

    private static AuthenticationExecutionExportRepresentation execution(String authenticator, int priority, String subFlow,
                                                                          String config) {
        AuthenticationExecutionExportRepresentation execution = new AuthenticationExecutionExportRepresentation();
        execution.setAuthenticator(authenticator);
        execution.setRequirement("REQUIRED");
        execution.setPriority(priority);
        execution.setAuthenticatorFlow(subFlow != null);
        execution.setFlowAlias(subFlow);
        execution.setAuthenticatorConfig(config);
        execution.setUserSetupAllowed(false);
        return execution;
    }

    /** Replaces the merchant-captcha execution's whole config (what an admin does in the console). */
    static void setCaptchaConfig(ManagedRealm realm, Map<String, String> config) {
        AuthenticationExecutionInfoRepresentation execution = realm.admin().flows().getExecutions(FORM_FLOW).stream()
                .filter(e -> "merchant-captcha".equals(e.getProviderId()))
                .findFirst().orElseThrow();
        AuthenticatorConfigRepresentation rep = realm.admin().flows().getAuthenticatorConfig(execution.getAuthenticationConfig());
        rep.setConfig(new HashMap<>(config));
        realm.admin().flows().updateAuthenticatorConfig(rep.getId(), rep);
    }

    /** Where a help center would send a new merchant: straight to the registration page. */
    static String registrationUrl(String realm) {
        return Pages.base() + "/realms/" + realm + "/protocol/openid-connect/registrations?client_id=" + CLIENT
                + "&redirect_uri=" + Pages.enc(MerchantRealm.HELP_CENTER_REDIRECT_URI)
                + "&response_type=code&scope=openid";
    }

    static Map<String, String> fields(String email, String... more) {
        Map<String, String> fields = new HashMap<>(Map.of("email", email, "firstName", "Ada", "lastName", "Lovelace"));
        List<String> pairs = new ArrayList<>(List.of(more));
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
            fields.put(pairs.get(i), pairs.get(i + 1));
        }
        return fields;
    }
}
