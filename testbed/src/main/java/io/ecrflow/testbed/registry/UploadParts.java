package io.ecrflow.testbed.registry;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What ECR demands of the parts of a blob upload, which it stores as an S3 multipart upload: every part but the last
 * at least 5 MiB ({@code LayerPartTooSmallException}), parts in order (a restart from byte 0 after bytes were
 * committed is {@code 416}), and at least one part (a zero-byte blob cannot be uploaded: "does not have any parts").
 * One streamed PATCH then a PUT, or one PUT with the whole blob, is one part and always fits. Sources: ECR's answers
 * as dotnet/sdk-container-builds#279 and #424 record them.
 */
final class UploadParts {
    static final long MINIMUM_PART = 5L * 1024 * 1024;

    /** An answer the front gives instead of forwarding the request. */
    record Refusal(int status, String code, String message) {
    }

    private record Progress(long committed, long lastPart) {
    }

    private final Map<String, Progress> uploads = new ConcurrentHashMap<>();

    /**
     * Whether a PATCH of upload {@code id} may go on.
     *
     * @param rangeStart the first byte its Content-Range names, when it names one
     */
    Optional<Refusal> beforePart(String id, Optional<Long> rangeStart) {
        Progress progress = uploads.get(id);
        if (progress == null) {
            return Optional.empty();
        }
        if (rangeStart.isPresent() && rangeStart.get() == 0) {
            return Optional.of(new Refusal(416, "BLOB_UPLOAD_INVALID", "The upload " + id + " already has "
                    + progress.committed() + " bytes; a part cannot start again at byte 0."));
        }
        return tooSmall(progress);
    }

    /** A part of {@code bytes} the registry accepted. */
    void committed(String id, long bytes) {
        uploads.merge(id, new Progress(bytes, bytes),
                (before, part) -> new Progress(before.committed() + part.committed(), part.lastPart()));
    }

    /**
     * Whether the PUT that closes upload {@code id} may go on.
     *
     * @param carriesPart whether it carries bytes (a last part) of its own
     */
    Optional<Refusal> beforeCompletion(String id, boolean carriesPart) {
        Progress progress = uploads.get(id);
        if (progress == null) {
            return carriesPart ? Optional.empty() : Optional.of(new Refusal(400, "BLOB_UPLOAD_INVALID",
                    "The upload " + id + " does not have any parts."));
        }
        return carriesPart ? tooSmall(progress) : Optional.empty();
    }

    void completed(String id) {
        uploads.remove(id);
    }

    private static Optional<Refusal> tooSmall(Progress progress) {
        return progress.lastPart() < MINIMUM_PART
                ? Optional.of(new Refusal(400, "BLOB_UPLOAD_INVALID", "All layer parts except the last part should be at least 5MB"))
                : Optional.empty();
    }
}
