package com.merchantsupport.it.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;
import org.keycloak.admin.client.resource.AuthenticationManagementResource;
import org.keycloak.admin.client.resource.IdentityProviderResource;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.AuthenticationExecutionExportRepresentation;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticationFlowRepresentation;
import org.keycloak.representations.idm.AuthenticatorConfigRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.util.JsonSerialization;

/**
 * The realm JSON's two broker flows as realms imported before the step was split hold them: the same
 * executions, sub-flows, requirements and settings, with {@link BrokerRealm#STEP_BEFORE_THE_SPLIT} wherever
 * the file now names one of the two split steps. Created through the admin API beside the realm's own flows
 * (aliases prefixed, so nothing of the shared realm changes), used by the stand-in provider only, deleted
 * after the test.
 */
final class FlowsBeforeTheSplit {

    static final String PREFIX = "before the split ";
    static final String FIRST_LOGIN = "merchant first broker login";
    static final String POST_LOGIN = "merchant post broker login";
    private static final Set<String> SPLIT_STEPS = Set.of(BrokerRealm.STEP, BrokerRealm.POST_LOGIN_STEP);

    private final ManagedRealm realm;
    private final Map<String, AuthenticationFlowRepresentation> fileFlows;
    private final Map<String, Map<String, String>> fileConfigs;

    private FlowsBeforeTheSplit(ManagedRealm realm, RealmRepresentation file) {
        this.realm = realm;
        this.fileFlows = file.getAuthenticationFlows().stream()
                .collect(Collectors.toMap(AuthenticationFlowRepresentation::getAlias, Function.identity()));
        this.fileConfigs = file.getAuthenticatorConfig().stream()
                .collect(Collectors.toMap(AuthenticatorConfigRepresentation::getAlias, AuthenticatorConfigRepresentation::getConfig));
    }

    /** Creates both flows and makes them the stand-in provider's first login and post login flows. */
    static void useForStandIn(ManagedRealm realm) {
        FlowsBeforeTheSplit flows = new FlowsBeforeTheSplit(realm, realmFile());
        realm.cleanup().add(FlowsBeforeTheSplit::remove);
        remove(realm.admin()); // left over by an aborted run
        flows.createTopLevel(FIRST_LOGIN);
        flows.createTopLevel(POST_LOGIN);

        IdentityProviderResource standIn = realm.admin().identityProviders().get(BrokerRealm.ALIAS);
        IdentityProviderRepresentation rep = standIn.toRepresentation();
        rep.setFirstBrokerLoginFlowAlias(PREFIX + FIRST_LOGIN);
        rep.setPostBrokerLoginFlowAlias(PREFIX + POST_LOGIN);
        standIn.update(rep);
    }

    /** The providers of a flow's executions, sub-flows included, in order. */
    static List<String> steps(ManagedRealm realm, String alias) {
        return realm.admin().flows().getExecutions(alias).stream()
                .map(AuthenticationExecutionInfoRepresentation::getProviderId)
                .filter(id -> id != null)
                .toList();
    }

    /** Changes the settings of every copy of the step in both flows (the file gives them one configuration). */
    static void changeStep(ManagedRealm realm, Map<String, String> settings) {
        AuthenticationManagementResource api = realm.admin().flows();
        for (String flow : List.of(PREFIX + FIRST_LOGIN, PREFIX + POST_LOGIN)) {
            api.getExecutions(flow).stream()
                    .filter(e -> BrokerRealm.STEP_BEFORE_THE_SPLIT.equals(e.getProviderId()))
                    .forEach(e -> {
                        AuthenticatorConfigRepresentation config = api.getAuthenticatorConfig(e.getAuthenticationConfig());
                        config.getConfig().putAll(settings);
                        api.updateAuthenticatorConfig(config.getId(), config);
                    });
        }
    }

    private void createTopLevel(String alias) {
        AuthenticationFlowRepresentation source = fileFlows.get(alias);
        AuthenticationFlowRepresentation flow = new AuthenticationFlowRepresentation();
        flow.setAlias(PREFIX + alias);
        flow.setDescription(source.getDescription());
        flow.setProviderId(source.getProviderId());
        flow.setTopLevel(true);
        flow.setBuiltIn(false);
        try (Response response = realm.admin().flows().createFlow(flow)) {
            if (response.getStatus() != 201) {
                throw new AssertionError("could not create " + flow.getAlias() + ": " + response.getStatus() + " " + response.readEntity(String.class));
            }
        }
        addExecutions(source, PREFIX + alias);
    }

    /** Appends the source flow's executions in their order, each with its requirement and a copy of its settings. */
    private void addExecutions(AuthenticationFlowRepresentation source, String target) {
        AuthenticationManagementResource api = realm.admin().flows();
        List<AuthenticationExecutionExportRepresentation> executions = source.getAuthenticationExecutions().stream()
                .sorted(Comparator.comparing(AuthenticationExecutionExportRepresentation::getPriority)).toList();
        for (AuthenticationExecutionExportRepresentation execution : executions) {
            if (execution.isAuthenticatorFlow()) {
                AuthenticationFlowRepresentation sub = fileFlows.get(execution.getFlowAlias());
                api.addExecutionFlow(target, Map.of("alias", PREFIX + sub.getAlias(), "type", sub.getProviderId(),
                        "provider", "registration-page-form", "description", sub.getDescription()));
                require(target, execution.getRequirement());
                addExecutions(sub, PREFIX + sub.getAlias());
                continue;
            }
            String provider = SPLIT_STEPS.contains(execution.getAuthenticator()) ? BrokerRealm.STEP_BEFORE_THE_SPLIT : execution.getAuthenticator();
            api.addExecution(target, Map.of("provider", provider));
            AuthenticationExecutionInfoRepresentation added = require(target, execution.getRequirement());
            if (execution.getAuthenticatorConfig() != null) {
                AuthenticatorConfigRepresentation config = new AuthenticatorConfigRepresentation();
                config.setAlias(target + " " + execution.getAuthenticatorConfig());
                config.setConfig(new HashMap<>(fileConfigs.get(execution.getAuthenticatorConfig())));
                try (Response response = api.newExecutionConfig(added.getId(), config)) {
                    if (response.getStatus() != 201) {
                        throw new AssertionError("could not configure " + provider + " in " + target + ": " + response.getStatus() + " "
                                + response.readEntity(String.class));
                    }
                }
            }
        }
    }

    /** Sets the requirement of the execution just appended to {@code flow} (Keycloak adds them disabled). */
    private AuthenticationExecutionInfoRepresentation require(String flow, String requirement) {
        AuthenticationManagementResource api = realm.admin().flows();
        AuthenticationExecutionInfoRepresentation last = api.getExecutions(flow).stream()
                .filter(e -> e.getLevel() == 0)
                .max(Comparator.comparingInt(AuthenticationExecutionInfoRepresentation::getIndex))
                .orElseThrow();
        last.setRequirement(requirement);
        api.updateExecutions(flow, last);
        return last;
    }

    /** Gives the stand-in back the realm's flows (if it is still there), then deletes the copies with their sub-flows and settings. */
    private static void remove(RealmResource realm) {
        try {
            IdentityProviderResource standIn = realm.identityProviders().get(BrokerRealm.ALIAS);
            IdentityProviderRepresentation rep = standIn.toRepresentation();
            if (rep.getFirstBrokerLoginFlowAlias() != null && rep.getFirstBrokerLoginFlowAlias().startsWith(PREFIX)) {
                rep.setFirstBrokerLoginFlowAlias(FIRST_LOGIN);
                rep.setPostBrokerLoginFlowAlias(POST_LOGIN);
                standIn.update(rep);
            }
        } catch (NotFoundException gone) {
            // the provider is removed already
        }
        // Deleting a top-level flow deletes its sub-flows and their settings with it.
        realm.flows().getFlows().stream()
                .filter(f -> f.isTopLevel() && f.getAlias().startsWith(PREFIX))
                .forEach(f -> realm.flows().deleteFlow(f.getId()));
    }

    private static RealmRepresentation realmFile() {
        Path path = Path.of(System.getProperty("realm.json", "../realm-export/merchant-support-realm.json"));
        try {
            return JsonSerialization.readValue(Files.readString(path), RealmRepresentation.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
