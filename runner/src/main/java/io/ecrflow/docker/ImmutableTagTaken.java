package io.ecrflow.docker;

import io.ecrflow.UserError;

/**
 * The registry refused the engine's push because the tag exists and the repository keeps it immutable. ECR refuses
 * so even when the tag holds this very image (after a push whose answer was lost, say): what the tag holds tells.
 */
public final class ImmutableTagTaken extends UserError {
    public ImmutableTagTaken(String message) {
        super(message, "tags");
    }
}
