package com.merchantsupport.keycloak.broker;

/**
 * The {@code name} of an account created from a provider's profile (the realm's user profile has one
 * {@code name} attribute, no first or last name): the ID token's {@code name}, else given and family
 * names, else the names the provider's userinfo gave, else the email. Control characters are dropped and
 * the length kept within the user profile's 255 characters, so the account passes its validation.
 */
public final class MerchantNames {

    static final int MAX_LENGTH = 255;

    private MerchantNames() {
    }

    public static String fromProvider(ProviderClaims claims, String brokeredFirstName, String brokeredLastName, String email) {
        String name = claims == null ? null : clean(claims.name());
        if (name == null && claims != null) {
            name = clean(join(claims.givenName(), claims.familyName()));
        }
        if (name == null) {
            name = clean(join(brokeredFirstName, brokeredLastName));
        }
        if (name == null) {
            name = clean(email);
        }
        return name;
    }

    private static String join(String first, String last) {
        String a = first == null ? "" : first.trim();
        String b = last == null ? "" : last.trim();
        return (a + " " + b).trim();
    }

    static String clean(String value) {
        if (value == null) {
            return null;
        }
        String s = value.replaceAll("\\p{Cntrl}", " ").replaceAll("\\s+", " ").trim();
        if (s.isEmpty()) {
            return null;
        }
        if (s.length() > MAX_LENGTH) {
            int end = MAX_LENGTH;
            if (Character.isHighSurrogate(s.charAt(end - 1))) {
                end--;
            }
            s = s.substring(0, end).trim();
        }
        return s;
    }
}
