package com.merchantsupport.it.support;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/** Reads what the merchant receives. */
public final class Mails {

    private static final Pattern WELCOME_LINK = Pattern.compile("https?://[^\\s\"<>]+/merchant-welcome/open\\?key=[A-Za-z0-9._\\-]+");

    private Mails() {
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
