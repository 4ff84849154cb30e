package com.merchantsupport.it.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.keycloak.testframework.mail.MailServer;

/** Reads what the merchant receives. */
public final class Mails {

    private static final Pattern WELCOME_LINK = Pattern.compile("https?://[^\\s\"<>]+/merchant-welcome/open\\?key=[A-Za-z0-9._\\-]+");
    /** Keycloak's own action-token links: "Forgot my password", "update your account". */
    private static final Pattern ACTION_TOKEN_LINK = Pattern.compile("https?://[^\\s\"<>]+/login-actions/action-token\\?key=[A-Za-z0-9._\\-]+[^\\s\"<>]*");

    private static final ObjectMapper JSON = new ObjectMapper();

    private Mails() {
    }

    /**
     * The messages to the address once there are at least {@code count}, oldest first; fails after 30 s. Counts only
     * this address's mail, never what other tests sent.
     */
    public static List<MimeMessage> await(MailServer mail, String address, int count) {
        return await(mail::getReceivedMessages, address, count);
    }

    /** The same on a mail server the test started itself (the production-mode tests' GreenMail). */
    public static List<MimeMessage> await(Supplier<MimeMessage[]> received, String address, int count) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<MimeMessage> found = to(received.get(), address);
        while (found.size() < count && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            found = to(received.get(), address);
        }
        if (found.size() < count) {
            throw new AssertionError("expected " + count + " emails to " + address + ", got " + found.size());
        }
        return found;
    }

    /** The newest message to the address, waiting for one. */
    public static MimeMessage newest(MailServer mail, String address) {
        List<MimeMessage> found = await(mail, address, 1);
        return found.get(found.size() - 1);
    }

    /**
     * The welcome links of the address's first {@code count} emails, by generation, oldest first. Two emails queued a
     * moment apart are sent by different outbox workers and may arrive in either order; their generations do not.
     */
    public static List<String> welcomeLinks(MailServer mail, String address, int count) {
        return await(mail, address, count).stream()
                .filter(m -> WELCOME_LINK.matcher(text(m)).find())
                .map(Mails::welcomeLink)
                .sorted(Comparator.comparingInt(Mails::generation))
                .toList();
    }

    /** The generation a welcome link carries (its {@code gen} claim): each new link of an account is one more. */
    public static int generation(String link) {
        String key = Pages.keyOf(link);
        try {
            return JSON.readTree(new String(Base64.getUrlDecoder().decode(key.split("\\.")[1]), StandardCharsets.UTF_8))
                    .get("gen").asInt();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The welcome link of the newest message to the address, waiting for one. */
    public static String welcomeLink(MailServer mail, String address) {
        return welcomeLink(newest(mail, address));
    }

    /** How many messages the address has now. */
    public static int count(MailServer mail, String address) {
        return to(mail.getReceivedMessages(), address).size();
    }

    public static List<MimeMessage> to(MimeMessage[] messages, String address) {
        List<MimeMessage> found = new ArrayList<>();
        for (MimeMessage m : messages) {
            try {
                for (var r : m.getRecipients(Message.RecipientType.TO)) {
                    if (((InternetAddress) r).getAddress().equalsIgnoreCase(address)) {
                        found.add(m);
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return found;
    }

    public static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sender(MimeMessage m) {
        try {
            return ((InternetAddress) m.getFrom()[0]).getPersonal();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String text(MimeMessage m) {
        return part(m, "text/plain");
    }

    public static String html(MimeMessage m) {
        return part(m, "text/html");
    }

    public static String welcomeLink(MimeMessage m) {
        Matcher matcher = WELCOME_LINK.matcher(text(m));
        if (!matcher.find()) {
            throw new AssertionError("no welcome link in:\n" + text(m));
        }
        return matcher.group();
    }

    /** The first Keycloak action-token link in the message (its "Forgot my password" email, say). */
    public static String actionTokenLink(MimeMessage m) {
        Matcher matcher = ACTION_TOKEN_LINK.matcher(text(m));
        if (!matcher.find()) {
            throw new AssertionError("no action token link in:\n" + text(m));
        }
        return matcher.group();
    }

    private static String part(MimeMessage m, String type) {
        try {
            Object content = m.getContent();
            if (content instanceof String s) {
                return m.isMimeType(type) ? s : "";
            }
            return find((Multipart) content, type);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String find(Multipart multipart, String type) throws Exception {
        for (int i = 0; i < multipart.getCount(); i++) {
            BodyPart part = multipart.getBodyPart(i);
            if (part.isMimeType(type)) {
                return (String) part.getContent();
            }
            if (part.getContent() instanceof Multipart nested) {
                String found = find(nested, type);
                if (!found.isEmpty()) {
                    return found;
                }
            }
        }
        return "";
    }
}
