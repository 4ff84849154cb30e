package com.merchantsupport.it.captcha;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for reCAPTCHA's, hCaptcha's and Turnstile's siteverify endpoints, on a free port of 127.0.0.1
 * (never Keycloak's 8080/9000, the mail server's 3025 or the help center's 8500). The token the test posts
 * decides the answer: {@code good}, {@code bad}, {@code slow}, {@code v3-low}, {@code v3-login}.
 */
final class SiteverifyStub implements AutoCloseable {

    static final String SECRET = "stub-secret";
    private static final int SLOW_MS = 4_000;

    private final HttpServer server;
    final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();

    SiteverifyStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/siteverify", exchange -> {
            Map<String, String> form = parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            requests.add(form);
            String body;
            if (!SECRET.equals(form.get("secret"))) {
                body = "{\"success\":false,\"error-codes\":[\"invalid-input-secret\"]}";
            } else {
                body = switch (form.getOrDefault("response", "")) {
                    case "good" -> "{\"success\":true,\"hostname\":\"localhost\",\"score\":0.9,\"action\":\"register\"}";
                    case "v3-low" -> "{\"success\":true,\"hostname\":\"localhost\",\"score\":0.1,\"action\":\"register\"}";
                    case "v3-login" -> "{\"success\":true,\"hostname\":\"localhost\",\"score\":0.9,\"action\":\"login\"}";
                    case "slow" -> {
                        sleep();
                        yield "{\"success\":true}";
                    }
                    default -> "{\"success\":false,\"error-codes\":[\"invalid-input-response\"]}";
                };
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            try (OutputStream out = exchange.getResponseBody()) {
                exchange.sendResponseHeaders(200, bytes.length);
                out.write(bytes);
            } catch (IOException e) {
                // Keycloak gave up waiting (the timeout test)
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/siteverify";
    }

    private static void sleep() {
        try {
            Thread.sleep(SLOW_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, String> parse(String form) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : form.split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv.length == 2) {
                fields.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
        }
        return fields;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
