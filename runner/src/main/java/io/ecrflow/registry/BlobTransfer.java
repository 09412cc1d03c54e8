package io.ecrflow.registry;

/** How a blob came to be in the target repository. */
public enum BlobTransfer {
    /** The target already held it: nothing was sent. */
    PRESENT,
    /** Streamed from the source to the target. */
    COPIED
}
