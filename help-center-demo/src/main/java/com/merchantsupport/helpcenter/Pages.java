package com.merchantsupport.helpcenter;

import org.eclipse.jetty.util.StringUtil;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The HTML pages. Callers pass raw values; escaping happens here, at the point of output. */
public final class Pages {

    static final String SITE_NAME = "Merchant Support Center";

    private Pages() {
    }

    public static String signedOutHome(String uiLocales) {
        String locale = uiLocales == null || uiLocales.isBlank()
                ? ""
                : "?ui_locales=" + URLEncoder.encode(uiLocales, StandardCharsets.UTF_8);
        return layout(SITE_NAME, """
                <h1>Merchant Support Center</h1>
                <p>Sign in to follow your requests and talk to our support team.</p>
                <p class="actions">
                  <a class="button" id="sign-in" href="%s">Sign in</a>
                  <a id="register" href="%s">Create an account</a>
                </p>
                """.formatted(escape("/login" + locale), escape("/register" + locale)));
    }

    public static String signedInHome(SignedInUser user) {
        String email = user.email();
        return layout(SITE_NAME, """
                <h1 id="welcome">Welcome, %s!</h1>
                %s
                <p class="actions"><a class="button" id="sign-out" href="/logout">Sign out</a></p>
                """.formatted(
                        escape(user.displayName()),
                        email == null ? "" : "<p id=\"email\">Signed in as " + escape(email) + "</p>"));
    }

    public static String error(int status, String title, String detail) {
        return layout(title + " - " + SITE_NAME, """
                <h1>%s</h1>
                <p class="error" data-status="%d">%s</p>
                <p><a href="/">Back to the Merchant Support Center</a></p>
                """.formatted(escape(title), status, escape(detail)));
    }

    /** Jetty's escaper, for element content and quoted attribute values alike: & < > " ' all become entities. */
    private static String escape(String text) {
        return StringUtil.sanitizeXmlString(text);
    }

    private static String layout(String title, String body) {
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                  <meta charset="utf-8">
                  <meta name="viewport" content="width=device-width, initial-scale=1">
                  <title>%s</title>
                  <link rel="stylesheet" href="/style.css">
                </head>
                <body>
                <header><a href="/">%s</a></header>
                <main>
                %s</main>
                </body>
                </html>
                """.formatted(escape(title), escape(SITE_NAME), body);
    }
}
