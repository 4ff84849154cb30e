package com.merchantsupport.helpcenter;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtmlTest {

    @Test
    void escapesEveryCharacterThatCanBreakOutOfTextOrAttributes() {
        assertEquals("&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;",
                Html.escape("<script>alert(\"x\") & 'y'</script>"));
    }

    @Test
    void leavesOrdinaryTextAlone() {
        assertEquals("Zoë Müller, café 42", Html.escape("Zoë Müller, café 42"));
    }

    @Test
    void treatsNullAsEmpty() {
        assertEquals("", Html.escape(null));
    }

    @Test
    void pagesEscapeTheNameAndEmailFromTheIdToken() {
        String html = Pages.signedInHome(new SignedInUser(
                java.util.Map.of("name", "<b>Eve</b>", "email", "eve\"@example.com"), "token"));
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
    void errorPagesEscapeTheirDetail() {
        String html = Pages.error(400, "Oops", "Keycloak reported: <img src=x>");
        assertTrue(html.contains("Keycloak reported: &lt;img src=x&gt;"), html);
        assertTrue(html.contains("href=\"/\""), html);
    }
}
