package com.merchantsupport.it.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ConfigPropertyRepresentation;
import org.keycloak.representations.idm.RequiredActionProviderSimpleRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.realm.ManagedRealm;

/**
 * Every provider id and setting key the realm JSON names is one the server knows: a typo in the generator (or a
 * renamed id or key in the pack) would otherwise import silently and leave a step that does nothing.
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class RealmJsonNamesTest {

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @Test
    void everyStepRequiredActionAndSettingKeyOfTheRealmJsonExistsOnTheServer() throws Exception {
        JsonNode file = RealmFile.JSON.readTree(RealmFile.raw());
        Set<String> steps = new HashSet<>();
        realm.admin().flows().getAuthenticatorProviders().forEach(p -> steps.add((String) p.get("id")));
        realm.admin().flows().getFormActionProviders().forEach(p -> steps.add((String) p.get("id")));
        realm.admin().flows().getFormProviders().forEach(p -> steps.add((String) p.get("id")));

        Map<String, String> configOwner = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (JsonNode flow : file.get("authenticationFlows")) {
            for (JsonNode execution : flow.get("authenticationExecutions")) {
                JsonNode id = execution.get("authenticator");
                if (id == null || execution.path("authenticatorFlow").asBoolean(false)) {
                    continue;
                }
                if (!steps.contains(id.asText())) {
                    problems.add("flow '" + flow.get("alias").asText() + "' names step " + id.asText() + ", unknown to the server");
                }
                if (execution.hasNonNull("authenticatorConfig")) {
                    configOwner.put(execution.get("authenticatorConfig").asText(), id.asText());
                }
            }
        }
        for (JsonNode config : file.get("authenticatorConfig")) {
            String owner = configOwner.get(config.get("alias").asText());
            if (owner == null) {
                problems.add("settings '" + config.get("alias").asText() + "' belong to no step");
                continue;
            }
            Set<String> keys = new HashSet<>();
            for (ConfigPropertyRepresentation property : realm.admin().flows().getAuthenticatorConfigDescription(owner).getProperties()) {
                keys.add(property.getName());
            }
            config.get("config").fieldNames().forEachRemaining(key -> {
                if (!keys.contains(key)) {
                    problems.add("settings '" + config.get("alias").asText() + "' set " + key + ", not a setting of " + owner + " " + keys);
                }
            });
        }
        Set<String> actions = new HashSet<>();
        realm.admin().flows().getRequiredActions().forEach(a -> actions.add(a.getProviderId()));
        for (RequiredActionProviderSimpleRepresentation unregistered : realm.admin().flows().getUnregisteredRequiredActions()) {
            actions.add(unregistered.getProviderId());
        }
        for (JsonNode action : file.get("requiredActions")) {
            if (!actions.contains(action.get("providerId").asText())) {
                problems.add("required action " + action.get("providerId").asText() + " is unknown to the server");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(configOwner.containsValue("merchant-check-your-mailbox") && configOwner.containsValue("merchant-captcha"),
                "the pack's own settings were checked: " + configOwner);
    }
}
