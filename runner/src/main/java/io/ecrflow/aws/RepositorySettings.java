package io.ecrflow.aws;

import io.ecrflow.registry.RepositoryName;

import java.util.Map;
import java.util.Optional;

/** What a repository is created with; the same settings users pass to CreateRepository by hand. */
public record RepositorySettings(
        RepositoryName name,
        TagMutability mutability,
        boolean scanOnPush,
        Encryption encryption,
        Optional<String> kmsKey,
        Map<String, String> resourceTags,
        Optional<String> lifecyclePolicy) {

    public enum TagMutability { MUTABLE, IMMUTABLE }

    public enum Encryption { AES256, KMS }
}
