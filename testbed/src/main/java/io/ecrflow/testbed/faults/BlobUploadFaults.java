package io.ecrflow.testbed.faults;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

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

    private record Fault(int status, int[] left) {
    }

    private final Map<String, Fault> faults = new ConcurrentHashMap<>();

    public void fail(String repository, Kind kind, int status, int times) {
        faults.put(key(repository, kind), new Fault(status, new int[] {times}));
    }

    public boolean armed(String repository) {
        return faults.keySet().stream().anyMatch(key -> key.startsWith(repository + "|"));
    }

    /** The status to answer this upload with, consuming one fault; empty when it goes through. */
    public Optional<Integer> take(String repository, Kind kind) {
        Fault fault = faults.get(key(repository, kind));
        if (fault == null) {
            return Optional.empty();
        }
        synchronized (fault) {
            if (fault.left()[0] <= 0) {
                return Optional.empty();
            }
            fault.left()[0]--;
        }
        return Optional.of(fault.status());
    }

    private static String key(String repository, Kind kind) {
        return repository + "|" + kind;
    }
}
