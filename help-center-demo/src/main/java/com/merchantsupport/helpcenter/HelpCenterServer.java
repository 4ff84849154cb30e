package com.merchantsupport.helpcenter;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Wires the pages onto the JDK's HttpServer. Nothing contacts Keycloak until the first sign-in. */
public final class HelpCenterServer {

    private final HttpServer server;
    private final ExecutorService executor;

    private HelpCenterServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static HelpCenterServer start(HelpCenterConfig config, SessionStore sessions) throws IOException {
        JdkHttp http = new JdkHttp();
        OidcClient oidc = new OidcClient(config, new KeycloakDiscovery(config, http), http);
        boolean secure = config.secureCookies();
        byte[] css = readStyleSheet();

        Map<String, Route> routes = Map.of(
                "/", new HomePage(sessions, config.issuer()),
                "/login", new LoginRoute(sessions, oidc, false, secure),
                "/register", new LoginRoute(sessions, oidc, true, secure),
                "/oidc/callback", new CallbackRoute(sessions, oidc, config),
                "/logout", new LogoutRoute(sessions, oidc, secure),
                "/me.json", new MeJsonRoute(sessions),
                "/health", exchange -> Responses.text(exchange, 200, "ok"),
                "/style.css", exchange -> Responses.css(exchange, css));

        // All interfaces: inside a container the port is reached through the container's address.
        HttpServer server = HttpServer.create(new InetSocketAddress(config.port()), 0);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", new Router(routes));
        server.start();
        return new HelpCenterServer(server, executor);
    }

    /** The bound port; differs from the configured one when that was 0 (tests). */
    public int port() {
        return server.getAddress().getPort();
    }

    public void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static byte[] readStyleSheet() {
        try (InputStream in = HelpCenterServer.class.getResourceAsStream("style.css")) {
            if (in == null) {
                throw new IllegalStateException("style.css is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
