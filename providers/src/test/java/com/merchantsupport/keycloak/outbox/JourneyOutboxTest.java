package com.merchantsupport.keycloak.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JourneyOutboxTest {

    @Test
    void theFirstTenMinutesAreRetriedAtLeastOnceAMinute() {
        long age = 0;
        for (int attempt = 1; age < JourneyOutbox.FAST_RETRY_WINDOW; attempt++) {
            long delay = JourneyOutbox.delaySeconds(attempt, age);
            assertTrue(delay >= 5 && delay <= 60, "attempt " + attempt + ": " + delay);
            age += delay;
        }
        assertEquals(5, JourneyOutbox.delaySeconds(1, 0));
        assertEquals(10, JourneyOutbox.delaySeconds(2, 5));
    }

    @Test
    void thenTheWaitGrowsWithTheRowsAgeUpToAnHour() {
        assertEquals(120, JourneyOutbox.delaySeconds(20, 600));
        assertEquals(720, JourneyOutbox.delaySeconds(30, 3600));
        assertEquals(JourneyOutbox.MAX_DELAY, JourneyOutbox.delaySeconds(90, 24 * 3600));
    }

    @Test
    void kindsReadBackFromTheirIds() {
        for (JourneyOutbox.Kind kind : JourneyOutbox.Kind.values()) {
            assertEquals(kind, JourneyOutbox.Kind.from(kind.id()));
        }
    }
}
