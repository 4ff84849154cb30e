package com.merchantsupport.it.support;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.testframework.realm.ManagedRealm;

/**
 * The help center stand-in (help-center-demo's jar) as its own process, signing in through the
 * realm's merchant-support-center client, as a deployer runs it. Its callback is added to the client's
 * redirect URIs for the test and removed afterwards, its home page is the client's Home URL meanwhile (where a
 * welcome link finished in another browser sends the merchant), and its origin to the realm's Content-Security-Policy
 * form-action (Chromium checks the redirect to the callback after a form against it), as a deployer does for
 * each help center.
 */
public final class HelpCenterStandIn implements AutoCloseable {

    public static final int PORT = 8081;
    public static final String URL = "http://localhost:" + PORT;

    private final Process process;
    private final ManagedRealm realm;
    private final List<String> originalRedirects;
    private final String originalHome;

    private HelpCenterStandIn(Process process, ManagedRealm realm, List<String> originalRedirects, String originalHome) {
        this.process = process;
        this.realm = realm;
        this.originalRedirects = originalRedirects;
        this.originalHome = originalHome;
    }

    public static HelpCenterStandIn start(ManagedRealm realm) throws Exception {
        ClientRepresentation client = realm.admin().clients().findByClientId(MerchantRealm.HELP_CENTER_CLIENT).get(0);
        List<String> original = new ArrayList<>(client.getRedirectUris());
        List<String> withStandIn = new ArrayList<>(original);
        withStandIn.add(URL + "/oidc/callback");
        client.setRedirectUris(withStandIn);
        String originalHome = client.getBaseUrl();
        client.setBaseUrl(URL + "/");
        realm.admin().clients().get(client.getId()).update(client);
        allowFormAction(realm, URL);

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Its log goes beside the screenshots, whose folder a test may not have made yet.
        Path screenshots = Files.createDirectories(Path.of(System.getProperty("screenshots.dir", "target/screenshots")));
        ProcessBuilder builder = new ProcessBuilder(java, "-jar", System.getProperty("help.center.jar"))
                .redirectErrorStream(true)
                .redirectOutput(new File(screenshots.toFile(), "../help-center.log"));
        builder.environment().put("HELP_CENTER_PORT", Integer.toString(PORT));
        builder.environment().put("HELP_CENTER_URL", URL);
        builder.environment().put("KEYCLOAK_ISSUER", Pages.realmUrl());
        builder.environment().put("HELP_CENTER_CLIENT_ID", MerchantRealm.HELP_CENTER_CLIENT);
        builder.environment().put("HELP_CENTER_CLIENT_SECRET", MerchantRealm.helpCenterSecret());
        Process process = builder.start();
        StopAtExit.register(process::destroy);
        HelpCenterStandIn standIn = new HelpCenterStandIn(process, realm, original, originalHome);
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 100; i++) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(URL + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return standIn;
                }
            } catch (java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
        standIn.close();
        throw new IllegalStateException("the help center stand-in did not start; see target/help-center.log");
    }

    @Override
    public void close() {
        process.destroy();
        ClientRepresentation client = realm.admin().clients().findByClientId(MerchantRealm.HELP_CENTER_CLIENT).get(0);
        client.setRedirectUris(originalRedirects);
        client.setBaseUrl(originalHome);
        realm.admin().clients().get(client.getId()).update(client);
        allowFormAction(realm, null);
    }

    private static String originalPolicy;

    /** Adds the origin to the CSP's form-action; null puts the realm's own policy back. */
    private static void allowFormAction(ManagedRealm realm, String origin) {
        RealmRepresentation rep = realm.admin().toRepresentation();
        Map<String, String> headers = new HashMap<>(rep.getBrowserSecurityHeaders() == null ? Map.of() : rep.getBrowserSecurityHeaders());
        String policy = headers.get("contentSecurityPolicy");
        if (origin == null) {
            if (originalPolicy == null) {
                return;
            }
            headers.put("contentSecurityPolicy", originalPolicy);
            originalPolicy = null;
        } else {
            if (policy == null || !policy.contains("form-action")) {
                return;
            }
            originalPolicy = policy;
            headers.put("contentSecurityPolicy", policy.replace("form-action ", "form-action " + origin + " "));
        }
        rep.setBrowserSecurityHeaders(headers);
        realm.admin().update(rep);
    }
}
