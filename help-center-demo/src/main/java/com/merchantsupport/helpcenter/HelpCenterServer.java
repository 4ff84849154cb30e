package com.merchantsupport.helpcenter;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import jakarta.servlet.SessionTrackingMode;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.http.HttpCookie;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/** The help center's pages on Javalin. Nothing contacts Keycloak until the first sign-in. */
public final class HelpCenterServer {

    static final String SESSION_COOKIE = "help_center_session";
    static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(8);

    /** No inline code anywhere, so the policy can forbid it outright. */
    private static final String CONTENT_SECURITY_POLICY =
            "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final Javalin app;
    private final SessionHandler sessions;

    private HelpCenterServer(Javalin app, SessionHandler sessions) {
        this.app = app;
        this.sessions = sessions;
    }

    /** Throws Javalin's {@code JavalinBindException} when the port is taken. */
    public static HelpCenterServer start(HelpCenterConfig config) {
        return start(config, Clock.systemUTC(), DEFAULT_IDLE_TIMEOUT);
    }

    /** The clock decides when a sign-in in progress has expired; Jetty's own clock ends idle sessions. */
    static HelpCenterServer start(HelpCenterConfig config, Clock clock, Duration idleTimeout) {
        SignInRoutes signIn = new SignInRoutes(config, new OidcClient(config, new KeycloakDiscovery(config)), clock);
        SessionHandler sessions = sessionHandler(config.secureCookies(), idleTimeout);
        Javalin app = Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            javalin.concurrency.useVirtualThreads = true;
            javalin.http.prefer405over404 = true;
            javalin.jetty.modifyServletContextHandler(context -> context.setSessionHandler(sessions));
            javalin.staticFiles.add("/public", Location.CLASSPATH);
            routes(javalin, signIn);
        });
        // All interfaces: inside a container the port is reached through the container's address.
        app.start(config.port());
        return new HelpCenterServer(app, sessions);
    }

    private static void routes(JavalinConfig javalin, SignInRoutes signIn) {
        var routes = javalin.routes;
        routes.before(HelpCenterServer::securityHeaders);
        routes.get("/", signIn::home);
        routes.get("/login", ctx -> signIn.login(ctx, false));
        routes.get("/register", ctx -> signIn.login(ctx, true));
        routes.get("/oidc/callback", signIn::callback);
        routes.get("/logout", signIn::logout);
        routes.get("/me.json", ctx -> {
            SignedInUser user = SignInRoutes.user(ctx);
            ctx.contentType("application/json");
            if (user == null) {
                ctx.status(401).result("{\"error\":\"not_signed_in\"}");
            } else {
                ctx.result(JSONObjectUtils.toJSONString(user.claims()));
            }
        });
        routes.get("/health", ctx -> ctx.contentType("text/plain; charset=utf-8").result("ok"));

        routes.exception(HttpFailure.class, (failure, ctx) -> {
            if (failure.status() >= 500) {
                log(ctx, failure.status() + " " + failure.getMessage()
                        + (failure.getCause() == null ? "" : " cause: " + failure.getCause()));
            }
            page(ctx, failure.status(), Pages.error(failure.status(), failure.title(), failure.getMessage()));
        });
        routes.exception(Exception.class, (unexpected, ctx) -> {
            log(ctx, "500 " + unexpected);
            unexpected.printStackTrace();
            page(ctx, 500, Pages.error(500, "Something went wrong",
                    "The help center hit an unexpected error. Please try again."));
        });
        routes.error(404, ctx -> page(ctx, 404, Pages.error(404, "Page not found", "There is no page at this address.")));
        routes.error(405, ctx -> {
            ctx.header("Allow", "GET, HEAD");
            page(ctx, 405, Pages.error(405, "Method not allowed", "This page only answers GET requests."));
        });
    }

    /**
     * The servlet session holds the sign-in in progress and the signed-in user; the browser only holds its random id.
     * HttpOnly keeps scripts away from the cookie; SameSite=Lax still sends it on the top-level redirect back from
     * Keycloak, which the callback needs; Secure only behind https, since browsers drop Secure cookies on plain http.
     */
    private static SessionHandler sessionHandler(boolean secureCookies, Duration idleTimeout) {
        SessionHandler sessions = new SessionHandler();
        sessions.setSessionCookie(SESSION_COOKIE);
        sessions.setHttpOnly(true);
        sessions.setSameSite(HttpCookie.SameSite.LAX);
        sessions.setSecureCookies(secureCookies);
        // Never from the URL: a session id in a link would let someone plant theirs (session fixation).
        sessions.setSessionTrackingModes(Set.of(SessionTrackingMode.COOKIE));
        sessions.setMaxInactiveInterval((int) idleTimeout.toSeconds());
        return sessions;
    }

    /** Pages depend on the session, and the callback URL holds a code: keep both out of caches and referrers. */
    private static void securityHeaders(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    }

    static void page(Context ctx, int status, String html) {
        ctx.status(status).contentType("text/html; charset=utf-8").result(html);
    }

    private static void log(Context ctx, String message) {
        System.err.println("help-center-demo: " + ctx.method() + " " + ctx.path() + " -> " + message);
    }

    /** The bound port; differs from the configured one when that was 0 (tests). */
    public int port() {
        return app.port();
    }

    /** Sessions made since the start, for tests that check a failed sign-in leaves none behind. */
    int sessionsCreated() {
        return sessions.getSessionsCreated();
    }

    public void stop() {
        app.stop();
    }
}
