package io.ecrflow.aws;

import io.ecrflow.registry.RepositoryName;

/** A repository as ECR describes it; {@code mutability} says which of its tags may move. */
public record RepositoryInfo(RepositoryName name, String uri, String arn, String registryId,
                             TagMutability mutability) {
}
