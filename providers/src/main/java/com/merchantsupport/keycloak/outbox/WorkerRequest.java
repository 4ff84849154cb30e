package com.merchantsupport.keycloak.outbox;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.PathSegment;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;
import org.keycloak.http.FormPartValue;
import org.keycloak.http.HttpRequest;

/**
 * What a worker's session sees as its request: the frontend base URL of the request that queued the email, and
 * its language. Keycloak builds the email's links ({@code session.getContext().getUri()}: the templates' {@code url},
 * the token's issuer, the pack's own links) from it, as it would have in that request. Nothing else is there: no
 * form, no header, no cookie, no client certificate.
 */
final class WorkerRequest implements HttpRequest {

    private final URI baseUri;
    private final List<Locale> languages;

    WorkerRequest(URI baseUri, String languageTag) {
        this.baseUri = baseUri;
        this.languages = languageTag == null ? List.of() : List.of(Locale.forLanguageTag(languageTag));
    }

    @Override
    public String getHttpMethod() {
        return "POST";
    }

    @Override
    public MultivaluedMap<String, String> getDecodedFormParameters() {
        return new MultivaluedHashMap<>();
    }

    @Override
    public MultivaluedMap<String, FormPartValue> getMultiPartFormParameters() {
        return new MultivaluedHashMap<>();
    }

    @Override
    public HttpHeaders getHttpHeaders() {
        return new Headers();
    }

    @Override
    public X509Certificate[] getClientCertificateChain() {
        return null;
    }

    @Override
    public UriInfo getUri() {
        return new Uri();
    }

    @Override
    public boolean isProxyTrusted() {
        return false;
    }

    private final class Headers implements HttpHeaders {

        @Override
        public List<String> getRequestHeader(String name) {
            return HttpHeaders.ACCEPT_LANGUAGE.equalsIgnoreCase(name) && !languages.isEmpty()
                    ? List.of(languages.get(0).toLanguageTag()) : List.of();
        }

        @Override
        public String getHeaderString(String name) {
            List<String> values = getRequestHeader(name);
            return values.isEmpty() ? null : String.join(",", values);
        }

        @Override
        public MultivaluedMap<String, String> getRequestHeaders() {
            MultivaluedMap<String, String> headers = new MultivaluedHashMap<>();
            if (!languages.isEmpty()) {
                headers.putSingle(HttpHeaders.ACCEPT_LANGUAGE, languages.get(0).toLanguageTag());
            }
            return headers;
        }

        @Override
        public List<MediaType> getAcceptableMediaTypes() {
            return List.of(MediaType.WILDCARD_TYPE);
        }

        @Override
        public List<Locale> getAcceptableLanguages() {
            return languages;
        }

        @Override
        public MediaType getMediaType() {
            return null;
        }

        @Override
        public Locale getLanguage() {
            return null;
        }

        @Override
        public Map<String, Cookie> getCookies() {
            return Map.of();
        }

        @Override
        public Date getDate() {
            return null;
        }

        @Override
        public int getLength() {
            return -1;
        }
    }

    /** The base URL is also the request URL: nothing of a path or query is kept. */
    private final class Uri implements UriInfo {

        @Override
        public String getPath() {
            return "/";
        }

        @Override
        public String getPath(boolean decode) {
            return "/";
        }

        @Override
        public List<PathSegment> getPathSegments() {
            return List.of();
        }

        @Override
        public List<PathSegment> getPathSegments(boolean decode) {
            return List.of();
        }

        @Override
        public URI getRequestUri() {
            return baseUri;
        }

        @Override
        public UriBuilder getRequestUriBuilder() {
            return UriBuilder.fromUri(baseUri);
        }

        @Override
        public URI getAbsolutePath() {
            return baseUri;
        }

        @Override
        public UriBuilder getAbsolutePathBuilder() {
            return UriBuilder.fromUri(baseUri);
        }

        @Override
        public URI getBaseUri() {
            return baseUri;
        }

        @Override
        public UriBuilder getBaseUriBuilder() {
            return UriBuilder.fromUri(baseUri);
        }

        @Override
        public MultivaluedMap<String, String> getPathParameters() {
            return new MultivaluedHashMap<>();
        }

        @Override
        public MultivaluedMap<String, String> getPathParameters(boolean decode) {
            return new MultivaluedHashMap<>();
        }

        @Override
        public MultivaluedMap<String, String> getQueryParameters() {
            return new MultivaluedHashMap<>();
        }

        @Override
        public MultivaluedMap<String, String> getQueryParameters(boolean decode) {
            return new MultivaluedHashMap<>();
        }

        @Override
        public List<String> getMatchedURIs() {
            return List.of();
        }

        @Override
        public List<String> getMatchedURIs(boolean decode) {
            return List.of();
        }

        @Override
        public List<Object> getMatchedResources() {
            return List.of();
        }

        @Override
        public URI resolve(URI uri) {
            return baseUri.resolve(uri);
        }

        @Override
        public URI relativize(URI uri) {
            return baseUri.relativize(uri);
        }
    }
}
