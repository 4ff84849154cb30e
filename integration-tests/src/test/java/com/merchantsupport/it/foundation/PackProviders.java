package com.merchantsupport.it.foundation;

import java.util.Map;
import java.util.Set;

/** Every provider id the pack deploys, by SPI: the ids realm JSON files and admins refer to. */
final class PackProviders {

    static final Map<String, Set<String>> BY_SPI = Map.of(
            "form-action", Set.of("merchant-name-and-email", "merchant-captcha"),
            "authenticator", Set.of("merchant-check-your-mailbox", "merchant-idp-link-verified-email",
                    "merchant-idp-finish-sign-in", "merchant-verified-email-link"),
            "required-action", Set.of("merchant-create-password"),
            "actionTokenHandler", Set.of("merchant-welcome"),
            "realm-restapi-extension", Set.of("altcha", "merchant-welcome"),
            "admin-realm-restapi-extension", Set.of("merchant-journey"),
            "eventsListener", Set.of("merchant-journey"));

    private PackProviders() {
    }
}
