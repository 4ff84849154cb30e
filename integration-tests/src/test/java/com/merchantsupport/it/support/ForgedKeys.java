package com.merchantsupport.it.support;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Welcome-link keys (signed JWTs) altered the ways an attacker or a broken mail client would alter them. */
public final class ForgedKeys {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ForgedKeys() {
    }

    /** Part {@code index} of a JWT: 0 header, 1 payload, 2 signature. */
    public static String part(String jwt, int index) {
        return jwt.split("\\.", -1)[index];
    }

    public static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    public static String jwt(String headerJson, String payload, String signature) {
        return b64(headerJson) + "." + payload + "." + signature;
    }

    /** The key's own payload under {@code "alg": "none"}, without a signature. */
    public static String algNone(String key) {
        return jwt("{\"alg\":\"none\",\"typ\":\"JWT\"}", part(key, 1), "");
    }

    /** One character of the signature changed. */
    public static String flipSignature(String key) {
        String signature = part(key, 2);
        int i = signature.length() / 2;
        char flipped = signature.charAt(i) == 'A' ? 'B' : 'A';
        return key.substring(0, key.lastIndexOf('.') + 1) + signature.substring(0, i) + flipped + signature.substring(i + 1);
    }

    /** Claims changed, the old signature kept. */
    public static String withClaims(String key, Map<String, ?> claims) {
        try {
            ObjectNode payload = (ObjectNode) JSON.readTree(Base64.getUrlDecoder().decode(part(key, 1)));
            claims.forEach((name, value) -> payload.set(name, JSON.valueToTree(value)));
            String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(payload));
            return part(key, 0) + "." + encoded + "." + part(key, 2);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key's payload signed HS256 with a guessed secret. */
    public static String hs256(String key, String secret) {
        try {
            String signingInput = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + part(key, 1);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
