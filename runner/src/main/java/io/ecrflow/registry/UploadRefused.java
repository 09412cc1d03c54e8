package io.ecrflow.registry;

import io.ecrflow.UserError;

/**
 * An upload into a repository that ended without any answer. ECR does this, rather than answer 404 or 403, when the
 * repository does not exist or the credentials may not upload to it (aws/containers-roadmap#1970); the engine's push
 * then retries for a minute and blames the network. The message names both causes and what to check.
 */
public final class UploadRefused extends UserError {
    /** What an identity needs to push to an ECR repository, as its user guide lists it. */
    public static final String PUSH_PERMISSIONS = "ecr:GetAuthorizationToken, ecr:BatchCheckLayerAvailability, "
            + "ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload and ecr:PutImage";

    UploadRefused(ImageRef target, int attempts, Throwable cause) {
        super("The registry " + target.registry() + " closed the connection without an answer when an upload to "
                + target.repository() + " started" + (attempts > 1 ? " (" + attempts + " attempts)" : "") + ". ECR "
                + "does this when the repository does not exist or when the credentials may not push to it. Check that "
                + "the repository '" + target.repository() + "' exists in " + target.registry() + " (in that account "
                + "and region; let the task create it with createRepository true), and that the identity may push to it: "
                + PUSH_PERMISSIONS + " on that repository.", "repository", cause);
    }

    /** The registry answered the start of an upload with 401 or 403: the credentials, or their permissions. */
    static UserError denied(ImageRef target, int status, String errorText) {
        return new UserError("The registry " + target.registry() + " denied the start of an upload to "
                + target.repository() + " (" + status + errorText + "). Check the credentials, and that the identity "
                + "may push to the repository: " + PUSH_PERMISSIONS + ".");
    }
}
