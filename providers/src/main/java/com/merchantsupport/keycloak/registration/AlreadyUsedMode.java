package com.merchantsupport.keycloak.registration;

import java.util.Locale;

/** What a merchant who registers with an email that already has an account is told. */
public enum AlreadyUsedMode {
    /** The seed's behaviour: "this email already has an account", with "Forgot my password". */
    REVEAL,
    /** No account enumeration: the usual "check your mailbox"; the owner gets an email instead. */
    PRIVATE;

    public static AlreadyUsedMode from(String value) {
        if (value == null) {
            return REVEAL;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return REVEAL;
        }
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
