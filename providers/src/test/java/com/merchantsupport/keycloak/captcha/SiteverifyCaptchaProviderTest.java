package com.merchantsupport.keycloak.captcha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;
import org.apache.http.conn.ConnectTimeoutException;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.http.simple.SimpleHttp;

class SiteverifyCaptchaProviderTest {

    /** Fails the test if a refusal that needs no vendor reached the vendor. */
    private static final SiteverifyHttp NEVER_CALLED = (url, fields, connect, read, max) -> {
        throw new AssertionError("the vendor was called");
    };

    private final RecaptchaCaptchaProvider recaptcha = new RecaptchaCaptchaProvider();
    private final HCaptchaCaptchaProvider hcaptcha = new HCaptchaCaptchaProvider();
    private final TurnstileCaptchaProvider turnstile = new TurnstileCaptchaProvider();
    /** The production code path (SimpleHttp, per-request config) over a plain Apache client instead of Keycloak's. */
    private final CloseableHttpClient client = HttpClients.createDefault();
    private final SiteverifyHttp http = SiteverifyHttp.over(() -> SimpleHttp.create(client));
    private HttpServer stub;

    @AfterEach
    void stopStubAndClient() throws IOException {
        if (stub != null) {
            stub.stop(0);
        }
        client.close();
    }

    private static CaptchaSettings settings(String provider, Map<String, String> more) {
        Map<String, String> config = new HashMap<>(Map.of(
                CaptchaSettings.PROVIDER, provider,
                CaptchaSettings.SITE_KEY, "site-key",
                CaptchaSettings.SECRET_KEY, "secret-key"));
        config.putAll(more);
        return CaptchaSettings.from(config);
    }

    private static CaptchaFailure interpret(SiteverifyCaptchaProvider provider, CaptchaSettings settings, String body) {
        return provider.interpret(body, settings).failure();
    }

    @Test
    void successIsAccepted() {
        assertEquals(null, interpret(turnstile, settings("turnstile", Map.of()), "{\"success\":true,\"hostname\":\"x\"}"));
        assertEquals(null, interpret(hcaptcha, settings("hcaptcha", Map.of()), "{\"success\":true}"));
        assertEquals(null, interpret(recaptcha, settings("recaptcha", Map.of()), "{\"success\":true}"));
    }

    @Test
    void vendorErrorCodesAreMappedToMessagesTheMerchantUnderstands() {
        CaptchaSettings s = settings("turnstile", Map.of());
        assertEquals(CaptchaFailure.SECRET_REJECTED, interpret(turnstile, s, "{\"success\":false,\"error-codes\":[\"invalid-input-secret\"]}"));
        assertEquals(CaptchaFailure.SECRET_REJECTED, interpret(turnstile, s, "{\"success\":false,\"error-codes\":[\"invalid-parsed-secret\"]}"));
        assertEquals(CaptchaFailure.EXPIRED, interpret(turnstile, s, "{\"success\":false,\"error-codes\":[\"timeout-or-duplicate\"]}"));
        assertEquals(CaptchaFailure.INVALID_RESPONSE, interpret(recaptcha, s, "{\"success\":false,\"error-codes\":[\"invalid-input-response\"]}"));
        assertEquals(CaptchaFailure.MISSING, interpret(recaptcha, s, "{\"success\":false,\"error-codes\":[\"missing-input-response\"]}"));
        assertEquals(CaptchaFailure.UNAVAILABLE, interpret(turnstile, s, "{\"success\":false,\"error-codes\":[\"internal-error\"]}"));
        assertEquals(CaptchaFailure.REPLAYED, interpret(hcaptcha, s, "{\"success\":false,\"error-codes\":[\"already-seen-response\"]}"));
        assertEquals(CaptchaFailure.SECRET_REJECTED, interpret(hcaptcha, s, "{\"success\":false,\"error-codes\":[\"sitekey-secret-mismatch\"]}"));
        assertEquals(CaptchaFailure.REFUSED, interpret(hcaptcha, s, "{\"success\":false,\"error-codes\":[\"something-new\"]}"));
        assertEquals(CaptchaFailure.REFUSED, interpret(hcaptcha, s, "{\"success\":false}"));
        assertEquals(CaptchaFailure.EXPIRED, interpret(hcaptcha, s, "{\"success\":false,\"error-codes\":[\"unknown\",\"expired-input-response\"]}"),
                "the first code that names a problem wins");
        assertEquals(CaptchaMessages.NOT_CONFIGURED, CaptchaFailure.SECRET_REJECTED.messageKey());
        assertEquals(CaptchaMessages.UNAVAILABLE, CaptchaFailure.TIMEOUT.messageKey());
    }

    @Test
    void unreadableAnswersAreAnOutage() {
        CaptchaSettings s = settings("turnstile", Map.of());
        assertEquals(CaptchaFailure.UNAVAILABLE, interpret(turnstile, s, "<html>Bad gateway</html>"));
        assertEquals(CaptchaFailure.UNAVAILABLE, interpret(turnstile, s, "{\"ok\":true}"));
        assertEquals(CaptchaFailure.UNAVAILABLE, interpret(turnstile, s, "{\"success\":\"true\"}"));
        assertEquals(CaptchaFailure.UNAVAILABLE, interpret(turnstile, s, ""));
    }

    @Test
    void recaptchaV3ChecksScoreAndAction() {
        CaptchaSettings v3 = settings("recaptcha", Map.of(CaptchaSettings.RECAPTCHA_VERSION, "v3",
                CaptchaSettings.RECAPTCHA_MIN_SCORE, "0.7"));
        assertEquals(null, interpret(recaptcha, v3, "{\"success\":true,\"score\":0.9,\"action\":\"register\"}"));
        assertEquals(null, interpret(recaptcha, v3, "{\"success\":true,\"score\":0.7,\"action\":\"register\"}"));
        assertEquals(CaptchaFailure.SCORE_TOO_LOW, interpret(recaptcha, v3, "{\"success\":true,\"score\":0.3,\"action\":\"register\"}"));
        assertEquals(CaptchaFailure.ACTION_MISMATCH, interpret(recaptcha, v3, "{\"success\":true,\"score\":0.9,\"action\":\"login\"}"));
        assertEquals(CaptchaFailure.ACTION_MISMATCH, interpret(recaptcha, v3, "{\"success\":true,\"score\":0.9}"));
        assertEquals(CaptchaFailure.NOT_CONFIGURED, interpret(recaptcha, v3, "{\"success\":true}"), "a v2 key behind a v3 setting");
        CaptchaSettings v2 = settings("recaptcha", Map.of());
        assertEquals(null, interpret(recaptcha, v2, "{\"success\":true,\"score\":0.1,\"action\":\"login\"}"), "v2 ignores score");
    }

    @Test
    void recaptchaScriptDependsOnVersion() {
        assertEquals("https://www.google.com/recaptcha/api.js?hl=fr",
                recaptcha.scriptUrl(settings("recaptcha", Map.of()), Locale.FRENCH));
        assertEquals("https://www.google.com/recaptcha/api.js?render=site-key&hl=de",
                recaptcha.scriptUrl(settings("recaptcha", Map.of(CaptchaSettings.RECAPTCHA_VERSION, "v3")), Locale.GERMAN));
    }

    @Test
    void refusesWithoutKeysOrAnswerWithoutCallingTheVendor() {
        CaptchaSettings noKeys = CaptchaSettings.from(Map.of(CaptchaSettings.PROVIDER, "turnstile", CaptchaSettings.SITE_KEY, "x"));
        assertEquals(CaptchaFailure.NOT_CONFIGURED, turnstile.verify(NEVER_CALLED, "token", "127.0.0.1", noKeys).failure());
        CaptchaSettings s = settings("turnstile", Map.of());
        assertEquals(CaptchaFailure.MISSING, turnstile.verify(NEVER_CALLED, "", "127.0.0.1", s).failure());
        assertEquals(CaptchaFailure.TOO_LARGE, turnstile.verify(NEVER_CALLED, "x".repeat(20_000), "127.0.0.1", s).failure());
        for (String url : List.of("ftp://127.0.0.1/siteverify", "not a url", "https:///no-host")) {
            CaptchaSettings badUrl = settings("turnstile", Map.of(CaptchaSettings.VERIFY_URL, url));
            assertEquals(CaptchaFailure.NOT_CONFIGURED, turnstile.verify(NEVER_CALLED, "token", "127.0.0.1", badUrl).failure(), url);
        }
    }

    @Test
    void callsTheVendorsOwnEndpointWithTheStepsTimeouts() {
        AtomicReference<String> calledUrl = new AtomicReference<>();
        List<Duration> timeouts = new ArrayList<>();
        SiteverifyHttp recording = (url, fields, connect, read, max) -> {
            calledUrl.set(url);
            timeouts.add(connect);
            timeouts.add(read);
            return new SiteverifyHttp.Answer(200, "{\"success\":true}");
        };
        CaptchaSettings s = settings("turnstile", Map.of(CaptchaSettings.CONNECT_TIMEOUT_MS, "1500", CaptchaSettings.READ_TIMEOUT_MS, "2500"));
        assertTrue(turnstile.verify(recording, "token", "127.0.0.1", s).success());
        assertEquals("https://challenges.cloudflare.com/turnstile/v0/siteverify", calledUrl.get());
        assertEquals(List.of(Duration.ofMillis(1500), Duration.ofMillis(2500)), timeouts);
    }

    @Test
    void postsSecretResponseAndRemoteIpFormEncoded() throws Exception {
        AtomicReference<Map<String, String>> received = new AtomicReference<>();
        AtomicReference<String> contentType = new AtomicReference<>();
        String url = startStub(0, "{\"success\":true}", 200, received, contentType);
        CaptchaSettings s = settings("hcaptcha", Map.of(CaptchaSettings.VERIFY_URL, url, CaptchaSettings.SECRET_KEY, "s&cret=1"));
        CaptchaResult result = hcaptcha.verify(http, "token+/=", "203.0.113.7", s);
        assertTrue(result.success(), result.toString());
        assertTrue(contentType.get().startsWith("application/x-www-form-urlencoded"), contentType.get());
        assertEquals(Map.of("secret", "s&cret=1", "response", "token+/=", "remoteip", "203.0.113.7", "sitekey", "site-key"),
                received.get());
    }

    @Test
    void aSlowVendorIsATimeoutNotAnError() throws Exception {
        String url = startStub(3_000, "{\"success\":true}", 200, new AtomicReference<>(), new AtomicReference<>());
        CaptchaSettings s = settings("turnstile", Map.of(CaptchaSettings.VERIFY_URL, url, CaptchaSettings.READ_TIMEOUT_MS, "300"));
        long start = System.nanoTime();
        CaptchaResult result = turnstile.verify(http, "token", "127.0.0.1", s);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(CaptchaFailure.TIMEOUT, result.failure());
        assertTrue(tookMs < 2_500, "gave up after " + tookMs + " ms");
    }

    @Test
    void aConnectTimeoutIsATimeoutToo() {
        SiteverifyHttp unreachable = (url, fields, connect, read, max) -> {
            throw new ConnectTimeoutException("Connect to vendor timed out");
        };
        CaptchaResult result = turnstile.verify(unreachable, "token", "127.0.0.1", settings("turnstile", Map.of()));
        assertEquals(CaptchaFailure.TIMEOUT, result.failure());
        assertEquals("ConnectTimeoutException", result.detail());
    }

    @Test
    void anOutageIsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        CaptchaSettings refused = settings("turnstile", Map.of(CaptchaSettings.VERIFY_URL, "http://127.0.0.1:" + closedPort + "/siteverify"));
        assertEquals(CaptchaFailure.UNAVAILABLE, turnstile.verify(http, "token", "127.0.0.1", refused).failure());

        String url = startStub(0, "oops", 503, new AtomicReference<>(), new AtomicReference<>());
        CaptchaSettings failing = settings("turnstile", Map.of(CaptchaSettings.VERIFY_URL, url));
        CaptchaResult result = turnstile.verify(http, "token", "127.0.0.1", failing);
        assertEquals(CaptchaFailure.UNAVAILABLE, result.failure());
        assertEquals("HTTP 503", result.detail());
    }

    @Test
    void aRedirectOrAHugeAnswerIsAnOutageNotFollowedOrRead() throws Exception {
        String redirecting = startStub(0, "", 302, new AtomicReference<>(), new AtomicReference<>());
        CaptchaResult result = turnstile.verify(http, "token", "127.0.0.1", settings("turnstile", Map.of(CaptchaSettings.VERIFY_URL, redirecting)));
        assertEquals(CaptchaFailure.UNAVAILABLE, result.failure());
        assertEquals("HTTP 302", result.detail());
        stub.stop(0);

        String huge = startStub(0, "{\"success\":true,\"pad\":\"" + "x".repeat(200_000) + "\"}", 200,
                new AtomicReference<>(), new AtomicReference<>());
        assertEquals(CaptchaFailure.UNAVAILABLE,
                turnstile.verify(http, "token", "127.0.0.1", settings("turnstile", Map.of(CaptchaSettings.VERIFY_URL, huge))).failure());
    }

    private String startStub(long delayMs, String body, int status, AtomicReference<Map<String, String>> received,
                             AtomicReference<String> contentType) throws IOException {
        stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stub.createContext("/siteverify", exchange -> {
            String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> fields = new HashMap<>();
            for (String pair : form.split("&")) {
                String[] kv = pair.split("=", 2);
                fields.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
            received.set(fields);
            contentType.set(exchange.getRequestHeaders().getFirst("Content-Type"));
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (status / 100 == 3) {
                exchange.getResponseHeaders().add("Location", "http://127.0.0.1:1/elsewhere");
            }
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            } catch (IOException ignored) {
                // the client gave up (timeout test)
            }
        });
        stub.start();
        return "http://127.0.0.1:" + stub.getAddress().getPort() + "/siteverify";
    }
}
