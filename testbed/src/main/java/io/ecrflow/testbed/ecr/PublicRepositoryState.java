package io.ecrflow.testbed.ecr;

import java.time.Instant;
import java.util.Map;

/** A snapshot of one ECR Public repository: where it is, its catalog data and its resource tags. */
public record PublicRepositoryState(String name, String arn, String uri, String registryId, Instant createdAt,
        PublicCatalogData catalogData, Map<String, String> tags) {

    public PublicRepositoryState {
        tags = Map.copyOf(tags);
    }
}
