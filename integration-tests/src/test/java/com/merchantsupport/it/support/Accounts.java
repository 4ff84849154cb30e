package com.merchantsupport.it.support;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.realm.ManagedRealm;

/** Accounts as the admin API sees them. */
public final class Accounts {

    private Accounts() {
    }

    /** A fresh address per test, so tests never see each other's accounts. */
    public static String newEmail(String who) {
        return who + "-" + UUID.randomUUID().toString().substring(0, 8) + "@shop.test";
    }

    public static List<UserRepresentation> withEmail(ManagedRealm realm, String email) {
        return realm.admin().users().searchByEmail(email, true);
    }

    public static UserRepresentation one(ManagedRealm realm, String email) {
        List<UserRepresentation> users = withEmail(realm, email);
        if (users.size() != 1) {
            throw new AssertionError("expected one account for " + email + ", found " + users.size());
        }
        return users.get(0);
    }

    /** A merchant who finished the journey long ago: verified email and a password. */
    public static String existingMerchant(ManagedRealm realm, String email, String password) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(email);
        user.setEmail(email);
        user.setEnabled(true);
        user.setEmailVerified(true);
        user.singleAttribute("name", "Existing Merchant");
        CredentialRepresentation credential = new CredentialRepresentation();
        credential.setType(CredentialRepresentation.PASSWORD);
        credential.setValue(password);
        credential.setTemporary(false);
        user.setCredentials(List.of(credential));
        try (var response = realm.admin().users().create(user)) {
            if (response.getStatus() != 201) {
                throw new AssertionError("could not create " + email + ": " + response.getStatus() + " " + response.readEntity(String.class));
            }
            String location = response.getLocation().getPath();
            return location.substring(location.lastIndexOf('/') + 1);
        }
    }

    public static List<CredentialRepresentation> credentials(ManagedRealm realm, String userId) {
        return realm.admin().users().get(userId).credentials();
    }

    /** What the admin console shows of an account, to compare before and after: a request must not change it. */
    public record Snapshot(String email, boolean enabled, boolean emailVerified, Map<String, List<String>> attributes,
                           List<String> requiredActions, List<String> credentials) {
    }

    public static Snapshot snapshot(ManagedRealm realm, String userId) {
        UserRepresentation user = realm.admin().users().get(userId).toRepresentation();
        List<String> credentials = credentials(realm, userId).stream()
                .map(c -> c.getType() + ":" + c.getId() + ":" + c.getCreatedDate()).sorted().toList();
        return new Snapshot(user.getEmail(), Boolean.TRUE.equals(user.isEnabled()), Boolean.TRUE.equals(user.isEmailVerified()),
                user.getAttributes() == null ? Map.of() : new TreeMap<>(user.getAttributes()),
                user.getRequiredActions() == null ? List.of() : user.getRequiredActions().stream().sorted().toList(),
                credentials);
    }
}
