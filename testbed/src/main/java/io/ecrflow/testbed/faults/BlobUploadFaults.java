package io.ecrflow.testbed.faults;

import java.util.Optional;

/**
 * A knob for the tests: the next N blob uploads of one kind (a layer or the image config) into one repository are
 * answered with an error status, as a registry answers when its storage fails for a moment. Counted, not timed.
 * An upload is told by its first bytes: layers are gzip streams, an image config is JSON.
 */
public final class BlobUploadFaults {
    /** What a blob upload carries, as the registry front can tell from its body. */
    public enum Kind { LAYER, CONFIG, OTHER;

        public static Kind of(byte[] head) {
            if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
                return LAYER;
            }
            return head.length >= 1 && head[0] == '{' ? CONFIG : OTHER;
        }
    }

    private final CountedFaults<Integer> statuses = new CountedFaults<>();

    public void fail(String repository, Kind kind, int status, int times) {
        statuses.arm(key(repository, kind), status, times);
    }

    public boolean armed(String repository) {
        return statuses.armedFor(repository + "|");
    }

    /** The status to answer this upload with, consuming one fault; empty when it goes through. */
    public Optional<Integer> take(String repository, Kind kind) {
        return statuses.take(key(repository, kind));
    }

    private static String key(String repository, Kind kind) {
        return repository + "|" + kind;
    }
}
