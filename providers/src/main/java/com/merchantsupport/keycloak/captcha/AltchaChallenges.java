package com.merchantsupport.keycloak.captcha;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import org.altcha.altcha.Altcha;
import org.altcha.altcha.Altcha.Algorithm;
import org.altcha.altcha.Altcha.Challenge;
import org.altcha.altcha.Altcha.ChallengeOptions;
import org.altcha.altcha.Altcha.Payload;
import org.keycloak.util.JsonSerialization;

/**
 * ALTCHA v1 challenges and solutions, with no Keycloak session in sight (the provider feeds it keys, the
 * clock and the replay store), so every refusal can be tested on its own.
 *
 * <p>A challenge is {@code SHA-256(salt + secretNumber)}, signed with HMAC-SHA-256 under the realm's derived key
 * ({@link AltchaKeys}). The salt carries, the library's way, the expiry ({@code expires}, epoch seconds) and the
 * realm name ({@code realm}); both are covered by the signature once the number is right.
 */
public final class AltchaChallenges {

    /** The only hash our challenges use. */
    public static final String ALGORITHM = "SHA-256";
    /** A genuine payload is about 300 characters; anything past this is refused before decoding. */
    public static final int MAX_PAYLOAD_CHARS = 4096;
    static final String EXPIRES_PARAM = "expires";
    static final String REALM_PARAM = "realm";

    /** Remembers an accepted solution for its remaining lifetime; false when it was already used. */
    @FunctionalInterface
    public interface ReplayGuard {
        boolean firstUse(String signature, long lifespanSeconds);
    }

    private AltchaChallenges() {
    }

    /**
     * A fresh challenge as the widget expects it (fields {@code algorithm}, {@code challenge}, {@code maxnumber},
     * {@code salt}, {@code signature}).
     */
    public static Map<String, Object> create(String hmacKey, String realmName, long maxNumber, long expiresAtEpochSeconds) {
        try {
            Challenge challenge = Altcha.createChallenge(new ChallengeOptions()
                    .setAlgorithm(Algorithm.SHA256)
                    .setMaxNumber(maxNumber)
                    .setSecureRandomNumber(true)
                    .setHmacKey(hmacKey)
                    .setExpires(expiresAtEpochSeconds)
                    .addParam(REALM_PARAM, realmName));
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("algorithm", challenge.algorithm);
            json.put("challenge", challenge.challenge);
            json.put("maxnumber", challenge.maxnumber);
            json.put("salt", challenge.salt);
            json.put("signature", challenge.signature);
            return json;
        } catch (Exception e) {
            throw new IllegalStateException("Could not create an ALTCHA challenge", e);
        }
    }

    /**
     * Checks the widget's base64 payload.
     *
     * @param payload    the {@code altcha} form field
     * @param realmName  the realm the form belongs to
     * @param hmacKeys   every key a challenge of this realm may be signed with (active first, then passive)
     * @param nowSeconds Keycloak's clock (epoch seconds), the only clock the check reads
     * @param replay     consulted only for an otherwise valid solution
     */
    public static CaptchaResult verify(String payload, String realmName, Collection<String> hmacKeys, long nowSeconds,
                                       ReplayGuard replay) {
        if (payload == null || payload.isBlank()) {
            return CaptchaResult.failed(CaptchaFailure.MISSING);
        }
        if (payload.length() > MAX_PAYLOAD_CHARS) {
            return CaptchaResult.failed(CaptchaFailure.TOO_LARGE, payload.length() + " characters");
        }
        Optional<Payload> parsed = parse(payload.trim());
        if (parsed.isEmpty()) {
            return CaptchaResult.failed(CaptchaFailure.MALFORMED);
        }
        Payload solution = parsed.get();
        if (!ALGORITHM.equals(solution.algorithm)) {
            return CaptchaResult.failed(CaptchaFailure.ALGORITHM, solution.algorithm);
        }
        Map<String, String> params;
        try {
            params = Altcha.extractParams(solution.salt);
        } catch (Exception e) {
            return CaptchaResult.failed(CaptchaFailure.MALFORMED, "salt");
        }
        String challengeRealm = params.get(REALM_PARAM);
        if (challengeRealm == null) {
            return CaptchaResult.failed(CaptchaFailure.MALFORMED, "no realm in salt");
        }
        if (!challengeRealm.equals(realmName)) {
            return CaptchaResult.failed(CaptchaFailure.WRONG_REALM, challengeRealm);
        }
        Optional<String> key = signingKey(solution, hmacKeys);
        if (key.isEmpty()) {
            return CaptchaResult.failed(CaptchaFailure.SIGNATURE);
        }
        if (!solves(solution)) {
            return CaptchaResult.failed(CaptchaFailure.WRONG_NUMBER);
        }
        long expires;
        try {
            expires = Long.parseLong(params.getOrDefault(EXPIRES_PARAM, ""));
        } catch (NumberFormatException e) {
            return CaptchaResult.failed(CaptchaFailure.MALFORMED, "no expiry in salt");
        }
        if (nowSeconds > expires) {
            return CaptchaResult.failed(CaptchaFailure.EXPIRED, (nowSeconds - expires) + " s late");
        }
        // Everything above is our own reading, for a precise reason; the library has the last word on the
        // hash and the signature. Not on time: its expiry check reads the system clock, ours Keycloak's (Time,
        // which tests and operators can offset), and two clocks would disagree at the edges.
        boolean valid;
        try {
            valid = Altcha.verifySolution(solution, key.get(), false);
        } catch (Exception e) {
            valid = false;
        }
        if (!valid) {
            return CaptchaResult.failed(CaptchaFailure.MALFORMED, "refused by the ALTCHA library");
        }
        if (!replay.firstUse(solution.signature, Math.max(1, expires - nowSeconds))) {
            return CaptchaResult.failed(CaptchaFailure.REPLAYED);
        }
        return CaptchaResult.ok();
    }

    private static Optional<Payload> parse(String payload) {
        byte[] json;
        try {
            json = Base64.getDecoder().decode(payload);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = JsonSerialization.mapper.readTree(json);
        } catch (Exception e) {
            return Optional.empty();
        }
        if (node == null || !node.isObject()) {
            return Optional.empty();
        }
        JsonNode number = node.get("number");
        if (!text(node, "algorithm") || !text(node, "challenge") || !text(node, "salt") || !text(node, "signature")
                || number == null || !number.isIntegralNumber() || !number.canConvertToLong() || number.asLong() < 0) {
            return Optional.empty();
        }
        Payload solution = new Payload();
        solution.algorithm = node.get("algorithm").asText();
        solution.challenge = node.get("challenge").asText();
        solution.number = number.asLong();
        solution.salt = node.get("salt").asText();
        solution.signature = node.get("signature").asText();
        return Optional.of(solution);
    }

    private static boolean text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() && !value.asText().isEmpty();
    }

    private static Optional<String> signingKey(Payload solution, Collection<String> hmacKeys) {
        byte[] claimed = solution.signature.getBytes(StandardCharsets.UTF_8);
        for (String key : hmacKeys) {
            try {
                String expected = Altcha.hmacHex(Algorithm.SHA256, solution.challenge.getBytes(StandardCharsets.UTF_8), key);
                if (MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), claimed)) {
                    return Optional.of(key);
                }
            } catch (Exception e) {
                // a key the JCA cannot use signs nothing
            }
        }
        return Optional.empty();
    }

    private static boolean solves(Payload solution) {
        try {
            String hash = Altcha.hashHex(Algorithm.SHA256, solution.salt + solution.number);
            return MessageDigest.isEqual(hash.getBytes(StandardCharsets.UTF_8),
                    solution.challenge.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            return false;
        }
    }
}
