package com.merchantsupport.helpcenter;

import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.http.HTTPRequestSender;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.http.ReadOnlyHTTPRequest;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * All calls to Keycloak (discovery, JWKS, token) go through the JDK's HttpClient,
 * so timeouts and redirect handling are set in one place.
 */
public final class JdkHttp implements HTTPRequestSender, ResourceRetriever {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Headers HttpClient sets itself and refuses to take from callers. */
    private static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    /** A plain GET that must answer 200; returns the body. */
    public String get(URI uri) throws IOException {
        HttpResponse<String> response = execute(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + uri + " answered HTTP " + response.statusCode());
        }
        return response.body();
    }

    /** Used by the OIDC SDK for the token request. */
    @Override
    public HTTPResponse send(ReadOnlyHTTPRequest request) throws IOException {
        String body = request.getBody();
        HttpRequest.Builder builder = HttpRequest.newBuilder(request.getURI())
                .timeout(TIMEOUT)
                .method(request.getMethod().name(),
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (Map.Entry<String, List<String>> header : request.getHeaderMap().entrySet()) {
            if (!RESTRICTED_HEADERS.contains(header.getKey().toLowerCase())) {
                for (String value : header.getValue()) {
                    builder.header(header.getKey(), value);
                }
            }
        }
        HttpResponse<String> response = execute(builder.build());

        HTTPResponse converted = new HTTPResponse(response.statusCode());
        response.headers().map().forEach((name, values) -> converted.setHeader(name, values.toArray(String[]::new)));
        String contentType = response.headers().firstValue("Content-Type").orElse(null);
        if (contentType != null) {
            try {
                // The SDK checks the entity content type before it parses a JSON body.
                converted.setContentType(contentType);
            } catch (ParseException e) {
                throw new IOException("Unreadable Content-Type from " + request.getURI() + ": " + contentType, e);
            }
        }
        converted.setBody(response.body());
        return converted;
    }

    /** Used by the JOSE library to fetch the JWKS. */
    @Override
    public Resource retrieveResource(URL url) throws IOException {
        URI uri;
        try {
            uri = url.toURI();
        } catch (URISyntaxException e) {
            throw new IOException("Bad JWKS URL " + url, e);
        }
        HttpResponse<String> response = execute(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + uri + " answered HTTP " + response.statusCode());
        }
        return new Resource(response.body(), response.headers().firstValue("Content-Type").orElse(null));
    }

    private HttpResponse<String> execute(HttpRequest request) throws IOException {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while calling " + request.uri());
        }
    }
}
