package io.ecrflow.aws;

import java.net.URI;
import java.util.Optional;

/**
 * Where the AWS calls go: the region, the ECR API endpoint when the user overrides it, and the
 * registry (account) id when pushing to another account's registry.
 */
public record AwsTarget(Optional<String> region, Optional<URI> endpoint, Optional<String> registryId) {
}
