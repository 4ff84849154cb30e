package com.merchantsupport.helpcenter;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionCookieTest {

    @Test
    void readsTheSessionCookieAmongOthers() {
        assertEquals("abc", SessionCookie.read(List.of("theme=dark; help_center_session=abc; lang=fr")));
        assertEquals("abc", SessionCookie.read(List.of("theme=dark", "help_center_session=abc")));
    }

    @Test
    void ignoresMissingEmptyAndLookalikeCookies() {
        assertNull(SessionCookie.read(null));
        assertNull(SessionCookie.read(List.of()));
        assertNull(SessionCookie.read(List.of("help_center_session=")));
        assertNull(SessionCookie.read(List.of("xhelp_center_session=abc")));
    }

    @Test
    void cookieIsHttpOnlyAndLaxAndSecureOnlyBehindHttps() {
        String plain = SessionCookie.set("abc", false);
        assertEquals("help_center_session=abc; Path=/; HttpOnly; SameSite=Lax", plain);
        assertTrue(SessionCookie.set("abc", true).endsWith("; Secure"));
        assertTrue(SessionCookie.clear(false).contains("Max-Age=0"));
    }

    @Test
    void queryParamsAreDecodedAndFirstValueWins() {
        QueryParams params = QueryParams.parse("state=a%2Bb&code=x+y&state=other&flag&empty=");
        assertEquals("a+b", params.get("state"));
        assertEquals("x y", params.get("code"));
        assertNull(params.get("flag"));
        assertNull(params.get("empty"));
        assertNull(params.get("missing"));
        assertNull(QueryParams.parse(null).get("state"));
    }

    @Test
    void uiLocalesKeepOnlyLanguageTags() {
        assertEquals(List.of("fr", "de-CH"),
                LoginRoute.parseUiLocales(" fr  de-CH not_a_tag!! ").stream().map(Object::toString).toList());
        assertTrue(LoginRoute.parseUiLocales(null).isEmpty());
    }
}
