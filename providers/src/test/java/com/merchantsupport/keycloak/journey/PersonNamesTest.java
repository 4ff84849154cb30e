package com.merchantsupport.keycloak.journey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class PersonNamesTest {

    private static final Path LOGIN_MESSAGES = Path.of(System.getProperty("basedir", "."))
            .resolve("../themes/merchant-support/login/messages");

    /** One name per forbidden class, each in the middle of a name. */
    static final List<String> FORBIDDEN = List.of(
            "Ada\u0000Lovelace", "Ada\u0007Lovelace", "Ada\tLovelace", "Ada\nLovelace", "Ada\r\nBcc: x@evil.test", "Ada\u0085Lovelace",
            "Ada\u007FLovelace", "Ada\u009BLovelace",
            "Ada\u202ALovelace", "Ada\u202BLovelace", "Ada\u202CLovelace", "Ada\u202DLovelace", "Ada\u202Egnp.exe",
            "Ada\u2066Lovelace", "Ada\u2067Lovelace", "Ada\u2068Lovelace", "Ada\u2069Lovelace",
            "Ada\u200ELovelace", "Ada\u200FLovelace", "Ada\u061CLovelace",
            "Ada\u200BLovelace", "Ada\u2060Lovelace", "Ada\uFEFFLovelace", "Ada\u2028Lovelace", "Ada\u2029Lovelace",
            "Ada\u00ADLovelace", "Ada\uDB40\uDC41Lovelace" /* a tag character outside an emoji flag */, "Ada\uD800Lovelace");

    private static Optional<String> refusal(String name) {
        return PersonNames.refusal(name);
    }

    @Test
    void namesMerchantsHaveAreAccepted() {
        for (String name : List.of("Ada Lovelace", "محمد بن موسى", "Zoë O'Brien-Łukasz (Paris)", "李小龍", "Ada Lovelace <script>",
                "می\u200Cخواهم", "مهرداد\u200Cی", "\uD83D\uDC69\u200D\uD83D\uDCBB Ana", "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67 family",
                "Ana \uD83C\uDFF4\uDB40\uDC67\uDB40\uDC62\uDB40\uDC73\uDB40\uDC63\uDB40\uDC74\uDB40\uDC7F", "Ana \uD83D\uDC4D\uD83C\uDFFD",
                "J. R. R. Tolkien", "evil.com", "ada@shop.test", "www Ada", "Ada: //not a scheme")) {
            assertEquals(Optional.empty(), refusal(name), name);
        }
        assertEquals(Optional.empty(), refusal(null));
    }

    @Test
    void controlBidiAndInvisibleCharactersAreRefused() {
        for (String name : FORBIDDEN) {
            assertEquals(Optional.of(PersonNames.INVISIBLE_CHARACTERS), refusal(name), escaped(name));
        }
    }

    @Test
    void joinersOnlyInsideAWord() {
        for (String name : List.of("\u200DAda", "Ada\u200D", "\u200CAda", "Ada\u200C", "Ada \u200DLovelace", "Ada\u200C Lovelace",
                "Ada\u200D\u200DLovelace", "Ada\u200C\u200DLovelace", "\u200D", "Ada\u200D\u202ELovelace")) {
            assertEquals(Optional.of(PersonNames.INVISIBLE_CHARACTERS), refusal(name), escaped(name));
        }
    }

    @Test
    void aWebAddressIsRefused() {
        for (String name : List.of("Ada https://evil.test", "http://evil.test", "javascript://x", "Ada ://", "Ada\uFF1A\uFF0F\uFF0Fevil")) {
            assertEquals(Optional.of(PersonNames.WEB_ADDRESS), refusal(name), name);
        }
    }

    @Test
    void aProvidersNameIsCleanedNotRefused() {
        assertEquals("Ada Lovelace", PersonNames.clean("Ada\u0000\n  Lovelace\t"));
        assertEquals("Ada Lovelace", PersonNames.clean("Ada\u202E Lovelace\u200B"));
        assertEquals("AdaLovelace", PersonNames.clean("Ada\u200BLovelace"), "invisible characters go, they were no space");
        assertEquals("Ada Lovelace", PersonNames.clean("Ada https://evil.test Lovelace"));
        assertEquals("Ada", PersonNames.clean("Ada\u200D"));
        assertEquals("Ada\u200DLovelace", PersonNames.clean("Ada\u200D\u200DLovelace"), "a doubled joiner: one kept");
        assertEquals("می\u200Cخواهم", PersonNames.clean("می\u200Cخواهم"));
        assertEquals("\uD83D\uDC69\u200D\uD83D\uDCBB Ana", PersonNames.clean("\uD83D\uDC69\u200D\uD83D\uDCBB Ana"));
        assertNull(PersonNames.clean("https://evil.test"));
        assertNull(PersonNames.clean("\u202E\u200B \u0007"));
        assertNull(PersonNames.clean(null));
        assertEquals(MerchantProfile.NAME_MAX_LENGTH, PersonNames.clean("é".repeat(300)).length());
    }

    @Test
    void whatCleanLeavesFollowsTheRule() {
        List<String> inputs = new ArrayList<>(FORBIDDEN);
        inputs.addAll(List.of("\u200DAda\u200C", "Ada \u200D Lovelace", "a\u200D\u200C\u200Db", "x\uDB40\uDC67\uDB40\uDC68",
                "\uD83C\uDFF4\u200B\uDB40\uDC67", "Ada\uFF1A\uFF0F\uFF0Fevil Lovelace", "a".repeat(254) + "\u200D" + "b",
                "a".repeat(254) + "\uD83D\uDE00"));
        for (String input : inputs) {
            String cleaned = PersonNames.clean(input);
            assertTrue(cleaned == null || refusal(cleaned).isEmpty() && cleaned.length() <= MerchantProfile.NAME_MAX_LENGTH
                    && cleaned.equals(cleaned.strip()), escaped(input) + " -> " + escaped(cleaned));
        }
    }

    @Test
    void aMailGreetsByTheNameOnlyWhenNoMailClientCouldMakeItALink() {
        for (String name : List.of("Ada Lovelace", "J. R. R. Tolkien", "Zoë O'Brien", "می\u200Cخواهم", "\uD83D\uDC69\u200D\uD83D\uDCBB Ana",
                "Ada Lovelace <script>", "Dr. Who", "Ada 2.0")) {
            assertFalse(PersonNames.looksLikeLink(name), name);
        }
        for (String name : List.of("evil.com", "Visit evil.com now", "a.b", "shop1.io", "ada@shop.test", "Ada @ home", "www", "WWW Ada",
                "wWw", "Ada https://evil.test", "Ada://", "evil\uFF0Ecom", "evil\u3002com", "Ada\uFF20evil", "Ada\u202Egnp.exe",
                "Ada\u200BLovelace")) {
            assertTrue(PersonNames.looksLikeLink(name), escaped(name));
        }
        assertTrue(PersonNames.looksLikeLink(null));
        assertEquals(Optional.of("Ada Lovelace"), MerchantProfile.greetingName("Ada Lovelace"));
        assertEquals(Optional.empty(), MerchantProfile.greetingName("evil.com"));
        assertEquals(Optional.empty(), MerchantProfile.greetingName(MerchantProfile.displayName(null, null, null, "ada@shop.test")),
                "an account without a name is greeted without its email");
    }

    @Test
    void everyRefusalHasTextInTheFiveLoginBundles() throws IOException {
        for (String language : List.of("en", "fr", "de", "es", "it")) {
            Properties bundle = new Properties();
            try (Reader reader = Files.newBufferedReader(LOGIN_MESSAGES.resolve("messages_" + language + ".properties"), StandardCharsets.UTF_8)) {
                bundle.load(reader);
            }
            for (String key : List.of(PersonNames.INVISIBLE_CHARACTERS, PersonNames.WEB_ADDRESS)) {
                assertTrue(bundle.containsKey(key), key + " in login/messages_" + language);
            }
        }
    }

    private static String escaped(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        s.chars().forEach(c -> out.append(c < 0x20 || c > 0x7E ? String.format("\\u%04X", c) : String.valueOf((char) c)));
        return out.toString();
    }
}
