package com.merchantsupport.keycloak.captcha;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.jboss.logging.Logger;
import org.keycloak.crypto.Algorithm;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The ALTCHA HMAC key of a realm, derived from the realm's own HS512 key (Realm settings → Keys,
 * provider {@code hmac-generated-hs512} in a new realm): the same on every node and after a restart, never in
 * code, rotated with the realm's keys.
 *
 * <p>Derivation: {@code HMAC-SHA-256(HS512 secret, "merchant-support/altcha-challenge/v1" || 0x00 || realmId)},
 * hex-encoded. The fixed label keeps the derived key useless for anything else (domain separation): a leaked
 * captcha key signs no token, and a token key is not the captcha key. New challenges are signed with the
 * <em>active</em> HS512 key; solutions are accepted under any <em>enabled</em> HS512 key (active or passive),
 * so adding a new key with a higher priority does not break challenges in flight. Disabling or deleting a key
 * invalidates the challenges it signed.
 */
public final class AltchaKeys {

    static final String LABEL = "merchant-support/altcha-challenge/v1";
    private static final Logger LOG = Logger.getLogger(AltchaKeys.class);

    private AltchaKeys() {
    }

    /** The key new challenges are signed with; empty when the realm has no usable HS512 key. */
    public static Optional<String> signingKey(KeycloakSession session, RealmModel realm) {
        try {
            KeyWrapper active = session.keys().getActiveKey(realm, KeyUse.SIG, Algorithm.HS512);
            return Optional.ofNullable(derive(active, realm.getId()));
        } catch (RuntimeException e) {
            LOG.warnf("Realm %s has no active HS512 key: ALTCHA challenges cannot be signed (%s)", realm.getName(), e.getMessage());
            return Optional.empty();
        }
    }

    /** Every key a challenge of this realm may have been signed with, active key first. */
    public static List<String> verificationKeys(KeycloakSession session, RealmModel realm) {
        try {
            return session.keys().getKeysStream(realm, KeyUse.SIG, Algorithm.HS512)
                    .sorted((a, b) -> Boolean.compare(b.getStatus().isActive(), a.getStatus().isActive()))
                    .map(key -> derive(key, realm.getId()))
                    .filter(Objects::nonNull)
                    .distinct()
                    .toList();
        } catch (RuntimeException e) {
            LOG.warnf("Could not read the HS512 keys of realm %s (%s)", realm.getName(), e.getMessage());
            return List.of();
        }
    }

    /** The derivation itself, public for tests. */
    public static String derive(byte[] realmSecret, String realmId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(realmSecret, "HmacSHA256"));
            mac.update(LABEL.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update(realmId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static String derive(KeyWrapper key, String realmId) {
        SecretKey secret = key == null ? null : key.getSecretKey();
        byte[] encoded = secret == null ? null : secret.getEncoded();
        return encoded == null || encoded.length == 0 ? null : derive(encoded, realmId);
    }
}
