package io.ecrflow.aws;

import io.ecrflow.registry.Digest;
import io.ecrflow.registry.RegistryCredential;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;

import java.util.Map;
import java.util.Optional;

/** The ECR control plane, as far as ecrflow needs it. Failures are {@link io.ecrflow.UserError}s. */
public interface Ecr {

    /** GetAuthorizationToken: a registry credential whose host is the returned proxy endpoint. */
    RegistryCredential login();

    Optional<RepositoryInfo> describe(RepositoryName name);

    /** Creates the repository; throws {@link RepositoryAlreadyExists} when another run was quicker. */
    RepositoryInfo create(RepositorySettings settings);

    void putLifecyclePolicy(RepositoryName name, String policyText);

    /** The manifest digest of each given tag that exists in the repository. */
    Map<Tag, Digest> existingTags(RepositoryName name, Iterable<Tag> tags);

    /** Signals a lost creation race; the caller describes the winner's repository. */
    final class RepositoryAlreadyExists extends RuntimeException {
        public RepositoryAlreadyExists(String message) {
            super(message);
        }
    }
}
