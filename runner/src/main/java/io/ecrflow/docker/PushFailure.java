package io.ecrflow.docker;

import io.ecrflow.UserError;
import io.ecrflow.registry.ImageRef;

import java.util.Locale;

/** Turns the error a registry gave the engine during a push into a message saying what to do. */
final class PushFailure {
    private PushFailure() {
    }

    static UserError explain(ImageRef ref, String registryMessage) {
        String said = registryMessage == null || registryMessage.isBlank() ? "no reason given" : registryMessage.trim();
        String lower = said.toLowerCase(Locale.ROOT);
        String tag = ref.tagOpt().map(Object::toString).orElse("");
        // ECR: "tag invalid: The image tag 'v1' already exists in the 'web' repository and cannot be
        // overwritten because the repository is immutable."
        if (lower.contains("tag invalid") || lower.contains("repository is immutable")) {
            return new UserError("Tag '" + tag + "' already exists in " + ref.repositoryUri()
                    + " and the repository's tags are immutable, so the tag cannot be moved (registry said: " + said
                    + "). Use a tag that is unique to each build, such as the build id or the commit SHA, "
                    + "or make the repository's tags mutable.", "tags");
        }
        // ECR: "name unknown: The repository with name 'web' does not exist in the registry with id '…'"
        if (lower.contains("name unknown") || lower.contains("does not exist") || lower.contains("repository not found")) {
            return new UserError("Repository '" + ref.repository() + "' does not exist in " + ref.registry()
                    + " (registry said: " + said + "). Let the task create it (create-repository true), or check "
                    + "the repository name, the region and the registry id.", "repository");
        }
        if (lower.contains("unauthorized") || lower.contains("denied") || lower.contains("no basic auth credentials")
                || lower.contains("authentication required") || lower.contains("not authorized")) {
            return new UserError("The registry " + ref.registry() + " denied the push of " + ref
                    + " (registry said: " + said + "). Check the credentials, and that the identity is allowed "
                    + "to push to this repository: ecr:GetAuthorizationToken, ecr:BatchCheckLayerAvailability, "
                    + "ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload and ecr:PutImage.");
        }
        return new UserError("Pushing " + ref + " failed: " + said);
    }
}
