package com.merchantsupport.keycloak.captcha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.altcha.altcha.Altcha;
import org.junit.jupiter.api.Test;
import org.keycloak.util.JsonSerialization;

class AltchaChallengesTest {

    private static final String REALM = "merchant-support";
    private static final String KEY = AltchaKeys.derive("realm-hs512-secret-of-64-bytes-for-the-test-0123456789abcdef0123".getBytes(StandardCharsets.UTF_8), "realm-id-1");
    private static final long MAX = 2_000;

    private final Set<String> used = new HashSet<>();
    private final AltchaChallenges.ReplayGuard guard = (signature, lifespan) -> {
        assertTrue(lifespan > 0, "lifespan must be positive");
        return used.add(signature);
    };

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static Map<String, Object> challenge(String key, String realm, long expiresAt) {
        return AltchaChallenges.create(key, realm, MAX, expiresAt);
    }

    /** What the widget does: find the number, send base64(JSON). */
    static String solve(Map<String, Object> challenge) throws Exception {
        String salt = (String) challenge.get("salt");
        for (long n = 0; n <= (Long) challenge.get("maxnumber"); n++) {
            if (Altcha.hashHex(Altcha.Algorithm.SHA256, salt + n).equals(challenge.get("challenge"))) {
                return payload(challenge, n, Map.of());
            }
        }
        throw new AssertionError("no solution found");
    }

    static String payload(Map<String, Object> challenge, Object number, Map<String, Object> overrides) throws Exception {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("algorithm", challenge.get("algorithm"));
        json.put("challenge", challenge.get("challenge"));
        json.put("number", number);
        json.put("salt", challenge.get("salt"));
        json.put("signature", challenge.get("signature"));
        json.put("took", 12);
        json.putAll(overrides);
        return Base64.getEncoder().encodeToString(JsonSerialization.writeValueAsBytes(json));
    }

    private static long numberOf(String payload) throws Exception {
        return JsonSerialization.mapper.readTree(Base64.getDecoder().decode(payload)).get("number").asLong();
    }

    private CaptchaResult verify(String payload) {
        return AltchaChallenges.verify(payload, REALM, List.of(KEY), now(), guard);
    }

    @Test
    void challengeHasTheV1FieldsAndTheSaltCarriesExpiryAndRealm() throws Exception {
        long expires = now() + 600;
        Map<String, Object> c = challenge(KEY, REALM, expires);
        assertEquals(Set.of("algorithm", "challenge", "maxnumber", "salt", "signature"), c.keySet());
        assertEquals("SHA-256", c.get("algorithm"));
        assertEquals(MAX, c.get("maxnumber"));
        Map<String, String> params = Altcha.extractParams((String) c.get("salt"));
        assertEquals(Long.toString(expires), params.get("expires"));
        assertEquals(REALM, params.get("realm"));
        assertEquals(64, ((String) c.get("signature")).length());
    }

    @Test
    void acceptsAGoodSolutionOnce() throws Exception {
        String payload = solve(challenge(KEY, REALM, now() + 600));
        assertEquals("ok", verify(payload).reason());
        assertEquals(CaptchaFailure.REPLAYED, verify(payload).failure());
    }

    @Test
    void refusesMissingAnswers() {
        assertEquals(CaptchaFailure.MISSING, verify(null).failure());
        assertEquals(CaptchaFailure.MISSING, verify("   ").failure());
    }

    @Test
    void refusesPayloadsOver4Kb() throws Exception {
        String payload = solve(challenge(KEY, REALM, now() + 600));
        String padded = payload(challenge(KEY, REALM, now() + 600), 1, Map.of("took", "x".repeat(4000)));
        assertTrue(padded.length() > AltchaChallenges.MAX_PAYLOAD_CHARS);
        assertEquals(CaptchaFailure.TOO_LARGE, verify(padded).failure());
        assertTrue(payload.length() < 1000, "a genuine payload is small: " + payload.length());
    }

    @Test
    void refusesWhatIsNotBase64Json() throws Exception {
        assertEquals(CaptchaFailure.MALFORMED, verify("not base64 at all!").failure());
        assertEquals(CaptchaFailure.MALFORMED, verify(Base64.getEncoder().encodeToString("no json".getBytes())).failure());
        assertEquals(CaptchaFailure.MALFORMED, verify(Base64.getEncoder().encodeToString("[1,2]".getBytes())).failure());
        Map<String, Object> c = challenge(KEY, REALM, now() + 600);
        assertEquals(CaptchaFailure.MALFORMED, verify(payload(c, "12", Map.of())).failure(), "number as text");
        assertEquals(CaptchaFailure.MALFORMED, verify(payload(c, -1, Map.of())).failure(), "negative number");
        Map<String, Object> noSignature = new LinkedHashMap<>(c);
        noSignature.remove("signature");
        assertEquals(CaptchaFailure.MALFORMED, verify(payload(noSignature, 1, Map.of())).failure());
    }

    @Test
    void refusesAnotherAlgorithm() throws Exception {
        Map<String, Object> c = challenge(KEY, REALM, now() + 600);
        String solved = solve(c);
        long number = numberOf(solved);
        assertEquals(CaptchaFailure.ALGORITHM, verify(payload(c, number, Map.of("algorithm", "SHA-1"))).failure());
        assertEquals(CaptchaFailure.ALGORITHM, verify(payload(c, number, Map.of("algorithm", "sha-256"))).failure());
    }

    @Test
    void refusesAForgedSignature() throws Exception {
        // Signed with a key this realm does not have.
        String forged = solve(challenge(AltchaKeys.derive("attacker".getBytes(), "realm-id-1"), REALM, now() + 600));
        assertEquals(CaptchaFailure.SIGNATURE, verify(forged).failure());
        // A genuine challenge with the signature changed.
        Map<String, Object> c = challenge(KEY, REALM, now() + 600);
        long number = numberOf(solve(c));
        String flipped = "0".repeat(64);
        assertEquals(CaptchaFailure.SIGNATURE, verify(payload(c, number, Map.of("signature", flipped))).failure());
    }

    @Test
    void refusesAWrongNumber() throws Exception {
        Map<String, Object> c = challenge(KEY, REALM, now() + 600);
        long number = numberOf(solve(c));
        assertEquals(CaptchaFailure.WRONG_NUMBER, verify(payload(c, number + 1, Map.of())).failure());
    }

    @Test
    void refusesALongerExpiryWrittenIntoTheSalt() throws Exception {
        Map<String, Object> c = challenge(KEY, REALM, now() + 600);
        long number = numberOf(solve(c));
        String salt = ((String) c.get("salt")).replaceFirst("expires=\\d+", "expires=" + (now() + 999_999));
        assertEquals(CaptchaFailure.WRONG_NUMBER, verify(payload(c, number, Map.of("salt", salt))).failure());
    }

    @Test
    void refusesAnExpiredChallenge() throws Exception {
        String expiredBySystemClock = solve(challenge(KEY, REALM, now() - 5));
        assertEquals(CaptchaFailure.EXPIRED, verify(expiredBySystemClock).failure());
        // Keycloak's clock moved on (time offset in tests) while the system clock did not.
        String stillValid = solve(challenge(KEY, REALM, now() + 60));
        assertEquals(CaptchaFailure.EXPIRED,
                AltchaChallenges.verify(stillValid, REALM, List.of(KEY), now() + 61, guard).failure());
        assertTrue(used.isEmpty(), "refused solutions are not remembered");
    }

    @Test
    void expiryIsJudgedByKeycloaksClockAlone() throws Exception {
        // Past its expiry by the system clock, but not by Keycloak's (behind it here): accepted, as Keycloak's
        // clock is the one the challenge was issued by.
        String expiredBySystemClock = solve(challenge(KEY, REALM, now() - 30));
        CaptchaResult result = AltchaChallenges.verify(expiredBySystemClock, REALM, List.of(KEY), now() - 60, guard);
        assertEquals("ok", result.reason(), result.toString());
    }

    @Test
    void refusesAChallengeFromAnotherRealm() throws Exception {
        String otherKey = AltchaKeys.derive("other-realm-secret".getBytes(), "realm-id-2");
        String fromOtherRealm = solve(challenge(otherKey, "other-realm", now() + 600));
        assertEquals(CaptchaFailure.WRONG_REALM, verify(fromOtherRealm).failure());
        // Even if the other realm's challenge claimed to be ours, its signature is not ours.
        String claimingOurs = solve(challenge(otherKey, REALM, now() + 600));
        assertEquals(CaptchaFailure.SIGNATURE, verify(claimingOurs).failure());
    }

    @Test
    void acceptsChallengesSignedBeforeAKeyRotation() throws Exception {
        String oldKey = KEY;
        String newKey = AltchaKeys.derive("the-new-active-hs512-secret".getBytes(), "realm-id-1");
        String signedBefore = solve(challenge(oldKey, REALM, now() + 600));
        assertEquals("ok", AltchaChallenges.verify(signedBefore, REALM, List.of(newKey, oldKey), now(), guard).reason());
        String signedBeforeAgain = solve(challenge(oldKey, REALM, now() + 600));
        assertEquals(CaptchaFailure.SIGNATURE,
                AltchaChallenges.verify(signedBeforeAgain, REALM, List.of(newKey), now(), guard).failure(),
                "once the old key is disabled, its challenges are refused");
    }

    @Test
    void keyDerivationIsStableAndSeparatedPerRealm() {
        byte[] secret = "same-hs512-secret".getBytes();
        assertEquals(AltchaKeys.derive(secret, "a"), AltchaKeys.derive(secret, "a"));
        assertNotEquals(AltchaKeys.derive(secret, "a"), AltchaKeys.derive(secret, "b"));
        assertEquals(64, AltchaKeys.derive(secret, "a").length());
    }

    @Test
    void replayLifespanIsTheChallengesRemainingLifetime() throws Exception {
        long[] seen = new long[1];
        String payload = solve(challenge(KEY, REALM, now() + 120));
        AltchaChallenges.verify(payload, REALM, List.of(KEY), now(), (signature, lifespan) -> {
            seen[0] = lifespan;
            return true;
        });
        assertTrue(seen[0] > 100 && seen[0] <= 120, "lifespan " + seen[0]);
    }
}
