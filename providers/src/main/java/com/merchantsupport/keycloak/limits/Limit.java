package com.merchantsupport.keycloak.limits;

/**
 * At most {@code max} of one thing within any {@code windowSeconds}; {@code name} says which thing (it keys the
 * counter, so renaming one restarts its count).
 */
public record Limit(String name, int max, long windowSeconds) {

    public Limit {
        if (max < 1 || windowSeconds < 10) {
            throw new IllegalArgumentException("a limit allows at least one event in at least 10 seconds: " + name);
        }
    }

    /** Counters keep ten buckets per window: a refusal lifts at most a tenth of the window late. */
    static final int BUCKETS_PER_WINDOW = 10;

    long bucketSeconds() {
        return Math.max(1, windowSeconds / BUCKETS_PER_WINDOW);
    }

    long bucketAt(long epochSeconds) {
        return Math.floorDiv(epochSeconds, bucketSeconds());
    }

    /** The oldest bucket that still counts at {@code bucket}: the window and the bucket it began in. */
    long oldestCountedBucket(long bucket) {
        return bucket - BUCKETS_PER_WINDOW;
    }
}
