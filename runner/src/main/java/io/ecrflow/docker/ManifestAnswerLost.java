package io.ecrflow.docker;

import io.ecrflow.UserError;

/**
 * The connection broke on the engine's manifest PUT, the last request of a push (the engine said {@code Put
 * ".../manifests/<tag>": EOF}): the registry may have stored the manifest before its answer was lost, and the engine
 * does not try again. What the tag holds tells.
 */
public final class ManifestAnswerLost extends UserError {
    public ManifestAnswerLost(String message) {
        super(message);
    }
}
