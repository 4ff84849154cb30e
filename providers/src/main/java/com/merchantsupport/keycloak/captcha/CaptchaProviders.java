package com.merchantsupport.keycloak.captcha;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The vendors found through {@link ServiceLoader} in this jar
 * ({@code META-INF/services/com.merchantsupport.keycloak.captcha.CaptchaProvider}), looked up by id.
 */
public final class CaptchaProviders {

    private static final Map<String, CaptchaProvider> BY_ID = load();

    private CaptchaProviders() {
    }

    public static Optional<CaptchaProvider> find(String id) {
        return Optional.ofNullable(id == null ? null : BY_ID.get(id));
    }

    /** Ids in service-file order; the first is the default ({@code altcha}). */
    public static List<String> ids() {
        return List.copyOf(BY_ID.keySet());
    }

    private static Map<String, CaptchaProvider> load() {
        Map<String, CaptchaProvider> byId = new LinkedHashMap<>();
        for (CaptchaProvider provider : ServiceLoader.load(CaptchaProvider.class, CaptchaProvider.class.getClassLoader())) {
            CaptchaProvider previous = byId.putIfAbsent(provider.id(), provider);
            if (previous != null) {
                throw new IllegalStateException("Two captcha providers share the id " + provider.id() + ": "
                        + previous.getClass().getName() + " and " + provider.getClass().getName());
            }
        }
        return Collections.unmodifiableMap(byId);
    }
}
