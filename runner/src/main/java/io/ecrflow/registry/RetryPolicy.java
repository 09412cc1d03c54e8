package io.ecrflow.registry;

import io.ecrflow.Waiting;

import java.time.Duration;
import java.util.Optional;

/**
 * How a registry request that failed in passing is tried again: a 5xx answer (but 501, which never passes),
 * 429 (throttling, honouring Retry-After up to the longest pause) and no answer at all (a refused or reset
 * connection, a timeout). Pauses double ({@link Waiting}), so a registry that stays down fails the run after a
 * bounded time: with the standard policy, 5 attempts and at most 15 s of pauses (0.5 + 1 + 2 + 4 s, or up to 8 s
 * each when the registry asks for longer).
 */
record RetryPolicy(Waiting waiting) {
    static final RetryPolicy STANDARD = new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(8));

    RetryPolicy(int attempts, Duration firstPause, Duration longestPause) {
        this(Waiting.doubling(attempts, firstPause, longestPause));
    }

    int attempts() {
        return waiting.attempts();
    }

    /** The same pauses, with at most {@code most} attempts. */
    RetryPolicy limitedTo(int most) {
        return new RetryPolicy(waiting.limitedTo(most));
    }

    /** Whether an answer with this status may be a passing failure worth another attempt. */
    static boolean isPassing(int status) {
        return status == 429 || (status >= 500 && status != 501);
    }

    /** The pause after attempt {@code attempt} failed (1-based); the registry's Retry-After wins when longer. */
    Duration pauseAfter(int attempt, Optional<Duration> retryAfter) {
        return waiting.pauseAfter(attempt, retryAfter);
    }

    /** Retry-After in seconds (the HTTP-date form is rare from registries and ignored). */
    static Optional<Duration> retryAfter(Optional<String> header) {
        return header.map(String::trim).filter(value -> value.matches("\\d{1,6}")).map(value -> Duration.ofSeconds(Long.parseLong(value)));
    }
}
