package com.merchantsupport.keycloak.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The pure parts of the limits: which network a request counts for, the buckets of a window, the captcha's climb. */
class LimitRulesTest {

    @Test
    void anIpv4AddressCountsForItselfAndAnIpv6AddressForItsSlash64() {
        assertEquals("192.0.2.7", ClientAddress.group("192.0.2.7"));
        assertEquals("2001:db8:1:2::/64", ClientAddress.group("2001:db8:1:2::1"));
        assertEquals(ClientAddress.group("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), ClientAddress.group("2001:db8:1:2::ffff"));
        assertEquals(ClientAddress.group("[2001:db8:1:2::1]"), ClientAddress.group("2001:db8:1:2::1%eth0"));
        assertEquals("192.0.2.7", ClientAddress.group("::ffff:192.0.2.7"), "an IPv4-mapped address is the IPv4 address");
        assertEquals("unknown", ClientAddress.group(null));
        assertEquals("unknown", ClientAddress.group(" "));
    }

    @Test
    void anotherSlash64IsAnotherNetwork() {
        assertEquals(false, ClientAddress.group("2001:db8:1:2::1").equals(ClientAddress.group("2001:db8:1:3::1")));
    }

    @Test
    void aWindowIsTenBucketsAndTheOneItBeganIn() {
        Limit perMinute = new Limit("x", 1, 60);
        assertEquals(6, perMinute.bucketSeconds());
        assertEquals(10, perMinute.bucketAt(60));
        assertEquals(9, perMinute.bucketAt(59));
        assertEquals(0, perMinute.oldestCountedBucket(10));
        assertEquals(60, new Limit("y", 10, 600).bucketSeconds());
        assertEquals(360, new Limit("z", 20, 3600).bucketSeconds());
    }

    @Test
    void aLimitAllowsAtLeastOneEventInAtLeastTenSeconds() {
        assertThrows(IllegalArgumentException.class, () -> new Limit("none", 0, 60));
        assertThrows(IllegalArgumentException.class, () -> new Limit("instant", 1, 1));
    }

    @Test
    void theCaptchaDoublesPerSignUpPastTheThresholdUpToTheCeiling() {
        assertEquals(100_000, JourneyLimits.climb(100_000, 0, 10_000_000));
        assertEquals(100_000, JourneyLimits.climb(100_000, -3, 10_000_000));
        assertEquals(200_000, JourneyLimits.climb(100_000, 1, 10_000_000));
        assertEquals(800_000, JourneyLimits.climb(100_000, 3, 10_000_000));
        assertEquals(10_000_000, JourneyLimits.climb(100_000, 40, 10_000_000));
        assertEquals(10_000_000, JourneyLimits.climb(10_000_000, 2, 10_000_000), "never below the configured difficulty");
    }

    @Test
    void thePageRoundsTheWaitToTheNearestMinuteAndNeverSaysZero() {
        assertEquals(1, new JourneyLimits.Verdict(null, LimitReason.RECIPIENT_EMAILS, 5).retryAfterMinutes());
        assertEquals(1, new JourneyLimits.Verdict(null, LimitReason.RECIPIENT_EMAILS, 66).retryAfterMinutes());
        assertEquals(10, new JourneyLimits.Verdict(null, LimitReason.ADDRESS_SIGN_UPS, 600).retryAfterMinutes());
    }
}
