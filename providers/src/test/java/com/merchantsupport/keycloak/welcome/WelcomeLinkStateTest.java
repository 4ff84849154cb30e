package com.merchantsupport.keycloak.welcome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.merchantsupport.keycloak.welcome.WelcomeLink.State;
import org.junit.jupiter.api.Test;

/** The welcome link's state rule, without a server: which link works, and what the others are told. */
class WelcomeLinkStateTest {

    @Test
    void theLiveGenerationWorksWithinItsLifetimeAndExpiresAfter() {
        assertEquals(State.FRESH, WelcomeLink.state(3, 3, null, true, false));
        assertEquals(State.FRESH, WelcomeLink.state(3, 3, 2, true, false), "an older spend does not touch the newest link");
        assertEquals(State.EXPIRED, WelcomeLink.state(3, 3, null, true, true));
    }

    @Test
    void anOlderGenerationIsReplacedEvenBeforeItsExpiry() {
        assertEquals(State.REPLACED, WelcomeLink.state(2, 3, null, true, false));
        assertEquals(State.REPLACED, WelcomeLink.state(2, 3, null, true, true), "replaced says more than expired");
    }

    @Test
    void aLinkMadeBeforeGenerationsExistedOrWithoutARowIsReplaced() {
        assertEquals(State.REPLACED, WelcomeLink.state(null, 1, null, true, false));
        assertEquals(State.REPLACED, WelcomeLink.state(null, null, null, true, false));
        assertEquals(State.REPLACED, WelcomeLink.state(1, null, null, true, false));
    }

    @Test
    void theSpentGenerationIsUsedAndAFinishedAccountKillsEveryOtherLink() {
        assertEquals(State.USED, WelcomeLink.state(3, 3, 3, false, false));
        assertEquals(State.USED, WelcomeLink.state(3, 3, 3, true, false), "spent, even if an admin asked for a password again");
        assertEquals(State.ACCOUNT_COMPLETE, WelcomeLink.state(3, 3, null, false, false));
        assertEquals(State.ACCOUNT_COMPLETE, WelcomeLink.state(2, 3, 3, false, false));
        assertEquals(State.ACCOUNT_COMPLETE, WelcomeLink.state(null, 1, null, false, true));
    }

    @Test
    void onlyReplacedAndExpiredLinksOfferANewOne() {
        for (State state : State.values()) {
            assertEquals(state == State.REPLACED || state == State.EXPIRED, state.offersNewLink(), state.name());
        }
        assertFalse(State.FRESH.offersNewLink());
        assertTrue(State.EXPIRED.offersNewLink());
    }
}
