package io.ecrflow.aws;

import java.net.URI;
import java.util.Optional;

/**
 * Where the AWS calls go and as whom: the region, the ECR API endpoint when the user overrides it, the
 * registry (account) id when pushing to another account's registry, the credentials to use, and
 * whether the registry is ECR Public (with its alias, when the user names one). A region this SDK does
 * not list yet is refused unless {@code unlistedRegion} says the user means it.
 */
public record AwsTarget(Optional<String> region, Optional<URI> endpoint, Optional<String> registryId,
                        CredentialSettings credentials, boolean publicRegistry, Optional<String> registryAlias,
                        boolean unlistedRegion) {

    public AwsTarget(Optional<String> region, Optional<URI> endpoint, Optional<String> registryId,
                     CredentialSettings credentials, boolean publicRegistry, Optional<String> registryAlias) {
        this(region, endpoint, registryId, credentials, publicRegistry, registryAlias, false);
    }

    /** A private registry reached with the default credential chain. */
    public AwsTarget(Optional<String> region, Optional<URI> endpoint, Optional<String> registryId) {
        this(region, endpoint, registryId, CredentialSettings.defaultChain(), false, Optional.empty());
    }

    public AwsTarget allowingUnlistedRegion(boolean allow) {
        return new AwsTarget(region, endpoint, registryId, credentials, publicRegistry, registryAlias, allow);
    }
}
