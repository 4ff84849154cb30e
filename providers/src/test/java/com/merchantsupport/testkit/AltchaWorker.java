package com.merchantsupport.testkit;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.altcha.altcha.Altcha;

/**
 * Solves an ALTCHA challenge as the widget's worker does, and answers what the widget posts: base64 of the JSON
 * {algorithm, challenge, number, salt, signature}. The one solver of the integration tests and the benchmarks
 * (both get it from this module's test-jar).
 */
public final class AltchaWorker {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AltchaWorker() {
    }

    /** The challenge endpoint's JSON answer, solved. */
    public static String solve(String challengeJson) {
        try {
            return solve(JSON.readValue(challengeJson, new TypeReference<Map<String, Object>>() { }));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("not a challenge: " + challengeJson, e);
        }
    }

    /** A challenge as the server issues it (the endpoint's fields), solved. */
    public static String solve(Map<String, ?> challenge) {
        String algorithm = String.valueOf(challenge.get("algorithm"));
        String expected = String.valueOf(challenge.get("challenge"));
        String salt = String.valueOf(challenge.get("salt"));
        long max = ((Number) challenge.get("maxnumber")).longValue();
        Altcha.Solution solution;
        try {
            solution = Altcha.solveChallenge(expected, salt, algorithm(algorithm), max, 0);
        } catch (Exception e) {
            throw new IllegalStateException("could not solve " + challenge, e);
        }
        if (solution == null) {
            throw new IllegalStateException("no solution up to " + max + " for " + challenge);
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("algorithm", algorithm);
        payload.put("challenge", expected);
        payload.put("number", solution.number);
        payload.put("salt", salt);
        payload.put("signature", challenge.get("signature"));
        try {
            return Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(payload));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Altcha.Algorithm algorithm(String name) {
        for (Altcha.Algorithm a : Altcha.Algorithm.values()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("not an ALTCHA algorithm: " + name);
    }
}
