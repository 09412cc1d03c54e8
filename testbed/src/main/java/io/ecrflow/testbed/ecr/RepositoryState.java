package io.ecrflow.testbed.ecr;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of one repository as the control plane knows it. Values are ECR's own words:
 * {@code mutability} is {@code MUTABLE}, {@code IMMUTABLE}, {@code IMMUTABLE_WITH_EXCLUSION} or
 * {@code MUTABLE_WITH_EXCLUSION} (with its wildcard {@code mutabilityExclusions}), {@code encryptionType} is
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
        Optional<String> lifecyclePolicy,
        List<String> mutabilityExclusions) {

    public RepositoryState {
        tags = Map.copyOf(tags);
        mutabilityExclusions = List.copyOf(mutabilityExclusions);
    }

    /** Whether {@code tag} may never be given another image, as ECR decides it for this repository. */
    public boolean immutable(String tag) {
        return new TagMutabilityRule(mutability, mutabilityExclusions).protects(tag);
    }

    public boolean immutable() {
        return "IMMUTABLE".equals(mutability);
    }
}
