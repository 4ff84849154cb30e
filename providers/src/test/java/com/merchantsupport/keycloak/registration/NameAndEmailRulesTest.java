package com.merchantsupport.keycloak.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.keycloak.models.utils.FormMessage;

class NameAndEmailRulesTest {

    private static List<String> refusals(String name, String email) {
        return NameAndEmailRules.check(NameAndEmailRules.normalizeName(name), NameAndEmailRules.normalizeEmail(email))
                .stream().map(m -> m.getField() + ":" + m.getMessage()).toList();
    }

    @Test
    void acceptsWhatMerchantsType() {
        assertEquals(List.of(), refusals("Ada Lovelace", "ada@shop.com"));
        assertEquals(List.of(), refusals("محمد بن موسى", "m@shop.example"));
        assertEquals(List.of(), refusals("Zoë O'Brien-Łukasz (Paris)", "zoe+support@shop.co.uk"));
        assertEquals(List.of(), refusals("👩‍💻 Grace", "g@x.io"), "emoji joiners are not control characters");
        assertEquals(List.of(), refusals("مهرداد\u200Cی", "m@x.io"), "the Persian zero-width non-joiner is part of names");
    }

    @Test
    void trimsTheNameAndLowerCasesTheEmail() {
        assertEquals("Ada", NameAndEmailRules.normalizeName("  Ada \t"));
        assertEquals("ada@shop.com", NameAndEmailRules.normalizeEmail(" Ada@Shop.COM "));
        assertEquals("", NameAndEmailRules.normalizeEmail(null));
    }

    @Test
    void refusesMissingValues() {
        assertEquals(List.of("name:merchantNameMissing", "email:merchantEmailMissing"), refusals("  ", ""));
    }

    @Test
    void refusesOversizeValuesAtTheLimitsOfTheUserProfile() {
        assertEquals(List.of(), refusals("n".repeat(255), "a@b.co"));
        assertEquals(List.of("name:merchantNameTooLong"), refusals("n".repeat(256), "a@b.co"));
        String email254 = "a".repeat(64) + "@" + "b".repeat(185) + ".com";
        assertEquals(254, email254.length());
        assertEquals(List.of(), refusals("Ada", email254));
        assertEquals(List.of("email:merchantEmailTooLong"), refusals("Ada", "c" + email254));
    }

    @Test
    void countsCharactersNotUtf16Units() {
        assertEquals(List.of(), refusals("😀".repeat(255), "a@b.co"));
    }

    @Test
    void refusesControlAndBidiOverrideCharactersInTheName() {
        for (String name : List.of("Ada\u0000", "Ada\r\nBcc: x@evil.test", "Ada\u0007", "Ada\u202Eevil", "A\u2028da", "A\u200Bda")) {
            assertEquals(List.of("name:merchantNameControlCharacters"), refusals(name, "a@b.co"), name);
        }
    }

    @Test
    void theFormAsksTheRuleOfNamesTheUserProfileAsks() {
        assertEquals(List.of("name:merchantNameWebAddress"), refusals("Ada https://evil.test", "a@b.co"));
        assertEquals(List.of("name:merchantNameControlCharacters"), refusals("Ada\u200D", "a@b.co"), "a joiner at the end");
        assertEquals(List.of(), refusals("می\u200Cخواهم", "a@b.co"));
    }

    @Test
    void refusesEmailsThatAreNotAddresses() {
        for (String email : List.of("ada", "ada@", "@shop.com", "ada@shop", "ada@@shop.com", "a da@shop.com", "ada@shop.com.",
                "ada@shop.com\r\nBcc: x@evil.test")) {
            List<FormMessage> errors = NameAndEmailRules.check("Ada", NameAndEmailRules.normalizeEmail(email));
            assertEquals(1, errors.size(), email);
            assertEquals("merchantEmailInvalid", errors.get(0).getMessage(), email);
        }
    }

    @Test
    void theEventReasonIsTheFirstRefusal() {
        assertEquals("merchantNameMissing", NameAndEmailRules.reason(NameAndEmailRules.check("", "")));
        assertTrue(NameAndEmailRules.reason(List.of()) == null);
    }

    @Test
    void alreadyUsedModeDefaultsToTheSeedsBehaviour() {
        assertEquals(AlreadyUsedMode.REVEAL, AlreadyUsedMode.from(null));
        assertEquals(AlreadyUsedMode.REVEAL, AlreadyUsedMode.from("nonsense"));
        assertEquals(AlreadyUsedMode.PRIVATE, AlreadyUsedMode.from(" Private "));
    }
}
