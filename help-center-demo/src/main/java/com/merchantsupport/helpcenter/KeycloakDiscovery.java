package com.merchantsupport.helpcenter;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Fetches Keycloak's discovery document on first use rather than at start, so the help
 * center can start before Keycloak; a failed fetch is not cached and is tried again next time.
 */
public final class KeycloakDiscovery {

    private final Issuer issuer;
    private final Issuer discoveryBase;
    private final ClientID clientId;
    // A lock rather than synchronized: the fetch blocks on I/O inside virtual threads.
    private final ReentrantLock lock = new ReentrantLock();
    private volatile DiscoveredProvider provider;

    public KeycloakDiscovery(HelpCenterConfig config) {
        this.issuer = new Issuer(config.issuer());
        this.discoveryBase = new Issuer(config.discoveryBaseOrIssuer());
        this.clientId = new ClientID(config.clientId());
    }

    public DiscoveredProvider get() {
        DiscoveredProvider known = provider;
        if (known != null) {
            return known;
        }
        lock.lock();
        try {
            if (provider == null) {
                provider = fetch();
            }
            return provider;
        } finally {
            lock.unlock();
        }
    }

    private DiscoveredProvider fetch() {
        try {
            // From the discovery base (compose reaches Keycloak by another name); not OIDCProviderMetadata.resolve,
            // whose issuer check ends in a generic error where this one gets its own page below.
            HTTPResponse response = OidcClient.configured(
                    new HTTPRequest(HTTPRequest.Method.GET, OIDCProviderMetadata.resolveURL(discoveryBase))).send();
            response.ensureStatusCode(200);
            OIDCProviderMetadata metadata = OIDCProviderMetadata.parse(response.getBodyAsJSONObject());
            if (!issuer.equals(metadata.getIssuer())) {
                // Tokens would carry the other issuer and all fail validation: say so now, clearly.
                throw HttpFailure.badGateway("Sign-in is misconfigured",
                        "Keycloak announces a different issuer than the one configured.",
                        new IllegalStateException("Discovery issuer " + metadata.getIssuer() + " != KEYCLOAK_ISSUER " + issuer));
            }
            if (metadata.getAuthorizationEndpointURI() == null || metadata.getTokenEndpointURI() == null
                    || metadata.getJWKSetURI() == null) {
                throw new ParseException("Discovery document lacks the authorization, token or JWKS endpoint");
            }
            int timeout = (int) OidcClient.TIMEOUT.toMillis();
            JWKSource<SecurityContext> keys = JWKSourceBuilder
                    .create(metadata.getJWKSetURI().toURL(),
                            new DefaultResourceRetriever(timeout, timeout, JWKSourceBuilder.DEFAULT_HTTP_SIZE_LIMIT))
                    .build();
            IDTokenValidator validator = new IDTokenValidator(issuer, clientId,
                    new JWSVerificationKeySelector<>(signatureAlgorithms(metadata), keys), null);
            return new DiscoveredProvider(metadata, validator);
        } catch (IOException | GeneralException e) {
            throw HttpFailure.badGateway("Sign-in is unavailable",
                    "The sign-in service could not be reached. Please try again in a moment.", e);
        }
    }

    /**
     * The asymmetric algorithms Keycloak says it signs ID tokens with. HMAC ones are left out:
     * they would be keyed with the client secret, which this client does not use for tokens.
     */
    static Set<JWSAlgorithm> signatureAlgorithms(OIDCProviderMetadata metadata) {
        Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
        List<JWSAlgorithm> advertised = metadata.getIDTokenJWSAlgs();
        if (advertised != null) {
            for (JWSAlgorithm algorithm : advertised) {
                if (JWSAlgorithm.Family.SIGNATURE.contains(algorithm)) {
                    algorithms.add(algorithm);
                }
            }
        }
        if (algorithms.isEmpty()) {
            algorithms.add(JWSAlgorithm.RS256);
        }
        return algorithms;
    }
}
