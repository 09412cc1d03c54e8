package io.ecrflow.testbed.faults;

import io.ecrflow.testbed.Testbed;

/**
 * How the answer of a manifest PUT the registry stored is lost on its way back (see
 * {@link Testbed#loseManifestWriteAnswers}): the writer cannot tell whether the tag was written.
 */
public enum LostAnswer {
    /** A proxy or load balancer before the registry answers 502 Bad Gateway in its place. */
    BAD_GATEWAY,
    /** The connection closes without an answer, as a reset one does. */
    RESET
}
