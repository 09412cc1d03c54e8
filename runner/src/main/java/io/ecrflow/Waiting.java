package io.ecrflow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How a loop that waits waits: at most {@code attempts} tries, a pause after each failed one (the same every time,
 * growing by the first pause each time, or doubling) never longer than {@code longestPause}, and deadlines read from
 * {@code clock}. The time passes in {@code sleeper}: a test gives a sleeper that only moves its clock on, so no loop
 * makes a test wait.
 */
public record Waiting(int attempts, Duration firstPause, Growth growth, Duration longestPause, Clock clock,
                      Sleeper sleeper) {
    /** Waits the time given; the real one sleeps the thread. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration pause) throws InterruptedException;
    }

    /** How the pause after attempt n grows. */
    public enum Growth {
        /** The first pause every time. */
        FIXED,
        /** n times the first pause. */
        LINEAR,
        /** The first pause, doubled after each attempt. */
        DOUBLING
    }

    public static final Sleeper THREAD_SLEEP = pause -> Thread.sleep(pause.toMillis());

    public Waiting {
        if (attempts < 1) {
            throw new IllegalArgumentException("at least one attempt");
        }
    }

    /** At most {@code attempts} tries, the same pause between them, on the system clock. */
    public static Waiting fixed(int attempts, Duration pause) {
        return new Waiting(attempts, pause, Growth.FIXED, pause, Clock.systemUTC(), THREAD_SLEEP);
    }

    /** At most {@code attempts} tries, the pause after attempt n being n times {@code step}. */
    public static Waiting linear(int attempts, Duration step) {
        return new Waiting(attempts, step, Growth.LINEAR, step.multipliedBy(attempts), Clock.systemUTC(), THREAD_SLEEP);
    }

    /** At most {@code attempts} tries, pauses doubling from {@code firstPause} up to {@code longestPause}. */
    public static Waiting doubling(int attempts, Duration firstPause, Duration longestPause) {
        return new Waiting(attempts, firstPause, Growth.DOUBLING, longestPause, Clock.systemUTC(), THREAD_SLEEP);
    }

    /** Tries until a deadline the caller reads with {@link #passed}, pausing {@code pause} between them. */
    public static Waiting every(Duration pause) {
        return fixed(Integer.MAX_VALUE, pause);
    }

    /** The same policy, reading the time from {@code clock} and passing it in {@code sleeper}. */
    public Waiting on(Clock clock, Sleeper sleeper) {
        return new Waiting(attempts, firstPause, growth, longestPause, clock, sleeper);
    }

    /** The same, with at most {@code most} attempts (at least one). */
    public Waiting limitedTo(int most) {
        return new Waiting(Math.max(1, Math.min(attempts, most)), firstPause, growth, longestPause, clock, sleeper);
    }

    /** Whether another attempt may follow attempt {@code attempt} (1-based). */
    public boolean allowsAfter(int attempt) {
        return attempt < attempts;
    }

    /** "attempt n of m", for the line that says a step is tried again. */
    public String attempt(int number) {
        return "attempt " + number + " of " + attempts;
    }

    /** The pause after attempt {@code attempt} failed (1-based). */
    public Duration pauseAfter(int attempt) {
        return pauseAfter(attempt, Optional.empty());
    }

    /** As {@link #pauseAfter(int)}, or the pause the other side asked for when longer, never above the longest. */
    public Duration pauseAfter(int attempt, Optional<Duration> asked) {
        Duration grown = switch (growth) {
            case FIXED -> firstPause;
            case LINEAR -> firstPause.multipliedBy(attempt);
            case DOUBLING -> firstPause.multipliedBy(1L << Math.min(attempt - 1, 20));
        };
        Duration pause = asked.filter(longer -> longer.compareTo(grown) > 0).orElse(grown);
        return pause.compareTo(longestPause) > 0 ? longestPause : pause;
    }

    /** Waits {@code pause}; an interrupt ends the wait with {@code interrupted}'s error, the thread still interrupted. */
    public void pause(Duration pause, Supplier<? extends RuntimeException> interrupted) {
        if (!pauseUnlessInterrupted(pause)) {
            throw interrupted.get();
        }
    }

    /** Waits {@code pause}; false when interrupted, the thread still interrupted. */
    public boolean pauseUnlessInterrupted(Duration pause) {
        try {
            sleeper.sleep(pause);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits the pause after attempt {@code attempt}. */
    public void pauseAfterAttempt(int attempt, Supplier<? extends RuntimeException> interrupted) {
        pause(pauseAfter(attempt), interrupted);
    }

    public Instant now() {
        return clock.instant();
    }

    /** The instant {@code timeout} from now. */
    public Instant deadline(Duration timeout) {
        return now().plus(timeout);
    }

    /** Whether {@code deadline} has come. */
    public boolean passed(Instant deadline) {
        return !now().isBefore(deadline);
    }
}
