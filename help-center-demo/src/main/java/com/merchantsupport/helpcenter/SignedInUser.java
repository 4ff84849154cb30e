package com.merchantsupport.helpcenter;

import java.util.Map;

/** The validated ID token: its claims for the pages, its raw form for Keycloak's logout hint. */
public record SignedInUser(Map<String, Object> claims, String idToken) {

    public SignedInUser {
        claims = Map.copyOf(claims);
    }

    /** The name to greet: the {@code name} claim, else the email, else the subject. */
    public String displayName() {
        String name = claim("name");
        if (name != null && !name.isBlank()) {
            return name;
        }
        String email = email();
        return email != null ? email : claim("sub");
    }

    public String email() {
        return claim("email");
    }

    private String claim(String name) {
        Object value = claims.get(name);
        return value == null ? null : value.toString();
    }
}
