package com.merchantsupport.keycloak.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ProviderClaimsAndNamesTest {

    @Test
    void readsGoogleStyleClaims() {
        ProviderClaims claims = ProviderClaims.from(Map.of("sub", "1", "email", " ada@shop.test ", "email_verified", true,
                "hd", "shop.test", "name", "Ada Lovelace", "given_name", "Ada", "family_name", "Lovelace"), true);

        assertTrue(claims.idToken());
        assertTrue(claims.signatureChecked());
        assertEquals("ada@shop.test", claims.email());
        assertEquals(Boolean.TRUE, claims.emailVerified());
        assertEquals("shop.test", claims.hostedDomain());
        assertEquals("Ada Lovelace", claims.name());
    }

    @Test
    void absentOrOddClaimsAreAbsent() {
        Map<String, Object> map = new HashMap<>();
        map.put("email_verified", 1);
        map.put("hd", " ");
        ProviderClaims claims = ProviderClaims.from(map, true);

        assertNull(claims.emailVerified());
        assertNull(claims.hostedDomain());
        assertNull(claims.email());
        assertFalse(ProviderClaims.from(null, true).idToken());
    }

    @Test
    void theNameClaimFirstThenGivenAndFamilyThenUserinfoNamesThenTheEmail() {
        assertEquals("Ada Lovelace", MerchantNames.fromProvider(
                ProviderClaims.from(Map.of("name", "Ada Lovelace", "given_name", "X", "family_name", "Y"), true), "F", "L", "e@x.test"));
        assertEquals("Ada Lovelace", MerchantNames.fromProvider(
                ProviderClaims.from(Map.of("given_name", "Ada", "family_name", "Lovelace"), true), "F", "L", "e@x.test"));
        assertEquals("Ada", MerchantNames.fromProvider(ProviderClaims.from(Map.of("given_name", "Ada"), true), null, null, "e@x.test"));
        assertEquals("Grace Hopper", MerchantNames.fromProvider(ProviderClaims.NONE, "Grace", "Hopper", "e@x.test"));
        assertEquals("e@x.test", MerchantNames.fromProvider(ProviderClaims.from(Map.of("name", "  "), true), null, " ", "e@x.test"));
        assertEquals("e@x.test", MerchantNames.fromProvider(null, null, null, "e@x.test"));
    }

    @Test
    void theNamePassesTheUserProfilesValidation() {
        assertEquals("Ada Lovelace", MerchantNames.fromProvider(
                ProviderClaims.from(Map.of("name", "Ada\u0000\n Lovelace\t"), true), null, null, "e@x.test"));
        String longName = "é".repeat(300);
        assertEquals(MerchantNames.MAX_LENGTH, MerchantNames.fromProvider(
                ProviderClaims.from(Map.of("name", longName), true), null, null, "e@x.test").length());
        String emoji = "a".repeat(254) + "😀";
        String cut = MerchantNames.fromProvider(ProviderClaims.from(Map.of("name", emoji), true), null, null, "e@x.test");
        assertEquals(254, cut.length(), "no half surrogate pair");
    }
}
