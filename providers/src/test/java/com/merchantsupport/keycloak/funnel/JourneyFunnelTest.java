package com.merchantsupport.keycloak.funnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

class JourneyFunnelTest {

    @Test
    void labelsAreTheClosedListsValuesAndNeverWhatAMerchantTyped() {
        assertEquals("none", JourneyFunnel.label(null));
        assertEquals("none", JourneyFunnel.label("  "));
        assertEquals("used", JourneyFunnel.label("USED"));
        assertEquals("resend_limit", JourneyFunnel.label("resend_limit"));
        assertEquals("someone-tried", JourneyFunnel.label("someone-tried"));
        assertEquals("mock-google", JourneyFunnel.label("mock-google"));
        // Anything shaped otherwise is a bug upstream: counted as "other", never echoed into a label.
        assertEquals("other", JourneyFunnel.label("ada@shop.test"));
        assertEquals("other", JourneyFunnel.label("allowed: shop.test, other.test"));
        assertEquals("other", JourneyFunnel.label("x".repeat(49)));
        assertEquals("other", JourneyFunnel.label("Ünïcode"));
    }

    @Test
    void stepIdsAreUniqueAndFoundAgain() {
        Set<String> ids = Arrays.stream(JourneyFunnel.Step.values()).map(JourneyFunnel.Step::id).collect(Collectors.toSet());
        assertEquals(JourneyFunnel.Step.values().length, ids.size());
        for (JourneyFunnel.Step step : JourneyFunnel.Step.values()) {
            assertEquals(step, JourneyFunnel.Step.from(step.id()));
        }
        assertNull(JourneyFunnel.Step.from("registration-submitted"));
    }

    @Test
    void oneDayRowPerRealmDayStepReasonAndProvider() {
        JourneyFunnel.DayKey key = new JourneyFunnel.DayKey("realm-1", "2026-12-02", "rate_limited", "resend_limit", "none");
        assertEquals(FunnelDays.id(key), FunnelDays.id(new JourneyFunnel.DayKey("realm-1", "2026-12-02", "rate_limited", "resend_limit", "none")));
        assertEquals(64, FunnelDays.id(key).length());
        assertNotEquals(FunnelDays.id(key), FunnelDays.id(new JourneyFunnel.DayKey("realm-1", "2026-12-03", "rate_limited", "resend_limit", "none")));
        assertNotEquals(FunnelDays.id(key), FunnelDays.id(new JourneyFunnel.DayKey("realm-2", "2026-12-02", "rate_limited", "resend_limit", "none")));
    }

    @Test
    void pendingCountsTakenAndGivenBackAreNotLost() {
        JourneyFunnel.drain();
        JourneyFunnel.DayKey key = new JourneyFunnel.DayKey("realm-1", "2026-12-02", "link_opened", "none", "none");
        JourneyFunnel.giveBack(java.util.Map.of(key, 3L));
        var taken = JourneyFunnel.drain();
        assertEquals(3L, taken.get(key));
        assertEquals(java.util.Map.of(), JourneyFunnel.drain());
        JourneyFunnel.giveBack(taken);
        assertEquals(3L, JourneyFunnel.drain().get(key));
    }
}
