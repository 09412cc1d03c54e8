package io.ecrflow.aws;

import io.ecrflow.registry.RepositoryName;

import java.util.Optional;

/**
 * A repository as ECR describes it; {@code mutability} says which of its tags may move.
 *
 * @param privateSettings scanning and encryption of a private repository; an ECR Public one has neither
 */
public record RepositoryInfo(RepositoryName name, String uri, String arn, String registryId,
                             TagMutability mutability, Optional<PrivateSettings> privateSettings) {

    /**
     * What a private repository keeps besides its tag mutability.
     *
     * @param encryption the encryption type as ECR reports it ({@code AES256}, {@code KMS}, {@code KMS_DSSE})
     * @param kmsKey     the KMS key, for a KMS type
     */
    public record PrivateSettings(boolean scanOnPush, String encryption, Optional<String> kmsKey) {
    }

    /** How its settings read in the log and the run summary: {@code tags immutable except latest, scan on push on, encryption AES256}. */
    public String describeSettings() {
        return "tags " + mutability.describe() + privateSettings.map(s -> ", scan on push " + (s.scanOnPush() ? "on" : "off")
                + ", encryption " + s.encryption() + s.kmsKey().map(key -> " with key " + key).orElse(""))
                .orElse(", ECR Public");
    }
}
