package com.merchantsupport.keycloak.captcha;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.http.client.config.RequestConfig;
import org.keycloak.http.simple.SimpleHttp;
import org.keycloak.http.simple.SimpleHttpResponse;
import org.keycloak.models.KeycloakSession;

/**
 * The one outgoing call of a siteverify vendor: POST a form, read the answer. In Keycloak it goes through
 * {@link SimpleHttp} over the server's {@code HttpClientProvider}, so the deployer's proxy mappings and truststore
 * apply; the timeouts are the captcha step's own, set per request. Unit tests hand the same code a plain client.
 */
@FunctionalInterface
public interface SiteverifyHttp {

    /** What the vendor answered: HTTP status and body. */
    record Answer(int status, String body) {
    }

    /**
     * @throws InterruptedIOException when the connect or read timeout ran out (Apache's
     *                                {@code ConnectTimeoutException} and {@code SocketTimeoutException} are both one)
     * @throws IOException            any other failure to get an answer, including one longer than {@code maxBytes}
     */
    Answer postForm(String url, Map<String, String> fields, Duration connectTimeout, Duration readTimeout, long maxBytes)
            throws IOException;

    /** Keycloak's outgoing HTTP client, as configured by the deployer. */
    static SiteverifyHttp of(KeycloakSession session) {
        return over(() -> SimpleHttp.create(session));
    }

    /** Any {@link SimpleHttp}; a fresh one per call, as its settings are per request. */
    static SiteverifyHttp over(Supplier<SimpleHttp> http) {
        return (url, fields, connectTimeout, readTimeout, maxBytes) -> {
            // Replaces the client's default request config for this call only: proxy and TLS live in the client.
            RequestConfig config = RequestConfig.custom()
                    .setConnectTimeout(millis(connectTimeout))
                    .setConnectionRequestTimeout(millis(connectTimeout))
                    .setSocketTimeout(millis(readTimeout))
                    .setRedirectsEnabled(false)
                    .build();
            try (SimpleHttpResponse response = http.get().withRequestConfig(config).withMaxConsumedResponseSize(maxBytes)
                    .doPost(url).params(fields).acceptJson().asResponse()) {
                return new Answer(response.getStatus(), response.asString());
            }
        };
    }

    private static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, duration.toMillis()));
    }
}
