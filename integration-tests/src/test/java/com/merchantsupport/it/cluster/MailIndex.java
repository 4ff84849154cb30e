package com.merchantsupport.it.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import com.icegreen.greenmail.util.GreenMail;
import com.merchantsupport.it.reliability.NodeRegistrations;
import com.merchantsupport.it.support.Mails;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * The welcome emails GreenMail received, by recipient, read once each by one thread: hundreds of merchants waiting
 * for their email do not each scan every message (which grows with the load, for every one of them).
 */
final class MailIndex implements AutoCloseable {

    private final GreenMail mail;
    private final Map<String, List<String>> welcomeLinks = new ConcurrentHashMap<>();
    private final Map<String, Integer> otherSubjects = new ConcurrentHashMap<>();
    private final Thread reader;
    private int seen;
    private volatile boolean open = true;

    MailIndex(GreenMail mail) {
        this.mail = mail;
        reader = Thread.ofPlatform().daemon().name("mail-index").start(this::readAll);
    }

    private void readAll() {
        while (open) {
            MimeMessage[] received = mail.getReceivedMessages();
            for (; seen < received.length; seen++) {
                index(received[seen]);
            }
            synchronized (this) {
                notifyAll();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void index(MimeMessage m) {
        try {
            if (!NodeRegistrations.WELCOME_SUBJECT.equals(m.getSubject())) {
                otherSubjects.merge(m.getSubject(), 1, Integer::sum);
                return;
            }
            String link = Mails.welcomeLink(m);
            for (var r : m.getRecipients(Message.RecipientType.TO)) {
                welcomeLinks.computeIfAbsent(((InternetAddress) r).getAddress().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(link);
            }
        } catch (Exception e) {
            otherSubjects.merge("(unreadable) " + e, 1, Integer::sum);
        }
    }

    /** The newest welcome link to {@code email}, waiting at most {@code timeout}; null when none came. */
    String awaitLink(String email, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String key = email.toLowerCase(Locale.ROOT);
        synchronized (this) {
            while (!welcomeLinks.containsKey(key)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                try {
                    wait(Math.max(1, Math.min(left / 1_000_000, 500)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            List<String> links = welcomeLinks.get(key);
            return links.get(links.size() - 1);
        }
    }

    /** Welcome emails received per recipient whose address starts with {@code prefix}. */
    Map<String, Integer> welcomeCounts(String prefix) {
        Map<String, Integer> counts = new TreeMap<>();
        welcomeLinks.forEach((to, links) -> {
            if (to.startsWith(prefix)) {
                counts.put(to, links.size());
            }
        });
        return counts;
    }

    /** Emails other than welcome emails, by subject (none expected in these runs). */
    Map<String, Integer> others() {
        return new TreeMap<>(otherSubjects);
    }

    @Override
    public void close() {
        open = false;
        reader.interrupt();
    }
}
