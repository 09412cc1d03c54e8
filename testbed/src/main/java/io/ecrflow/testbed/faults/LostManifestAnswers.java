package io.ecrflow.testbed.faults;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A knob for the tests: the next N manifest PUTs of one tag that the registry stores lose their answer (see
 * {@link LostAnswer}), as when a proxy or the network fails between a registry and its client after the write.
 * Deterministic: counted, not timed.
 */
public final class LostManifestAnswers {
    private record Fault(LostAnswer how, int[] left) {
    }

    private final Map<String, Fault> faults = new ConcurrentHashMap<>();

    public void lose(String repository, String tag, int times, LostAnswer how) {
        faults.put(key(repository, tag), new Fault(how, new int[] {times}));
    }

    /** How the answer of this stored write is lost, consuming one fault; empty when the client hears it. */
    public Optional<LostAnswer> take(String repository, String tag) {
        Fault fault = faults.get(key(repository, tag));
        if (fault == null) {
            return Optional.empty();
        }
        synchronized (fault.left()) {
            if (fault.left()[0] <= 0) {
                return Optional.empty();
            }
            fault.left()[0]--;
        }
        return Optional.of(fault.how());
    }

    private static String key(String repository, String tag) {
        return repository + ":" + tag;
    }
}
