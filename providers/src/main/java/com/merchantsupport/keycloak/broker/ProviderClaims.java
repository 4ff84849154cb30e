package com.merchantsupport.keycloak.broker;

import java.util.Locale;
import java.util.Map;

import com.merchantsupport.keycloak.journey.MerchantProfile;
import org.keycloak.broker.oidc.OIDCIdentityProvider;
import org.keycloak.broker.oidc.OIDCIdentityProviderConfig;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.representations.IDToken;
import org.keycloak.util.JsonSerialization;

/**
 * What the identity provider's ID token says about the merchant, read from the token Keycloak validated
 * ({@link OIDCIdentityProvider#VALIDATED_ID_TOKEN}), never from the userinfo endpoint. Any OpenID Connect
 * provider (Google included) puts it there; other kinds of providers (SAML, OAuth 2 only) have none, and
 * then nothing here vouches for an email.
 *
 * @param idToken            whether the provider sent a validated ID token at all
 * @param signatureChecked   whether Keycloak checked the ID token's signature (the provider's
 *                           "Validate signatures" setting); without it the claims are not trusted for linking
 * @param email              the {@code email} claim
 * @param emailVerified      the {@code email_verified} claim: true, false, or null when absent
 * @param hostedDomain       Google's {@code hd} claim (Workspace accounts only)
 */
public record ProviderClaims(boolean idToken, boolean signatureChecked, String email, Boolean emailVerified,
                             String hostedDomain, String name, String givenName, String familyName) {

    public static final String HOSTED_DOMAIN = "hd";

    static final ProviderClaims NONE = new ProviderClaims(false, false, null, null, null, null, null, null);

    /** The claims of the brokered login's validated ID token. */
    public static ProviderClaims of(BrokeredIdentityContext broker) {
        Object token = broker.getContextData().get(OIDCIdentityProvider.VALIDATED_ID_TOKEN);
        if (token == null) {
            return NONE;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> claims = JsonSerialization.mapper.convertValue(token, Map.class);
        boolean signatureChecked = new OIDCIdentityProviderConfig(broker.getIdpConfig()).isValidateSignature();
        return from(claims, signatureChecked);
    }

    /** The claims of a decoded ID token (the JSON object of its payload). */
    public static ProviderClaims from(Map<String, Object> claims, boolean signatureChecked) {
        if (claims == null) {
            return NONE;
        }
        return new ProviderClaims(true, signatureChecked,
                text(claims.get(IDToken.EMAIL)),
                bool(claims.get(IDToken.EMAIL_VERIFIED)),
                text(claims.get(HOSTED_DOMAIN)),
                text(claims.get(IDToken.NAME)),
                text(claims.get(IDToken.GIVEN_NAME)),
                text(claims.get(IDToken.FAMILY_NAME)));
    }

    /**
     * The name of an account created from this login: the ID token's {@code name}, else its given and family
     * names, else the names the provider's userinfo gave, else the email; fit for the user profile.
     */
    public String accountName(String brokeredFirstName, String brokeredLastName, String email) {
        String fromToken = MerchantProfile.fromProfile(name, givenName, familyName, null);
        return fromToken != null ? fromToken : MerchantProfile.fromProfile(null, brokeredFirstName, brokeredLastName, email);
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        String s = value.toString().trim();
        return s.isEmpty() ? null : s;
    }

    /** {@code true}/{@code false} as JSON booleans or strings (some providers send "true"); anything else is absent. */
    private static Boolean bool(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s) {
            String v = s.trim().toLowerCase(Locale.ROOT);
            if (v.equals("true")) {
                return Boolean.TRUE;
            }
            if (v.equals("false")) {
                return Boolean.FALSE;
            }
        }
        return null;
    }
}
