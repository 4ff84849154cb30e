package com.merchantsupport.helpcenter;

import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;

/** Keycloak's endpoints and the ID token validator bound to its JWKS. */
public record DiscoveredProvider(OIDCProviderMetadata metadata, IDTokenValidator idTokenValidator) {
}
