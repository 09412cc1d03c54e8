package io.ecrflow.testbed.faults;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A knob for the tests: the next N manifest PUTs of one tag are answered with an error status, as a
 * registry answers when it fails half-way through a publication. Deterministic: counted, not timed.
 */
public final class ManifestWriteFaults {
    private final Map<String, int[]> remaining = new ConcurrentHashMap<>();
    private final Map<String, Integer> statuses = new ConcurrentHashMap<>();

    public void fail(String repository, String tag, int status, int times) {
        remaining.put(key(repository, tag), new int[] {times});
        statuses.put(key(repository, tag), status);
    }

    /** The status to answer this PUT with, consuming one fault; empty when the PUT goes through. */
    public Optional<Integer> take(String repository, String tag) {
        int[] left = remaining.get(key(repository, tag));
        if (left == null) {
            return Optional.empty();
        }
        synchronized (left) {
            if (left[0] <= 0) {
                return Optional.empty();
            }
            left[0]--;
        }
        return Optional.of(statuses.get(key(repository, tag)));
    }

    private static String key(String repository, String tag) {
        return repository + ":" + tag;
    }
}
