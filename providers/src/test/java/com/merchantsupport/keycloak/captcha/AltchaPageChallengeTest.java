package com.merchantsupport.keycloak.captcha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.core.type.TypeReference;
import freemarker.core.HTMLOutputFormat;
import freemarker.template.Configuration;
import freemarker.template.Template;
import org.junit.jupiter.api.Test;
import org.keycloak.util.JsonSerialization;

class AltchaPageChallengeTest {

    private static final String REALM = "merchant-support";
    private static final String KEY = AltchaKeys.derive("realm-hs512-secret-of-64-bytes-for-the-test-0123456789abcdef0123".getBytes(StandardCharsets.UTF_8), "realm-id-1");

    private final AtomicInteger issued = new AtomicInteger();

    private AltchaPageChallenge challenge(String realm) {
        return new AltchaPageChallenge(() -> {
            issued.incrementAndGet();
            return Optional.of(AltchaChallenges.create(KEY, realm, 2_000, System.currentTimeMillis() / 1000 + 600));
        });
    }

    /** captcha.ftl's use: the widget's attribute, in Keycloak's output format for *.ftl (HTML, auto-escaped). */
    private static String render(Object challenge) throws Exception {
        Configuration cfg = new Configuration(Configuration.VERSION_2_3_32);
        cfg.setOutputFormat(HTMLOutputFormat.INSTANCE);
        Template template = new Template("captcha", """
                <#assign inline = (altchaChallenge!"")><altcha-widget challenge="<#if inline?has_content>${inline}<#else>${altchaChallengeUrl}</#if>"></altcha-widget>""",
                cfg);
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("altchaChallengeUrl", "https://kc.test/realms/x/altcha/challenge?a=1&b=2");
        page.put("altchaChallenge", challenge);
        StringWriter out = new StringWriter();
        template.process(page, out);
        return out.toString();
    }

    /** What a browser reads back from the attribute: the five entities FreeMarker's HTML escaping writes. */
    private static String attribute(String html) {
        String value = html.substring(html.indexOf("challenge=\"") + "challenge=\"".length(), html.indexOf("\"></altcha-widget>"));
        assertFalse(value.contains("\"") || value.contains("<") || value.contains(">"), value);
        return value.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    @Test
    void nothingIsIssuedUntilThePageReadsItThenOneChallengeForThePage() throws Exception {
        AltchaPageChallenge challenge = challenge(REALM);
        assertEquals(0, issued.get(), "a page that is not rendered issues nothing");
        String first = challenge.getAsString();
        assertEquals(first, challenge.getAsString());
        assertEquals(1, issued.get());
        render(challenge);
        assertEquals(1, issued.get(), "has_content, then the attribute: the same challenge");
    }

    @Test
    void theAttributeIsEscapedAndReadsBackAsTheChallengeThatVerifies() throws Exception {
        AltchaPageChallenge challenge = challenge("a \"quoted\" <realm> & 'more'");
        String html = render(challenge);
        String json = attribute(html);
        assertEquals(challenge.getAsString(), json);
        Map<String, Object> parsed = JsonSerialization.readValue(json, new TypeReference<Map<String, Object>>() { });
        assertEquals(List.of("algorithm", "challenge", "maxnumber", "salt", "signature"), List.copyOf(parsed.keySet()));
        parsed.put("maxnumber", ((Number) parsed.get("maxnumber")).longValue());
        CaptchaResult result = AltchaChallenges.verify(AltchaChallengesTest.solve(parsed), "a \"quoted\" <realm> & 'more'",
                List.of(KEY), System.currentTimeMillis() / 1000, (signature, lifespan) -> true);
        assertTrue(result.success(), result.reason() + " " + result.detail());
    }

    @Test
    void withoutAChallengeThePageKeepsTheEndpoint() throws Exception {
        String none = render(new AltchaPageChallenge(Optional::empty));
        assertEquals("https://kc.test/realms/x/altcha/challenge?a=1&b=2", attribute(none));
        String failed = render(new AltchaPageChallenge(() -> {
            throw new IllegalStateException("Could not create an ALTCHA challenge");
        }));
        assertEquals("https://kc.test/realms/x/altcha/challenge?a=1&b=2", attribute(failed), "a failure is no 500");
    }
}
