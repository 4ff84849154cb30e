package com.merchantsupport.it.reliability;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.merchantsupport.it.support.AltchaSolver;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.MerchantRealm;
import com.merchantsupport.it.support.Pages;
import jakarta.mail.internet.MimeMessage;
import org.jsoup.nodes.Element;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.realm.ManagedRealm;

/** The merchant's steps with {@link Http}, up to the page a bad-input case starts from. */
final class Journeys {

    static final String REGISTER_FORM = "#kc-register-form";
    static final String MAILBOX_FORM = "#merchant-mailbox-form";
    static final String CREATE_PASSWORD_FORM = "#merchant-create-password-form";
    static final String PASSWORD = "a-Good-password-2026";

    private static final Pattern ACTION_TOKEN_KEY = Pattern.compile("/login-actions/action-token\\?key=([A-Za-z0-9._\\-]+)");

    private Journeys() {
    }

    /** The help center's sign-in page, then "New on the merchant support center?". */
    static Http.Reply registrationPage(Http http) {
        Http.Reply signIn = http.get(Pages.signIn().toString());
        Element link = signIn.page().selectFirst("#kc-registration a");
        if (link == null) {
            throw new AssertionError("no registration link on the sign-in page (" + signIn.statuses() + "):\n" + signIn.text());
        }
        return http.get(link.absUrl("href"));
    }

    /** Name, email and a solved captcha, then "Connect". */
    static Http.Reply register(Http http, String name, String email) {
        Http.Reply page = registrationPage(http);
        return http.post(page.formAction(REGISTER_FORM), Http.FORM,
                Http.form("name", name, "email", email, "altcha", AltchaSolver.solve(MerchantRealm.NAME)));
    }

    /** The newest message to the address, waiting up to 20 s for it. */
    static MimeMessage awaitMail(MailServer mail, String address, String subjectPart) {
        for (int i = 0; i < 100; i++) {
            List<MimeMessage> received = Mails.to(mail.getReceivedMessages(), address).stream()
                    .filter(m -> subjectPart == null || Mails.subject(m).contains(subjectPart)).toList();
            if (!received.isEmpty()) {
                return received.get(received.size() - 1);
            }
            sleep(200);
        }
        throw new AssertionError("no email to " + address + (subjectPart == null ? "" : " about '" + subjectPart + "'"));
    }

    /** Waits up to 10 s for the address to have {@code count} messages; returns how many it has. */
    static int awaitCount(MailServer mail, String address, int count) {
        for (int i = 0; i < 50 && mailCount(mail, address) < count; i++) {
            sleep(200);
        }
        return mailCount(mail, address);
    }

    static int mailCount(MailServer mail, String address) {
        return Mails.to(mail.getReceivedMessages(), address).size();
    }

    static String welcomeLink(MailServer mail, String address) {
        return Mails.welcomeLink(awaitMail(mail, address, "Welcome"));
    }

    static String key(String welcomeLink) {
        String query = URI.create(welcomeLink).getRawQuery();
        for (String pair : query.split("&")) {
            if (pair.startsWith("key=")) {
                return URLDecoder.decode(pair.substring(4), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no key in " + welcomeLink);
    }

    static String openUrl(String key) {
        return Pages.realmUrl() + "/merchant-welcome/open?key=" + Http.enc(key);
    }

    static String resendUrl() {
        return Pages.realmUrl() + "/merchant-welcome/resend";
    }

    /** Registered, welcome link opened: the "Create your password" page. */
    static Http.Reply createPasswordPage(Http http, MailServer mail, String name, String email) {
        Http.Reply mailbox = register(http, name, email);
        if (!mailbox.text().contains("Check your mailbox")) {
            throw new AssertionError("registration of " + email + " did not reach the mailbox page:\n" + mailbox.text());
        }
        Http.Reply page = http.get(welcomeLink(mail, email));
        page.formAction(CREATE_PASSWORD_FORM);
        return page;
    }

    /** The whole journey: the Location of the help center's callback, with the code. */
    static String completeJourney(Http http, MailServer mail, String name, String email) {
        Http.Reply page = createPasswordPage(http, mail, name, email);
        Http.Reply done = http.post(page.formAction(CREATE_PASSWORD_FORM), Http.FORM,
                Http.form("password-new", PASSWORD, "password-confirm", PASSWORD));
        String location = done.location();
        if (location == null || !location.startsWith(MerchantRealm.HELP_CENTER_REDIRECT_URI)) {
            throw new AssertionError("not sent to the help center (" + done.statuses() + "):\n" + done.text());
        }
        return location;
    }

    static String code(String callbackLocation) {
        for (String pair : URI.create(callbackLocation).getRawQuery().split("&")) {
            if (pair.startsWith("code=")) {
                return URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no code in " + callbackLocation);
    }

    /** Keycloak's own "Forgot my password" email: the key of its reset-credentials action token. */
    static String resetCredentialsKey(Http http, MailServer mail, String email) {
        Http.Reply signIn = http.get(Pages.signIn().toString());
        Element forgot = signIn.page().selectFirst("a[href*=reset-credentials]");
        if (forgot == null) {
            throw new AssertionError("no 'Forgot my password' link:\n" + signIn.text());
        }
        Http.Reply reset = http.get(forgot.absUrl("href"));
        http.post(reset.formAction("#kc-reset-password-form"), Http.FORM, Http.form("username", email));
        MimeMessage message = awaitMail(mail, email, null);
        Matcher matcher = ACTION_TOKEN_KEY.matcher(Mails.text(message));
        if (!matcher.find()) {
            throw new AssertionError("no action token link in:\n" + Mails.text(message));
        }
        return matcher.group(1);
    }

    /** What a bad request must not change about an account. */
    record Snapshot(String email, boolean enabled, boolean emailVerified, Map<String, List<String>> attributes,
                    List<String> requiredActions, List<String> credentials) {
    }

    static Snapshot snapshot(ManagedRealm realm, String userId) {
        UserRepresentation user = realm.admin().users().get(userId).toRepresentation();
        List<String> credentials = realm.admin().users().get(userId).credentials().stream()
                .map(c -> c.getType() + ":" + c.getId() + ":" + c.getCreatedDate()).sorted().toList();
        return new Snapshot(user.getEmail(), Boolean.TRUE.equals(user.isEnabled()), Boolean.TRUE.equals(user.isEmailVerified()),
                user.getAttributes() == null ? Map.of() : new TreeMap<>(user.getAttributes()),
                user.getRequiredActions() == null ? List.of() : user.getRequiredActions().stream().sorted().toList(),
                credentials);
    }

    static List<CredentialRepresentation> credentials(ManagedRealm realm, String userId) {
        return realm.admin().users().get(userId).credentials();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
