package io.ecrflow.registry;

import io.ecrflow.UserError;

/**
 * The registry took a blob's bytes and answered with a server error or throttling (5xx but 501, 429): its storage
 * failing for a moment, a failure worth uploading the blob again for. Other refusals of an upload stay plain
 * {@link UserError}s: sending the same bytes again would meet them again.
 */
public final class BlobUploadFailed extends UserError {
    private final String registry;
    private final int status;

    public BlobUploadFailed(String message, String registry, int status) {
        super(message);
        this.registry = registry;
        this.status = status;
    }

    public String registry() {
        return registry;
    }

    /** The HTTP status the registry answered, e.g. 500. */
    public int status() {
        return status;
    }
}
