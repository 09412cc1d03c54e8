package io.ecrflow.registry;

/** How a blob came to be in the target repository. */
public enum BlobTransfer {
    /** The target already held it: nothing was sent. */
    PRESENT,
    /** The registry linked it from the source repository: nothing was sent. */
    MOUNTED,
    /** Streamed from the source to the target. */
    COPIED
}
