package com.merchantsupport.benchmarks.load;

import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.flushCookieJar;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.merchantsupport.testkit.AltchaWorker;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;

/**
 * The pack against Keycloak's own flows, on one server, in one run (issue #9). Phases run one after another
 * (Gatling's andThen); pack and stock alternate in rounds so that drift of this noisy machine hits both.
 * A browser without JavaScript: cookies, redirects inside Keycloak, stops at the help center's callback.
 * Captcha solutions are computed before the timed part. Nothing here asserts a time: a failed request or an
 * unexpected page is a failure (the run fails), a slow one is a figure for benchmarks/RESULTS.md.
 */
public class PackVersusStockSimulation extends Simulation {

    static final String PACK = "merchant-support";
    static final String SCALE = "merchant-support-scale";
    static final String STOCK_A = "stock-password";
    static final String STOCK_B = "stock-verify-email";
    /** RFC 7636's example pair, as the integration tests use. */
    static final String PKCE_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    static final String PKCE_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    static final boolean QUICK = "quick".equals(System.getProperty("bench.scale", "full"));
    static final int USERS = 8;
    static final int SIGN_IN_ACCOUNTS = USERS;
    static final int SMALL_ACCOUNTS = 1_000;
    static final int LARGE_ACCOUNTS = QUICK ? 5_000 : 100_000;
    /** The issue's figure; about 6.5 minutes here (8 users, about 26 registrations a second). */
    static final int HEAP_REGISTRATIONS = Integer.getInteger("bench.heapRegistrations", QUICK ? 400 : 10_000);
    static final long IMPORT_BUDGET_SECONDS = Long.getLong("bench.importBudgetSeconds", QUICK ? 60 : 240);

    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final List<PopulationBuilder> phases = new ArrayList<>();

    {
        HttpProtocolBuilder protocol = http.baseUrl(Server.BASE).disableFollowRedirect().disableCaching()
                .acceptLanguageHeader("en").acceptHeader("text/html,application/json;q=0.9,*/*;q=0.8")
                .userAgentHeader("merchant-support-benchmarks");

        int q = QUICK ? 10 : 1;
        // Warm-up: every path, a few times, in each realm (JIT, caches, templates); not reported.
        population("warmup", "pack registration", 0, USERS, 10 / q, key -> registration(key, PACK, Form.PACK));
        population("warmup", "stock (b) registration", 0, USERS, 10 / q, key -> registration(key, STOCK_B, Form.STOCK_B));
        population("warmup", "stock (a) registration", 0, USERS, 4 / Math.min(q, 2), key -> registration(key, STOCK_A, Form.STOCK_A));
        population("warmup", "pack onboarding", 0, USERS, 3 / Math.min(q, 3), key -> packOnboarding(key));
        population("warmup", "stock (b) onboarding", 0, USERS, 3 / Math.min(q, 3), key -> stockOnboarding(key));
        population("warmup", "pack sign-in", 0, USERS, 6 / Math.min(q, 3), key -> signIn(key, PACK));
        population("warmup", "stock sign-in", 0, USERS, 6 / Math.min(q, 3), key -> signIn(key, STOCK_A));

        for (int round = 1; round <= 2; round++) {
            int r = round;
            population("registration-sequential", "pack", r, 1, 60 / q, key -> registration(key, PACK, Form.PACK));
            population("registration-sequential", "stock (b) verify email", r, 1, 60 / q, key -> registration(key, STOCK_B, Form.STOCK_B));
            population("registration-sequential", "stock (a) password", r, 1, 30 / q, key -> registration(key, STOCK_A, Form.STOCK_A));
        }
        for (int round = 1; round <= 2; round++) {
            int r = round;
            population("registration-8-users", "pack", r, USERS, 25 / q, key -> registration(key, PACK, Form.PACK));
            population("registration-8-users", "stock (b) verify email", r, USERS, 25 / q, key -> registration(key, STOCK_B, Form.STOCK_B));
            population("registration-8-users", "stock (a) password", r, USERS, 8 / Math.min(q, 4), key -> registration(key, STOCK_A, Form.STOCK_A));
        }
        for (int round = 1; round <= 3; round++) {
            int r = round;
            population("onboarding-8-users", "pack", r, USERS, 6 / Math.min(q, 3), key -> packOnboarding(key));
            population("onboarding-8-users", "stock (b) verify email", r, USERS, 6 / Math.min(q, 3), key -> stockOnboarding(key));
        }
        for (int round = 1; round <= 3; round++) {
            int r = round;
            population("sign-in-8-users", "pack", r, USERS, 12 / Math.min(q, 4), key -> signIn(key, PACK));
            population("sign-in-8-users", "stock", r, USERS, 12 / Math.min(q, 4), key -> signIn(key, STOCK_A));
        }

        step("heap-before", () -> Recorder.fact("heap.before.bytes", Server.heapAfterGc()));
        population("heap", "pack registrations", 1, USERS, HEAP_REGISTRATIONS / USERS, key -> registration(key, PACK, Form.PACK));
        step("heap-after", () -> {
            Server.purgeMail();
            Recorder.fact("heap.registrations", HEAP_REGISTRATIONS);
            Recorder.fact("heap.after.bytes", Server.heapAfterGc());
        });

        step("accounts-small", () -> Recorder.fact("accounts.small", Server.importAccounts(SCALE, 0, SMALL_ACCOUNTS, 600)));
        population("already-used", "1000 accounts", 1, 1, 150 / q, key -> alreadyUsed(key, SMALL_ACCOUNTS));
        step("accounts-large", () -> Recorder.fact("accounts.large", Server.importAccounts(SCALE, SMALL_ACCOUNTS, LARGE_ACCOUNTS, IMPORT_BUDGET_SECONDS)));
        population("already-used", "large", 1, 1, 150 / q, key -> alreadyUsed(key, LARGE_ACCOUNTS));

        PopulationBuilder chain = phases.get(phases.size() - 1);
        for (int i = phases.size() - 2; i >= 0; i--) {
            chain = phases.get(i).andThen(chain);
        }
        setUp(chain).protocols(protocol).assertions(global().failedRequests().count().is(0L));
    }

    @Override
    public void before() {
        Server.startMail();
        Server.createSignInUsers(PACK, true, SIGN_IN_ACCOUNTS);
        Server.createSignInUsers(STOCK_A, false, SIGN_IN_ACCOUNTS);
        Recorder.fact("scale", QUICK ? "quick" : "full");
        Recorder.fact("startedAt", java.time.Instant.now().toString());
    }

    @Override
    public void after() {
        Server.stopMail();
        Recorder.fact("failures", Recorder.failures());
        try {
            Recorder.write(Path.of(System.getProperty("bench.out", "target/load")).resolve("load-results.json"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---------- phases ----------

    private void population(String phase, String variant, int round, int users, int iterations, Function<String, ChainBuilder> body) {
        if (iterations <= 0) {
            return;
        }
        Recorder.declare(phase, variant, round, users, users * iterations);
        String key = Recorder.key(phase, variant, round);
        phases.add(scenario(key)
                .repeat(iterations).on(exec(flushCookieJar()).exec(s -> s.set("ck", "").set("key", key)).exec(body.apply(key)))
                .injectOpen(atOnceUsers(users)));
    }

    private void step(String name, Runnable action) {
        phases.add(scenario(name).exec(s -> {
            action.run();
            return s;
        }).injectOpen(atOnceUsers(1)));
    }

    // ---------- journeys ----------

    enum Form { PACK, STOCK_A, STOCK_B }

    /** Sign-in page, "register" link, the form (captcha solved first), then the timed submit with its redirects. */
    private ChainBuilder registration(String key, String realm, Form form) {
        ChainBuilder submit = submitRegistration(key, realm, form, s -> newEmail(realm));
        return exec(s -> begin(key, s))
                .exec(submit)
                .exec(s -> {
                    Recorder.operation(key, s.getLong("t0"), s.getLong("t1"));
                    Server.forgetMail(s.getString("email"));
                    return s;
                });
    }

    /** From the help center to the registration form and the submit; t0..t1 is the submit and its redirects. */
    private ChainBuilder submitRegistration(String key, String realm, Form form, Function<Session, String> email) {
        ChainBuilder open = call(key, http("sign-in page").get(s -> authUrl(realm)))
                .exec(s -> s.set("next", Html.link(s.getString("body"), "login-actions/registration")))
                .exec(expect(key, "registration link", s -> s.getString("next") != null))
                .exec(call(key, http("registration page").get(s -> s.getString("next"))))
                .exec(s -> s.set("form", Html.formAction(s.getString("body"), "kc-register-form")).set("email", email.apply(s)))
                .exec(expect(key, "registration form", s -> s.getString("form") != null));
        if (form == Form.PACK) {
            open = open.exec(call(key, http("captcha challenge").get("/realms/" + realm + "/altcha/challenge")))
                    .exec(s -> s.set("altcha", AltchaWorker.solve(s.getString("body"))));
        }
        return open.exec(s -> s.set("t0", System.nanoTime()))
                .exec(group("registration submit").on(
                        call(key, http("registration submit").post(s -> s.getString("form")).formParamMap(s -> fields(form, s)))
                                .exec(follow(key, "registration submit redirect"))))
                .exec(s -> s.set("t1", System.nanoTime()))
                .exec(expect(key, "page after the registration submit", s -> switch (form) {
                    case PACK -> realm.equals(SCALE) ? Html.has(s.getString("body"), "id=\"merchant-already-used\"")
                            : Html.has(s.getString("body"), "id=\"merchant-mailbox-sent\"");
                    case STOCK_A -> atCallback(s);
                    case STOCK_B -> Html.has(s.getString("body"), "An email with instructions to verify your email address has been sent");
                }));
    }

    private static Map<String, Object> fields(Form form, Session s) {
        Map<String, Object> fields = new LinkedHashMap<>();
        String email = s.getString("email");
        switch (form) {
            case PACK -> {
                fields.put("name", "Bench Merchant");
                fields.put("email", email);
                fields.put("altcha", s.getString("altcha"));
            }
            case STOCK_A -> {
                fields.put("firstName", "Bench");
                fields.put("lastName", "Merchant");
                fields.put("email", email);
                fields.put("password", Server.PASSWORD);
                fields.put("password-confirm", Server.PASSWORD);
            }
            case STOCK_B -> {
                fields.put("firstName", "Bench");
                fields.put("lastName", "Merchant");
                fields.put("email", email);
            }
        }
        return fields;
    }

    /** The pack: register, welcome mail, link, create password, code, tokens. Timed as a whole. */
    private ChainBuilder packOnboarding(String key) {
        return exec(s -> begin(key, s))
                .exec(submitRegistration(key, PACK, Form.PACK, s -> newEmail(PACK)))
                .exec(s -> s.set("link", Server.takeLink(s.getString("email"))))
                .exec(call(key, http("welcome link").get(s -> s.getString("link"))))
                .exec(follow(key, "welcome link redirect"))
                .exec(s -> s.set("form", Html.formAction(s.getString("body"), "merchant-create-password-form")))
                .exec(expect(key, "create-password form", s -> s.getString("form") != null))
                .exec(call(key, http("create password").post(s -> s.getString("form"))
                        .formParam("password-new", Server.PASSWORD).formParam("password-confirm", Server.PASSWORD)))
                .exec(follow(key, "create password redirect"))
                .exec(tokens(key, PACK))
                .exec(s -> {
                    Recorder.operation(key, s.getLong("begin"), System.nanoTime());
                    return s;
                });
    }

    /** Stock (b): register, verify-email link, update password, code, tokens. Timed as a whole. */
    private ChainBuilder stockOnboarding(String key) {
        return exec(s -> begin(key, s))
                .exec(submitRegistration(key, STOCK_B, Form.STOCK_B, s -> newEmail(STOCK_B)))
                .exec(s -> s.set("link", Server.takeLink(s.getString("email"))))
                .exec(call(key, http("verify-email link").get(s -> s.getString("link"))))
                .exec(follow(key, "verify-email link redirect"))
                .exec(s -> s.set("form", Html.formAction(s.getString("body"), "kc-passwd-update-form")))
                .exec(expect(key, "update-password form", s -> s.getString("form") != null))
                .exec(call(key, http("update password").post(s -> s.getString("form"))
                        .formParam("password-new", Server.PASSWORD).formParam("password-confirm", Server.PASSWORD)))
                .exec(follow(key, "update password redirect"))
                .exec(tokens(key, STOCK_B))
                .exec(s -> {
                    Recorder.operation(key, s.getLong("begin"), System.nanoTime());
                    return s;
                });
    }

    /** Sign-in page, email + password, code, tokens. Timed as a whole. */
    private ChainBuilder signIn(String key, String realm) {
        return exec(s -> begin(key, s).set("email", Server.signInEmail(realm, (int) (s.userId() % SIGN_IN_ACCOUNTS))))
                .exec(call(key, http("sign-in page").get(s -> authUrl(realm))))
                .exec(s -> s.set("form", Html.formAction(s.getString("body"), "kc-form-login")))
                .exec(expect(key, "sign-in form", s -> s.getString("form") != null))
                .exec(call(key, http("sign-in submit").post(s -> s.getString("form"))
                        .formParam("username", s -> s.getString("email")).formParam("password", Server.PASSWORD)
                        .formParam("credentialId", "")))
                .exec(follow(key, "sign-in redirect"))
                .exec(tokens(key, realm))
                .exec(s -> {
                    Recorder.operation(key, s.getLong("begin"), System.nanoTime());
                    return s;
                });
    }

    /** The "already used" step: the registration submit with an address that has an account. */
    private ChainBuilder alreadyUsed(String key, int accounts) {
        return exec(s -> begin(key, s))
                .exec(submitRegistration(key, SCALE, Form.PACK, s -> Server.existingEmail(ThreadLocalRandom.current().nextInt(Math.min(accounts, Server.imported)))))
                .exec(s -> {
                    Recorder.operation(key, s.getLong("t0"), s.getLong("t1"));
                    return s;
                });
    }

    private ChainBuilder tokens(String key, String realm) {
        return exec(expect(key, "redirect to the help center with a code", PackVersusStockSimulation::atCallback))
                .exec(s -> s.set("code", Html.code(s.getString("loc"))))
                .exec(call(key, http("token").post("/realms/" + realm + "/protocol/openid-connect/token")
                        .formParam("grant_type", "authorization_code").formParam("code", s -> s.getString("code"))
                        .formParam("redirect_uri", Server.CALLBACK).formParam("code_verifier", PKCE_VERIFIER)
                        .formParam("client_id", Server.CLIENT).formParam("client_secret", Server.SECRET)))
                .exec(expect(key, "tokens", s -> Html.has(s.getString("body"), "\"id_token\"")));
    }

    // ---------- the browser ----------

    private static Session begin(String key, Session s) {
        long now = System.nanoTime();
        Recorder.start(key, now);
        return s.set("begin", now);
    }

    /**
     * One request with the browser's cookies. Keycloak marks its cookies Secure (SameSite=None), which a
     * browser sends to http://localhost but an HTTP client does not: the jar is kept here, as a header.
     */
    private static ChainBuilder call(String key, HttpRequestActionBuilder request) {
        return exec(s -> s.remove("loc").remove("sc").remove("body"))
                .exec(request.header("Cookie", "#{ck}").check(
                        status().in(200, 302, 303).saveAs("st"),
                        header("Location").optional().saveAs("loc"),
                        header("Set-Cookie").findAll().optional().saveAs("sc"),
                        bodyString().saveAs("body")))
                .exitHereIfFailed()
                .exec(PackVersusStockSimulation::keepCookies);
    }

    /** Follows Keycloak's redirects, stopping at the help center's callback (nothing listens there). */
    private static ChainBuilder follow(String key, String name) {
        return asLongAs(s -> s.getInt("st") / 100 == 3 && s.getString("loc") != null && !atCallback(s))
                .on(exec(s -> s.set("redirect", absolute(s.getString("loc"))))
                        .exec(call(key, http(name).get(s -> s.getString("redirect")))));
    }

    private static ChainBuilder expect(String key, String what, Function<Session, Boolean> ok) {
        return exec(s -> {
            if (Boolean.TRUE.equals(ok.apply(s))) {
                return s;
            }
            String body = s.getString("body");
            Recorder.failure(key, "expected " + what + "; status " + s.get("st") + ", location " + s.getString("loc")
                    + ", page: " + (body == null ? "" : Html.text(body)));
            return s.markAsFailed();
        }).exitHereIfFailed();
    }

    private static boolean atCallback(Session s) {
        String loc = s.getString("loc");
        return loc != null && loc.startsWith(Server.CALLBACK);
    }

    private static Session keepCookies(Session s) {
        if (!s.contains("sc")) {
            return s;
        }
        Map<String, String> jar = new LinkedHashMap<>();
        String current = s.getString("ck");
        if (current != null && !current.isEmpty()) {
            for (String pair : current.split("; ")) {
                int eq = pair.indexOf('=');
                jar.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        for (String setCookie : s.<String>getList("sc")) {
            String[] parts = setCookie.split(";");
            int eq = parts[0].indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = parts[0].substring(0, eq).trim();
            String value = parts[0].substring(eq + 1).trim();
            boolean expired = value.isEmpty();
            for (int i = 1; i < parts.length; i++) {
                String attribute = parts[i].trim().toLowerCase(java.util.Locale.ROOT);
                if (attribute.equals("max-age=0") || attribute.startsWith("expires=thu, 01 jan 1970") || attribute.startsWith("expires=thu, 01-jan-1970")) {
                    expired = true;
                }
            }
            if (expired) {
                jar.remove(name);
            } else {
                jar.put(name, value);
            }
        }
        StringBuilder header = new StringBuilder();
        jar.forEach((name, value) -> header.append(header.isEmpty() ? "" : "; ").append(name).append('=').append(value));
        return s.set("ck", header.toString());
    }

    private static String absolute(String location) {
        return location.startsWith("/") ? Server.BASE + location : location;
    }

    private static String authUrl(String realm) {
        return Server.BASE + "/realms/" + realm + "/protocol/openid-connect/auth?client_id=" + Server.CLIENT
                + "&redirect_uri=" + URLEncoder.encode(Server.CALLBACK, StandardCharsets.UTF_8)
                + "&response_type=code&scope=openid&code_challenge=" + PKCE_CHALLENGE + "&code_challenge_method=S256";
    }

    private static String newEmail(String realm) {
        return "m" + SEQUENCE.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + "@" + realm + ".bench.test";
    }

    /** The few things read from pages (no JavaScript here). */
    static final class Html {

        private static final Pattern ACTION = Pattern.compile("action=\"([^\"]*)\"");
        private static final Pattern CODE = Pattern.compile("[?&]code=([^&#]+)");

        static boolean has(String body, String marker) {
            return body != null && body.contains(marker);
        }

        static String formAction(String body, String id) {
            if (body == null) {
                return null;
            }
            Matcher form = Pattern.compile("<form[^>]*id=\"" + Pattern.quote(id) + "\"[^>]*>").matcher(body);
            if (!form.find()) {
                return null;
            }
            Matcher action = ACTION.matcher(form.group());
            return action.find() ? unescape(action.group(1)) : null;
        }

        static String link(String body, String contains) {
            if (body == null) {
                return null;
            }
            Matcher m = Pattern.compile("href=\"([^\"]*" + Pattern.quote(contains) + "[^\"]*)\"").matcher(body);
            return m.find() ? unescape(m.group(1)) : null;
        }

        static String code(String location) {
            Matcher m = CODE.matcher(location);
            return m.find() ? URLDecoder.decode(m.group(1), StandardCharsets.UTF_8) : null;
        }

        static String text(String body) {
            String text = body.replaceAll("(?s)<script.*?</script>|<style.*?</style>|<[^>]+>", " ").replaceAll("\\s+", " ").trim();
            return text.length() > 600 ? text.substring(0, 600) + "..." : text;
        }

        private static String unescape(String s) {
            return s.replace("&amp;", "&").replace("&#61;", "=").replace("&#x3D;", "=").replace("&#x2F;", "/").replace("&quot;", "\"");
        }
    }
}
