package com.merchantsupport.it.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Solves the realm's ALTCHA challenge the way the widget's worker does: what a real browser would post. */
public final class AltchaSolver {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AltchaSolver() {
    }

    public static String solve(String realm) {
        return solveAt(Pages.base(), realm);
    }

    /** A challenge from the server at {@code base} (one node of a cluster, say), solved. */
    public static String solveAt(String base, String realm) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(base + "/realms/" + realm + "/altcha/challenge")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("challenge endpoint answered " + response.statusCode());
            }
            return solve(JSON.readTree(response.body()));
        } catch (Exception e) {
            throw new IllegalStateException("could not solve the ALTCHA challenge", e);
        }
    }

    public static String solve(JsonNode challenge) throws Exception {
        String salt = challenge.get("salt").asText();
        String expected = challenge.get("challenge").asText();
        long max = challenge.get("maxnumber").asLong();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (long n = 0; n <= max; n++) {
            String hex = HexFormat.of().formatHex(sha.digest((salt + n).getBytes(StandardCharsets.UTF_8)));
            if (hex.equals(expected)) {
                Map<String, Object> payload = new LinkedHashMap<>();
                payload.put("algorithm", challenge.get("algorithm").asText());
                payload.put("challenge", expected);
                payload.put("number", n);
                payload.put("salt", salt);
                payload.put("signature", challenge.get("signature").asText());
                return Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(payload));
            }
        }
        throw new IllegalStateException("no solution up to " + max);
    }
}
