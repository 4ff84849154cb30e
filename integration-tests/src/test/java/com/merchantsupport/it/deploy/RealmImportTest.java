package com.merchantsupport.it.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.merchantsupport.it.support.TestRealmCopy;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.merchantsupport.it.support.KeycloakDistribution;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.MerchantSupportServer;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.PartialImportRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.userprofile.config.UPAttribute;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.realm.ManagedRealm;

/**
 * realm-export/merchant-support-realm.json imports as is, its placeholders filled from the environment, in
 * every way a deployer imports it: {@code start --import-realm} (how this suite's server starts),
 * {@code kc.sh import}, a realm created from the file through the admin API, and the admin API's partial
 * import. Importing it again changes nothing.
 */
@KeycloakIntegrationTest(config = MerchantSupportServer.class)
class RealmImportTest {

    @InjectRealm(attachTo = MerchantRealm.NAME)
    ManagedRealm realm;

    @InjectAdminClient
    Keycloak admin;

    @Test
    void startImportRealmMadeTheRealmTheFileDescribes() {
        // The suite's server imported the file with the per-address limits raised (TestRealmCopy): the same here.
        JsonNode file = TestRealmCopy.raise(RealmFile.tree(RealmFile.filled()));

        JsonNode server = RealmFile.tree(realm.admin().partialExport(true, true));

        assertEquals(List.of(), RealmFile.differences(file, server));
        // What the export masks, and the placeholders it would not show unfilled.
        assertEquals(System.getenv("MERCHANT_SUPPORT_CENTER_CLIENT_SECRET"), clientSecret(realm.admin()));
        String exported = server.toString();
        RealmFile.placeholders().forEach((name, fallback) -> {
            if (System.getenv(name) != null || fallback != null) {
                assertFalse(exported.contains("${" + name), name + " left unfilled");
            }
        });
        // The sign-up asks for a name and an email, nothing else.
        assertEquals(List.of("username", "name", "email"),
                realm.admin().users().userProfile().getConfiguration().getAttributes().stream().map(UPAttribute::getName).toList());
    }

    @Test
    void partialImportOfTheFileIntoTheLiveRealmSkipsEverythingAndChangesNothing() {
        JsonNode before = snapshot(realm.admin());

        JsonNode results = partialImport(realm.admin(), RealmFile.filled(), PartialImportRepresentation.Policy.SKIP);

        assertEquals(0, results.path("added").asInt(), results.toString());
        assertEquals(0, results.path("overwritten").asInt(), results.toString());
        assertTrue(results.path("results").findValuesAsText("resourceName").contains(MerchantRealm.HELP_CENTER_CLIENT),
                "the help center client is in the file's partial import: " + results);
        results.path("results").forEach(r -> assertEquals("SKIPPED", r.path("action").asText(), r.toString()));
        assertEquals(List.of(), RealmFile.changes(before, snapshot(realm.admin())), "the realm after a second import");
    }

    @Test
    void aRealmCreatedFromTheFileByTheAdminApiMatchesItAndAnOverwritingPartialImportKeepsItSo() {
        String name = "merchant-support-copy-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode file = (ObjectNode) RealmFile.tree(RealmFile.filled());
        file.put("realm", name);
        admin.realms().create(RealmFile.read(file.toString(), RealmRepresentation.class));
        RealmResource copy = admin.realm(name);
        try {
            assertEquals(List.of(), RealmFile.differences(file, RealmFile.tree(copy.partialExport(true, true))));

            JsonNode results = partialImport(copy, file.toString(), PartialImportRepresentation.Policy.OVERWRITE);

            assertEquals(0, results.path("added").asInt(), results.toString());
            assertEquals(results.path("results").size(), results.path("overwritten").asInt(), "everything overwritten: " + results);
            assertTrue(results.path("overwritten").asInt() >= 1, results.toString());
            assertEquals(List.of(), RealmFile.differences(file, RealmFile.tree(copy.partialExport(true, true))));
            assertEquals(System.getenv("MERCHANT_SUPPORT_CENTER_CLIENT_SECRET"), clientSecret(copy));
        } finally {
            copy.remove();
        }
    }

    /**
     * The admin API (and the console's "Create realm" with a resource file, which calls it) reads the file
     * verbatim: it fills no placeholder. The raw file is refused; deployers fill the placeholders first.
     */
    @Test
    void theAdminApiFillsNoPlaceholderSoTheRawFileIsRefused() {
        ObjectNode raw = (ObjectNode) RealmFile.tree(RealmFile.raw());
        String name = "merchant-support-raw-" + UUID.randomUUID().toString().substring(0, 8);
        raw.put("realm", name);

        BadRequestException refused = assertThrows(BadRequestException.class,
                () -> admin.realms().create(RealmFile.read(raw.toString(), RealmRepresentation.class)));

        assertTrue(refused.getResponse().readEntity(String.class).contains("${SMTP_FROM}"), "refused for the unfilled sender address");
        assertFalse(admin.realms().findAll().stream().anyMatch(r -> r.getRealm().equals(name)), "no half-made realm left");
    }

    /**
     * {@code kc.sh import} on a fresh installation with the pack: the realm is imported; a second run with
     * {@code --override=false} skips it and changes nothing; without it, Keycloak replaces the realm (the
     * documented default, which would delete every merchant's account: the deployer guide says so).
     */
    @Test
    void kcShImportImportsOnceAndSkipsTheSecondTime() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        RealmFile.placeholders().keySet().forEach(name -> {
            if (System.getenv(name) != null) {
                env.put(name, System.getenv(name));
            }
        });
        String file = RealmFile.path().toAbsolutePath().normalize().toString();
        try (KeycloakDistribution kc = KeycloakDistribution.unpackWithPack()) {
            Path exports = Files.createTempDirectory("merchant-kc-export-");
            try {
                KeycloakDistribution.Run first = kc.kc(env, "import", "--file=" + file, "--db=dev-file", "--cache=local");
                assertEquals(0, first.exitCode(), first.output());
                assertTrue(first.output().contains("Realm '" + MerchantRealm.NAME + "' imported"), first.output());
                JsonNode imported = export(kc, env, exports.resolve("first.json"));
                assertEquals(List.of(), RealmFile.differences(RealmFile.tree(RealmFile.filled(env)), imported),
                        "kc.sh import made the realm the file describes");

                KeycloakDistribution.Run second = kc.kc(env, "import", "--file=" + file, "--db=dev-file", "--cache=local",
                        "--override=false");
                assertEquals(0, second.exitCode(), second.output());
                assertTrue(second.output().contains("Realm '" + MerchantRealm.NAME + "' already exists. Import skipped"), second.output());
                assertFalse(second.output().contains(" ERROR "), second.output());
                assertEquals(List.of(), RealmFile.changes(imported, export(kc, env, exports.resolve("second.json"))),
                        "the realm after a second kc.sh import --override=false");

                KeycloakDistribution.Run byDefault = kc.kc(env, "import", "--file=" + file, "--db=dev-file", "--cache=local");
                assertEquals(0, byDefault.exitCode(), byDefault.output());
                assertTrue(byDefault.output().contains("Realm '" + MerchantRealm.NAME + "' already exists. Removing it before import"),
                        "kc.sh import replaces an existing realm unless --override=false: " + byDefault.output());
            } finally {
                try (var files = Files.list(exports)) {
                    files.forEach(f -> f.toFile().delete());
                }
                Files.deleteIfExists(exports);
            }
        }
    }

    private static JsonNode export(KeycloakDistribution kc, Map<String, String> env, Path target) throws Exception {
        KeycloakDistribution.Run run = kc.kc(env, "export", "--file=" + target, "--realm=" + MerchantRealm.NAME,
                "--db=dev-file", "--cache=local");
        assertEquals(0, run.exitCode(), run.output());
        JsonNode exported = RealmFile.tree(Files.readString(target));
        if (exported.isArray()) {
            for (JsonNode r : exported) {
                if (MerchantRealm.NAME.equals(r.path("realm").asText())) {
                    return r;
                }
            }
        }
        return exported;
    }

    /** The admin API's partial import (the console's Realm settings → Action → Partial import) of the file. */
    private static JsonNode partialImport(RealmResource target, String json, PartialImportRepresentation.Policy policy) {
        PartialImportRepresentation rep = RealmFile.read(json, PartialImportRepresentation.class);
        rep.setIfResourceExists(policy.name());
        try (Response response = target.partialImport(rep)) {
            String body = response.readEntity(String.class);
            assertEquals(200, response.getStatus(), body);
            return RealmFile.tree(body);
        }
    }

    /** What a realm admin can see change: the realm's settings and its export (clients, flows, scopes, components...). */
    private static JsonNode snapshot(RealmResource target) {
        ObjectNode snapshot = RealmFile.JSON.createObjectNode();
        snapshot.set("realm", RealmFile.tree(target.toRepresentation()));
        snapshot.set("export", RealmFile.tree(target.partialExport(true, true)));
        return snapshot;
    }

    private static String clientSecret(RealmResource target) {
        ClientRepresentation client = target.clients().findByClientId(MerchantRealm.HELP_CENTER_CLIENT).get(0);
        return target.clients().get(client.getId()).getSecret().getValue();
    }
}
