package com.merchantsupport.helpcenter;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every value that reaches a page is escaped there, for element content and attributes alike. */
class PagesTest {

    @Test
    void escapesEveryCharacterThatCanBreakOutOfTextOrAttributes() {
        String html = Pages.error(400, "Oops", "<script>alert(\"x\") & 'y'</script>");
        assertTrue(html.contains("&lt;script&gt;alert(&quot;x&quot;) &amp; &apos;y&apos;&lt;/script&gt;"), html);
        assertFalse(html.contains("<script>"), html);
    }

    @Test
    void leavesOrdinaryTextAlone() {
        String html = Pages.error(400, "Oops", "Zoë Müller, café 42");
        assertTrue(html.contains(">Zoë Müller, café 42<"), html);
    }

    @Test
    void aUserWithoutEmailGetsNoEmptyEmailLine() {
        String html = Pages.signedInHome(new SignedInUser(Map.of("sub", "merchant-42"), "token"));
        assertTrue(html.contains("Welcome, merchant-42!"), html);
        assertFalse(html.contains("id=\"email\""), html);
        assertFalse(html.contains("null"), html);
    }

    @Test
    void pagesEscapeTheNameAndEmailFromTheIdToken() {
        String html = Pages.signedInHome(new SignedInUser(Map.of("name", "<b>Eve</b>", "email", "eve\"@example.com"), "token"));
        assertTrue(html.contains("Welcome, &lt;b&gt;Eve&lt;/b&gt;!"), html);
        assertTrue(html.contains("eve&quot;@example.com"), html);
        assertFalse(html.contains("<b>Eve"), html);
    }

    @Test
    void signInLinksCarryTheLocaleEncodedAndEscaped() {
        String html = Pages.signedOutHome("fr\"><x");
        assertTrue(html.contains("href=\"/login?ui_locales=fr%22%3E%3Cx\""), html);
        assertFalse(html.contains("\"><x"), html);
    }

    @Test
    void errorPagesEscapeTheirDetailAndLeadHome() {
        String html = Pages.error(400, "Oops", "Keycloak reported: <img src=x>");
        assertTrue(html.contains("Keycloak reported: &lt;img src=x&gt;"), html);
        assertTrue(html.contains("href=\"/\""), html);
    }
}
