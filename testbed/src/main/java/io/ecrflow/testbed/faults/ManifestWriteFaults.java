package io.ecrflow.testbed.faults;

import java.util.Optional;

/**
 * Knobs for the tests on the manifest PUTs of one tag, counted, not timed: the next N are answered with an error
 * status, as a registry answers when it fails half-way through a publication; or the next N that the registry
 * stores lose their answer (see {@link LostAnswer}), as when a proxy or the network fails between a registry and
 * its client after the write.
 */
public final class ManifestWriteFaults {
    private final CountedFaults<Integer> statuses = new CountedFaults<>();
    private final CountedFaults<LostAnswer> losses = new CountedFaults<>();

    public void fail(String repository, String tag, int status, int times) {
        statuses.arm(repository + ":" + tag, status, times);
    }

    /** The status to answer this PUT with, consuming one fault; empty when the PUT goes through. */
    public Optional<Integer> take(String repository, String tag) {
        return statuses.take(repository + ":" + tag);
    }

    public void lose(String repository, String tag, int times, LostAnswer how) {
        losses.arm(repository + ":" + tag, how, times);
    }

    /** How the answer of this stored write is lost, consuming one fault; empty when the client hears it. */
    public Optional<LostAnswer> takeLoss(String repository, String tag) {
        return losses.take(repository + ":" + tag);
    }
}
