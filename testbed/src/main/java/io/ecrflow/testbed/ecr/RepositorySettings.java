package io.ecrflow.testbed.ecr;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What CreateRepository can set; also used by tests that create repositories directly.
 * {@code mutabilityExclusions} are the wildcard filters of the *_WITH_EXCLUSION modes.
 */
public record RepositorySettings(
        String mutability,
        boolean scanOnPush,
        String encryptionType,
        Optional<String> kmsKey,
        Map<String, String> tags,
        List<String> mutabilityExclusions) {

    public RepositorySettings {
        Objects.requireNonNull(mutability, "mutability");
        mutabilityExclusions = List.copyOf(mutabilityExclusions);
        Objects.requireNonNull(encryptionType, "encryptionType");
        Objects.requireNonNull(kmsKey, "kmsKey");
        tags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    /** ECR's defaults: mutable tags, no scan on push, AES256 encryption, no tags. */
    public static RepositorySettings defaults() {
        return new RepositorySettings("MUTABLE", false, "AES256", Optional.empty(), Map.of(), List.of());
    }

    public RepositorySettings immutable() {
        return withMutability("IMMUTABLE");
    }

    public RepositorySettings withMutability(String newMutability) {
        return withMutability(newMutability, List.of());
    }

    /** A *_WITH_EXCLUSION mode with its wildcard filters, e.g. IMMUTABLE_WITH_EXCLUSION and [latest]. */
    public RepositorySettings withMutability(String newMutability, List<String> exclusions) {
        return new RepositorySettings(newMutability, scanOnPush, encryptionType, kmsKey, tags, exclusions);
    }

    public RepositorySettings withScanOnPush(boolean scan) {
        return new RepositorySettings(mutability, scan, encryptionType, kmsKey, tags, mutabilityExclusions);
    }

    public RepositorySettings withEncryption(String type, Optional<String> key) {
        return new RepositorySettings(mutability, scanOnPush, type, key, tags, mutabilityExclusions);
    }

    public RepositorySettings withTags(Map<String, String> newTags) {
        return new RepositorySettings(mutability, scanOnPush, encryptionType, kmsKey, newTags, mutabilityExclusions);
    }
}
