package com.merchantsupport.keycloak.journey;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.SingleUseObjectProvider;

/**
 * How often an email may go to one account: at most {@code perMinute} within a minute and
 * {@code perHour} within an hour. Kept in Keycloak's single-use store, so every node of a cluster
 * counts the same sends, and nothing is written to the account.
 */
public final class SendLimit {

    private final String purpose;
    private final int perMinute;
    private final int perHour;

    public SendLimit(String purpose, int perMinute, int perHour) {
        this.purpose = purpose;
        this.perMinute = perMinute;
        this.perHour = perHour;
    }

    /** One allowed send; give it back when the email could not be sent, so a mail outage costs nothing. */
    public record Permit(SingleUseObjectProvider store, String minuteKey, String hourKey) {
        public void giveBack() {
            store.remove(minuteKey);
            store.remove(hourKey);
        }
    }

    /** Takes one send for {@code subject}; null when the limit is reached (nothing is taken then). */
    public Permit tryAcquire(KeycloakSession session, String realmId, String subject) {
        SingleUseObjectProvider store = session.singleUseObjects();
        String base = "merchant-send:" + purpose + ":" + realmId + ":" + subject;
        // Each slot is held for its window; a free slot means a send is allowed.
        int minuteSlot = firstFreeSlot(store, base + ":m:", perMinute, 60);
        if (minuteSlot < 0) {
            return null;
        }
        int hourSlot = firstFreeSlot(store, base + ":h:", perHour, 3600);
        if (hourSlot < 0) {
            store.remove(base + ":m:" + minuteSlot);
            return null;
        }
        return new Permit(store, base + ":m:" + minuteSlot, base + ":h:" + hourSlot);
    }

    private static int firstFreeSlot(SingleUseObjectProvider store, String prefix, int slots, long lifespanSeconds) {
        for (int i = 0; i < slots; i++) {
            if (store.putIfAbsent(prefix + i, lifespanSeconds)) {
                return i;
            }
        }
        return -1;
    }
}
