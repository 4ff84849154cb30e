package com.merchantsupport.keycloak.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import com.merchantsupport.keycloak.journey.MerchantProfile;
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
        assertEquals("Ada Lovelace", ProviderClaims.from(Map.of("name", "Ada Lovelace", "given_name", "X", "family_name", "Y"), true)
                .accountName("F", "L", "e@x.test"));
        assertEquals("Ada Lovelace", ProviderClaims.from(Map.of("given_name", "Ada", "family_name", "Lovelace"), true)
                .accountName("F", "L", "e@x.test"));
        assertEquals("Ada", ProviderClaims.from(Map.of("given_name", "Ada"), true).accountName(null, null, "e@x.test"));
        assertEquals("Grace Hopper", ProviderClaims.NONE.accountName("Grace", "Hopper", "e@x.test"));
        assertEquals("e@x.test", ProviderClaims.from(Map.of("name", "  "), true).accountName(null, " ", "e@x.test"));
        assertEquals("e@x.test", ProviderClaims.NONE.accountName(null, null, "e@x.test"));
    }

    @Test
    void theNamePassesTheUserProfilesValidation() {
        assertEquals("Ada Lovelace", ProviderClaims.from(Map.of("name", "Ada\u0000\n Lovelace\t"), true).accountName(null, null, "e@x.test"));
        String longName = "é".repeat(300);
        assertEquals(MerchantProfile.NAME_MAX_LENGTH,
                ProviderClaims.from(Map.of("name", longName), true).accountName(null, null, "e@x.test").length());
        String emoji = "a".repeat(254) + "😀";
        String cut = ProviderClaims.from(Map.of("name", emoji), true).accountName(null, null, "e@x.test");
        assertEquals(254, cut.length(), "no half surrogate pair");
    }
}
