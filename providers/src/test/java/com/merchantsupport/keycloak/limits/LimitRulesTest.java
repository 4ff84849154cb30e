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
    void oneReadServesEveryWindowOfADecision() {
        RateCounter.Subject perMinute = RateCounter.Subject.of(new Limit("m", 5, 60), "realm", "a", RateCounter.Reach.ONE_PERSON);
        RateCounter.Subject perHour = RateCounter.Subject.of(new Limit("h", 5, 3600), "realm", "a", RateCounter.Reach.ONE_PERSON);
        // per minute: 6 s buckets; bucket 100 is current at 600 s, 90 the oldest still counted, 89 no longer.
        RateCounter.Counts counts = new RateCounter.Counts(java.util.Map.of(
                perMinute.key(), java.util.Map.of(89L, 7L, 90L, 1L, 95L, 2L, 100L, 3L),
                perHour.key(), java.util.Map.of(1L, 4L)));
        assertEquals(6, counts.inWindow(perMinute, 600), "the oldest counted bucket and the current one are in");
        assertEquals(3, counts.before(perMinute, 100), "the buckets before the current one, which no longer change");
        assertEquals(4, counts.inWindow(perHour, 600), "each subject reads its own buckets in its own unit");
        assertEquals(0, counts.inWindow(RateCounter.Subject.of(new Limit("m", 5, 60), "realm", "b", RateCounter.Reach.ONE_PERSON), 600));
    }

    @Test
    void theRealmsRowIsLockedLastAndTheAddresssBeforeIt() {
        RateCounter.Subject realm = RateCounter.Subject.of(new Limit("realm-emails", 100, 3600), "r", "realm", RateCounter.Reach.WHOLE_REALM);
        RateCounter.Subject address = RateCounter.Subject.of(new Limit("emails-per-address", 20, 3600), "r", "127.0.0.1", RateCounter.Reach.ONE_NETWORK_ADDRESS);
        RateCounter.Subject minute = RateCounter.Subject.of(new Limit("per-minute", 1, 60), "r", "a@shop.test", RateCounter.Reach.ONE_PERSON);
        RateCounter.Subject hour = RateCounter.Subject.of(new Limit("per-hour", 5, 3600), "r", "a@shop.test", RateCounter.Reach.ONE_PERSON);
        java.util.List<RateCounter.Subject> people = java.util.stream.Stream.of(minute, hour).sorted(java.util.Comparator.comparing(RateCounter.Subject::key)).toList();
        // Whatever order a decision lists them in, every request locks them in the same one.
        for (java.util.List<RateCounter.Subject> asked : java.util.List.of(java.util.List.of(realm, address, minute, hour),
                java.util.List.of(hour, realm, minute, address), java.util.List.of(address, hour, minute, realm))) {
            assertEquals(java.util.List.of(people.get(0), people.get(1), address, realm),
                    asked.stream().sorted(RateCounter.LOCK_ORDER).toList());
        }
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
