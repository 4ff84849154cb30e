package com.merchantsupport.keycloak.broker;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The admin's allow-list of Google Workspace domains, matched against the {@code hd} claim of the
 * provider's signed ID token. Empty: every account may sign in. {@code *}: any Workspace account, no
 * personal one (Google sends {@code hd} only for Workspace accounts). Otherwise the exact domains listed,
 * ignoring case (no sub-domain matching: {@code hd} is the Workspace's primary domain).
 */
public final class HostedDomains {

    public static final String ANY_WORKSPACE = "*";
    private static final HostedDomains ANY = new HostedDomains(Set.of());

    private final Set<String> allowed;

    private HostedDomains(Set<String> allowed) {
        this.allowed = allowed;
    }

    /** Reads the setting as the admin console stores it: values joined by {@code ##}, or by commas or spaces. */
    public static HostedDomains parse(String setting) {
        if (setting == null || setting.isBlank()) {
            return ANY;
        }
        Set<String> domains = Arrays.stream(setting.split("##|[,;\\s]+"))
                .map(HostedDomains::normalize)
                .filter(d -> !d.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        return domains.isEmpty() ? ANY : new HostedDomains(Collections.unmodifiableSet(domains));
    }

    /** True when the admin restricted sign-in to some domains. */
    public boolean restricts() {
        return !allowed.isEmpty();
    }

    /** Whether an account whose ID token carries this {@code hd} claim (null: none) may sign in. */
    public boolean allows(String hostedDomain) {
        if (allowed.isEmpty()) {
            return true;
        }
        String domain = hostedDomain == null ? "" : normalize(hostedDomain);
        if (domain.isEmpty()) {
            return false;
        }
        return allowed.contains(ANY_WORKSPACE) || allowed.contains(domain);
    }

    public Set<String> domains() {
        return allowed;
    }

    private static String normalize(String domain) {
        String d = domain.trim().toLowerCase(Locale.ROOT);
        while (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        return d;
    }

    @Override
    public String toString() {
        return allowed.isEmpty() ? "any" : String.join(",", allowed);
    }
}
