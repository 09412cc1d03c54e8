package io.ecrflow.testbed;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of one repository as the control plane knows it. Values are ECR's own words:
 * {@code mutability} is {@code MUTABLE} or {@code IMMUTABLE}, {@code encryptionType} is
 * {@code AES256}, {@code KMS} or {@code KMS_DSSE}.
 */
public record RepositoryState(
        String name,
        String arn,
        String uri,
        String registryId,
        Instant createdAt,
        String mutability,
        boolean scanOnPush,
        String encryptionType,
        Optional<String> kmsKey,
        Map<String, String> tags,
        Optional<String> lifecyclePolicy) {

    public RepositoryState {
        tags = Map.copyOf(tags);
    }

    public boolean immutable() {
        return "IMMUTABLE".equals(mutability);
    }
}
