package com.merchantsupport.it.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.merchantsupport.it.support.AltchaSolver;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import com.merchantsupport.it.support.Pages;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.AuthenticationManagementResource;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticatorConfigRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.FederatedIdentityRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RequiredActionProviderRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.representations.userprofile.config.UPAttribute;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

/**
 * A realm imported from the previous realm JSON (before passkeys, the limits and the reset captcha), with merchants
 * in it, brought to this version by {@code scripts/upgrade-realm.py} (docs/DEPLOYING.md, "Upgrading a realm imported
 * from an earlier file"): the script is run twice, as a deployer would, against a second realm of the test server.
 * The fixture {@code upgrade/merchant-support-realm-3d586b7.json} is {@code realm-export/merchant-support-realm.json}
 * of commit 3d586b7 ({@code git show 3d586b7:realm-export/merchant-support-realm.json}), its placeholders filled here
 * with the test server's values (the admin API fills none).
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class RealmUpgradeTest {

    static final String NAME = "merchant-support-previous";
    private static final String FIXTURE = "/upgrade/merchant-support-realm-3d586b7.json";
    /** The test framework's bootstrap admin (org.keycloak.testframework.config.Config). */
    private static final String ADMIN = "admin";
    private static final String PASSWORD = "a-Good-password-2026";
    private static final String MAILBOX = "merchant check your mailbox";
    private static final String BROKER_CONFIG = "merchant verified email link";

    /** Made once, by whichever test runs first (tests run in random order); the realm is removed after the class. */
    private static Upgraded upgraded;

    @InjectAdminClient
    Keycloak admin;

    record Run(int exitCode, String output) {
        List<String> lines() {
            return output.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    record Merchant(String email, JsonNode user, JsonNode credentials, JsonNode links) {
    }

    record Upgraded(Map<String, Merchant> before, JsonNode smtp, String clientSecret, JsonNode google, Run dryRun,
                    Run first, Run second) {
    }

    @BeforeEach
    void upgradeOnce() throws Exception {
        if (upgraded == null) {
            upgraded = importPreviousRealmAndUpgrade();
        }
    }

    @AfterAll
    static void removeTheRealm() {
        try (Keycloak keycloak = Keycloak.getInstance(Pages.base(), "master", ADMIN, ADMIN, "admin-cli")) {
            keycloak.realm(NAME).remove();
        } catch (NotFoundException e) {
            // never made
        }
    }

    @Test
    void theFirstRunSaysWhatItChangedOneLineEachAndTheSecondChangesNothing() {
        Run first = upgraded.first();
        assertEquals(0, first.exitCode(), first.output());
        for (String expected : List.of(
                "create flow 'merchant browser' as in the file",
                "create flow 'merchant reset credentials' as in the file",
                "rebuild flow 'merchant first broker login' as in the file",
                "rebuild flow 'merchant post broker login' as in the file",
                "add to config '" + MAILBOX + "': addressSignUpsPer10Minutes='10'",
                "kept: config '" + MAILBOX + "' resendPerHour='7' (the file has '5')",
                "kept: config '" + BROKER_CONFIG + "' allowedHostedDomains='shop.test' (the file has '')",
                "register required action 'webauthn-register-passwordless'",
                "bind browserFlow: 'browser' -> 'merchant browser'",
                "bind resetCredentialsFlow: 'reset credentials' -> 'merchant reset credentials'",
                "webAuthnPolicyPasswordlessRpEntityName: 'keycloak' -> 'Merchant Support'",
                "add localization text fr 'merchantNameWebAddress'",
                "user profile: attribute 'name' gets validator 'merchant-person-name'")) {
            assertTrue(first.lines().stream().anyMatch(l -> l.startsWith(expected)), "'" + expected + "' in:\n" + first.output());
        }
        assertTrue(first.lines().get(first.lines().size() - 1).matches("\\d+ change\\(s\\) made to realm '" + NAME + "'\\."), first.output());

        // The dry run before it announced the same changes, and made none (the first run still had them all to make).
        Run dryRun = upgraded.dryRun();
        assertEquals(0, dryRun.exitCode(), dryRun.output());
        assertEquals(changes(first).stream().map(l -> "would " + l).toList(), changes(dryRun), dryRun.output());

        Run second = upgraded.second();
        assertEquals(0, second.exitCode(), second.output());
        assertEquals(List.of("No change: realm '" + NAME + "' already has this file's flows, required actions and settings."),
                second.lines().stream().filter(l -> !l.startsWith("kept: ")).toList(), second.output());
        assertEquals(first.lines().stream().filter(l -> l.startsWith("kept: ")).sorted().toList(),
                second.lines().stream().filter(l -> l.startsWith("kept: ")).sorted().toList(), "the same values kept, and said so");
    }

    @Test
    void theMerchantsAreUntouchedTheirIdsAttributesCredentialsAndLinks() {
        RealmResource realm = admin.realm(NAME);
        assertEquals(3, upgraded.before().size());
        upgraded.before().forEach((id, before) -> {
            Merchant after = merchant(realm, id, before.email());
            assertEquals(before.user(), after.user(), before.email());
            assertEquals(before.credentials(), after.credentials(), before.email());
            assertEquals(before.links(), after.links(), before.email());
        });
        assertEquals(3, realm.users().count());
    }

    @Test
    void secretsSmtpAndTheProvidersClientAreKept() {
        RealmResource realm = admin.realm(NAME);
        assertEquals(upgraded.clientSecret(), clientSecret(realm));
        assertEquals(upgraded.smtp(), RealmFile.tree(realm.toRepresentation().getSmtpServer()));
        IdentityProviderRepresentation google = realm.identityProviders().get("google").toRepresentation();
        assertEquals(upgraded.google().path("config").path("clientId"), RealmFile.tree(google).path("config").path("clientId"));
        assertEquals("merchant first broker login", google.getFirstBrokerLoginFlowAlias());
        assertEquals("merchant post broker login", google.getPostBrokerLoginFlowAlias());
    }

    /** Value for value the current file (placeholders filled as on the test server), but the two values the admin changed. */
    @Test
    void theUpgradedRealmIsTheCurrentFileButWhatTheAdminChanged() {
        ObjectNode file = (ObjectNode) RealmFile.tree(RealmFile.filled());
        file.put("realm", NAME);
        List<String> differences = RealmFile.differences(file, RealmFile.tree(admin.realm(NAME).partialExport(true, true)));
        assertEquals(List.of(
                "$.authenticatorConfig[alias=" + MAILBOX + "].config.resendPerHour: the file says \"5\", the server holds \"7\"",
                "$.authenticatorConfig[alias=" + BROKER_CONFIG + "].config.allowedHostedDomains: the file says \"\", the server holds \"shop.test\""),
                differences);
    }

    @Test
    void theNewLimitsHaveTheirDefaultsAndTheValueTheAdminChangedIsKept() {
        AuthenticationManagementResource flows = admin.realm(NAME).flows();
        Map<String, String> mailbox = config(flows, "merchant registration", "merchant-check-your-mailbox");
        assertEquals("7", mailbox.get("resendPerHour"), "the admin's value");
        assertEquals("1", mailbox.get("resendPerMinute"));
        assertEquals("10", mailbox.get("addressSignUpsPer10Minutes"));
        assertEquals("20", mailbox.get("addressEmailsPerHour"));
        assertEquals("1000", mailbox.get("realmEmailsPerHour"));
        assertEquals("3", mailbox.get("captchaClimbAfterSignUps"));
        assertEquals(Map.of("addressResetsPerHour", "20", "accountResetsPerMinute", "1", "accountResetsPerHour", "5"),
                config(flows, "merchant reset credentials", "merchant-reset-choose-user"));
        // The broker steps were replaced by the split ones; their one shared configuration kept the admin's domain.
        assertEquals("shop.test", config(flows, "merchant first broker login", "merchant-idp-link-verified-email").get("allowedHostedDomains"));
        assertEquals("shop.test", config(flows, "merchant post broker login", "merchant-idp-finish-sign-in").get("allowedHostedDomains"));
        assertTrue(flows.getFlows().stream().noneMatch(f -> f.getAlias().endsWith(" upgrading")), "no temporary flow left");
    }

    @Test
    void thePasskeyPolicyTheRequiredActionsTheProfileAndTheTextsAreTheFiles() {
        RealmResource realm = admin.realm(NAME);
        JsonNode file = RealmFile.tree(RealmFile.raw());
        JsonNode server = RealmFile.tree(realm.toRepresentation());
        file.fieldNames().forEachRemaining(field -> {
            if (field.startsWith("webAuthnPolicyPasswordless")) {
                assertEquals(file.get(field), server.get(field), field);
            }
        });
        Map<String, RequiredActionProviderRepresentation> actions = new LinkedHashMap<>();
        realm.flows().getRequiredActions().forEach(a -> actions.put(a.getAlias(), a));
        file.get("requiredActions").forEach(wanted -> {
            RequiredActionProviderRepresentation action = actions.get(wanted.get("alias").asText());
            assertNotNull(action, wanted.get("alias").asText());
            assertEquals(wanted.get("enabled").asBoolean(), action.isEnabled(), action.getAlias());
            assertEquals(wanted.get("defaultAction").asBoolean(), action.isDefaultAction(), action.getAlias());
            assertEquals(wanted.get("priority").asInt(), action.getPriority(), action.getAlias());
        });
        UPAttribute name = realm.users().userProfile().getConfiguration().getAttribute("name");
        assertTrue(name.getValidations().containsKey("merchant-person-name"), name.getValidations().toString());
        assertEquals(file.path("localizationTexts").path("de").path("merchantNameWebAddress").asText(),
                realm.localization().getRealmLocalizationText("de", "merchantNameWebAddress"));
    }

    @Test
    void forgotMyPasswordIsTheMerchantFlowWithTheCaptchaOfThatRealm() {
        assertEquals("merchant reset credentials", admin.realm(NAME).toRepresentation().getResetCredentialsFlow());
        FormBrowser browser = new FormBrowser().open(Pages.base() + "/realms/" + NAME + "/login-actions/reset-credentials?client_id="
                + MerchantRealm.HELP_CENTER_CLIENT);
        assertEquals(200, browser.status(), browser.text());
        assertNotNull(browser.page().selectFirst("form" + Journey.RESET_FORM + " #merchant-captcha[data-captcha-provider=altcha]"),
                "the captcha on Keycloak's reset page:\n" + browser.page());
        // The challenge endpoint answers for this realm too (each realm signs with its own key).
        browser.submit(Journey.RESET_FORM, Map.of("username", "nobody-here@shop.test", "altcha", AltchaSolver.solve(NAME)));
        assertEquals(200, browser.status(), browser.text());
        assertNotNull(browser.page().selectFirst("#kc-form-login"), "Keycloak's answer for any address, the sign-in page:\n" + browser.text());
    }

    @Test
    void theFinishedMerchantSignsInWithTheirPasswordThroughTheMerchantBrowserFlow() {
        assertEquals("merchant browser", admin.realm(NAME).toRepresentation().getBrowserFlow());
        String email = upgraded.before().values().stream().filter(m -> m.email().startsWith("finished")).findFirst().orElseThrow().email();
        FormBrowser browser = new FormBrowser().open(Pages.signIn().toString()
                .replace("/realms/" + MerchantRealm.NAME + "/", "/realms/" + NAME + "/"));
        browser.submit("#kc-form-login", Map.of("username", email, "password", PASSWORD));
        assertTrue(MerchantRealm.atHelpCenter(browser.location()), "signed in: " + browser.url() + "\n" + browser.text());
    }

    // -- the realm before the upgrade ----------------------------------------------------------------------------

    private Upgraded importPreviousRealmAndUpgrade() throws Exception {
        removeTheRealm(); // left by an aborted run
        ObjectNode previous = (ObjectNode) RealmFile.tree(RealmFile.fill(fixture(), System.getenv()));
        previous.put("realm", NAME);
        admin.realms().create(RealmFile.read(previous.toString(), RealmRepresentation.class));
        RealmResource realm = admin.realm(NAME);

        // What an admin changed in the console since the import: a limit of the mailbox step, the allowed domains.
        changeConfig(realm.flows(), "merchant registration", "merchant-check-your-mailbox", "resendPerHour", "7");
        changeConfig(realm.flows(), "merchant first broker login", "merchant-verified-email-link", "allowedHostedDomains", "shop.test");

        Map<String, Merchant> before = new LinkedHashMap<>();
        String finished = merchant(realm, "finished", true, "completed", List.of(), true);
        String waiting = merchant(realm, "waiting", false, "awaiting-password", List.of("merchant-create-password"), false);
        String google = merchant(realm, "google", true, "completed", List.of(), false);
        FederatedIdentityRepresentation link = new FederatedIdentityRepresentation();
        link.setIdentityProvider("google");
        link.setUserId("google-subject-" + google);
        link.setUserName(realm.users().get(google).toRepresentation().getEmail());
        try (Response response = realm.users().get(google).addFederatedIdentity("google", link)) {
            assertEquals(204, response.getStatus());
        }
        for (String id : List.of(finished, waiting, google)) {
            before.put(id, merchant(realm, id, realm.users().get(id).toRepresentation().getEmail()));
        }
        JsonNode smtp = RealmFile.tree(realm.toRepresentation().getSmtpServer());
        String secret = clientSecret(realm);
        JsonNode googleProvider = RealmFile.tree(realm.identityProviders().get("google").toRepresentation());

        Run dryRun = script("--realm", NAME, "--dry-run");
        Run first = script("--realm", NAME);
        Run second = script("--realm", NAME);
        return new Upgraded(before, smtp, secret, googleProvider, dryRun, first, second);
    }

    private static String fixture() {
        try (InputStream in = RealmUpgradeTest.class.getResourceAsStream(FIXTURE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An account as the previous version left it: finished (a password, verified), or waiting for its welcome link. */
    private static String merchant(RealmResource realm, String who, boolean verified, String journey, List<String> actions,
                                   boolean password) {
        String email = who + "-" + System.nanoTime() + "@shop.test";
        UserRepresentation user = new UserRepresentation();
        user.setUsername(email);
        user.setEmail(email);
        user.setEnabled(true);
        user.setEmailVerified(verified);
        user.singleAttribute("name", "Merchant " + who);
        user.singleAttribute("merchantJourney", journey);
        user.setRequiredActions(actions);
        if (password) {
            CredentialRepresentation credential = new CredentialRepresentation();
            credential.setType(CredentialRepresentation.PASSWORD);
            credential.setValue(PASSWORD);
            credential.setTemporary(false);
            user.setCredentials(List.of(credential));
        }
        try (Response response = realm.users().create(user)) {
            assertEquals(201, response.getStatus(), response.readEntity(String.class));
            String location = response.getLocation().getPath();
            return location.substring(location.lastIndexOf('/') + 1);
        }
    }

    private static Merchant merchant(RealmResource realm, String id, String email) {
        var user = realm.users().get(id);
        return new Merchant(email, RealmFile.tree(user.toRepresentation()), RealmFile.tree(user.credentials()),
                RealmFile.tree(user.getFederatedIdentity()));
    }

    private static String clientSecret(RealmResource realm) {
        ClientRepresentation client = realm.clients().findByClientId(MerchantRealm.HELP_CENTER_CLIENT).get(0);
        return realm.clients().get(client.getId()).getSecret().getValue();
    }

    private static AuthenticatorConfigRepresentation configRep(AuthenticationManagementResource flows, String flow, String provider) {
        AuthenticationExecutionInfoRepresentation execution = flows.getExecutions(flow).stream()
                .filter(e -> provider.equals(e.getProviderId())).findFirst()
                .orElseThrow(() -> new AssertionError(provider + " not in " + flow));
        assertNotNull(execution.getAuthenticationConfig(), provider + " has no settings in " + flow);
        return flows.getAuthenticatorConfig(execution.getAuthenticationConfig());
    }

    private static Map<String, String> config(AuthenticationManagementResource flows, String flow, String provider) {
        return configRep(flows, flow, provider).getConfig();
    }

    private static void changeConfig(AuthenticationManagementResource flows, String flow, String provider, String key, String value) {
        AuthenticatorConfigRepresentation config = configRep(flows, flow, provider);
        config.getConfig().put(key, value);
        flows.updateAuthenticatorConfig(config.getId(), config);
    }

    /** The change lines of a run: neither "kept:" nor the summary. */
    private static List<String> changes(Run run) {
        List<String> lines = new ArrayList<>(run.lines().stream().filter(l -> !l.startsWith("kept: ")).toList());
        lines.remove(lines.size() - 1);
        return lines;
    }

    /** {@code python3 scripts/upgrade-realm.py ...} from the repository's root, as a deployer runs it. */
    private static Run script(String... arguments) throws Exception {
        Path root = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
        List<String> command = new ArrayList<>(List.of("python3", "scripts/upgrade-realm.py"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        builder.environment().put("KEYCLOAK_URL", Pages.base());
        builder.environment().put("KEYCLOAK_ADMIN", ADMIN);
        builder.environment().put("KEYCLOAK_ADMIN_PASSWORD", ADMIN);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the script ended");
        assertFalse(output.contains("Traceback"), output);
        return new Run(process.exitValue(), output);
    }
}
