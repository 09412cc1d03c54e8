package io.ecrflow.aws;

import io.ecrflow.registry.RepositoryName;

import java.util.Map;
import java.util.Optional;

/**
 * What a repository is created with; the same settings users pass to CreateRepository by hand. The
 * catalog is ECR Public's gallery text, applied on every run like the lifecycle policy.
 */
public record RepositorySettings(
        RepositoryName name,
        TagMutability mutability,
        boolean scanOnPush,
        Encryption encryption,
        Optional<String> kmsKey,
        Map<String, String> resourceTags,
        Optional<String> lifecyclePolicy,
        Optional<PublicCatalog> catalog) {

    public enum Encryption { AES256, KMS }

    /** Settings of a private repository, without ECR Public catalog data. */
    public RepositorySettings(RepositoryName name, TagMutability mutability, boolean scanOnPush, Encryption encryption,
                              Optional<String> kmsKey, Map<String, String> resourceTags, Optional<String> lifecyclePolicy) {
        this(name, mutability, scanOnPush, encryption, kmsKey, resourceTags, lifecyclePolicy, Optional.empty());
    }

    public RepositorySettings withCatalog(Optional<PublicCatalog> newCatalog) {
        return new RepositorySettings(name, mutability, scanOnPush, encryption, kmsKey, resourceTags, lifecyclePolicy,
                newCatalog);
    }
}
