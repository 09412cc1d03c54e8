package io.ecrflow.pipeline;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Times one phase of a run (login, build, push, test) and reports it with {@link Pipeline#phaseFinished},
 * also when the phase fails: how long a failed build ran is worth knowing too.
 */
public final class PhaseTimer {
    private PhaseTimer() {
    }

    public static <T> T time(Pipeline pipeline, String phase, Supplier<T> step) {
        long start = System.nanoTime();
        try {
            return step.get();
        } finally {
            pipeline.phaseFinished(phase, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /** "0.4 s", "12 s", "2 min 5 s": tenths only while they matter. */
    static String format(Duration took) {
        long millis = Math.max(0, took.toMillis());
        if (millis < 10_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long seconds = Math.round(millis / 1000.0);
        return seconds < 60 ? seconds + " s" : seconds / 60 + " min " + seconds % 60 + " s";
    }
}
