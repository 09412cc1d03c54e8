package io.ecrflow.registry;

import io.ecrflow.UserError;

/**
 * An upload into a repository that ended without any answer. ECR does this, rather than answer 404 or 403, when the
 * repository does not exist or the credentials may not upload to it (aws/containers-roadmap#1970); the engine's push
 * then retries for a minute and blames the network. The message names both causes and what to check.
 */
public final class UploadRefused extends UserError {

    UploadRefused(ImageRef target, int attempts, Throwable cause) {
        super("The registry " + target.registry() + " closed the connection without an answer when an upload to "
                + target.repository() + " started" + (attempts > 1 ? " (" + attempts + " attempts)" : "") + ". ECR "
                + "does this when the repository does not exist or when the credentials may not push to it. Check that "
                + "the repository '" + target.repository() + "' exists in " + target.registry() + " (in that account "
                + "and region; let the task create it with createRepository true), and that the identity may push to it: "
                + "ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload and ecr:PutImage (and "
                + "ecr:BatchCheckLayerAvailability) on that repository.", "repository", cause);
    }
}
