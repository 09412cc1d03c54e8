package io.ecrflow.testbed;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** What CreateRepository can set; also used by tests that create repositories directly. */
public record RepositorySettings(
        String mutability,
        boolean scanOnPush,
        String encryptionType,
        Optional<String> kmsKey,
        Map<String, String> tags) {

    public RepositorySettings {
        Objects.requireNonNull(mutability, "mutability");
        Objects.requireNonNull(encryptionType, "encryptionType");
        Objects.requireNonNull(kmsKey, "kmsKey");
        tags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    /** ECR's defaults: mutable tags, no scan on push, AES256 encryption, no tags. */
    public static RepositorySettings defaults() {
        return new RepositorySettings("MUTABLE", false, "AES256", Optional.empty(), Map.of());
    }

    public RepositorySettings immutable() {
        return new RepositorySettings("IMMUTABLE", scanOnPush, encryptionType, kmsKey, tags);
    }

    public RepositorySettings withMutability(String newMutability) {
        return new RepositorySettings(newMutability, scanOnPush, encryptionType, kmsKey, tags);
    }

    public RepositorySettings withScanOnPush(boolean scan) {
        return new RepositorySettings(mutability, scan, encryptionType, kmsKey, tags);
    }

    public RepositorySettings withEncryption(String type, Optional<String> key) {
        return new RepositorySettings(mutability, scanOnPush, type, key, tags);
    }

    public RepositorySettings withTags(Map<String, String> newTags) {
        return new RepositorySettings(mutability, scanOnPush, encryptionType, kmsKey, newTags);
    }
}
