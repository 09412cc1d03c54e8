package io.ecrflow.aws;

import io.ecrflow.registry.RepositoryName;

/** A repository as ECR describes it. */
public record RepositoryInfo(RepositoryName name, String uri, String arn, String registryId,
                             RepositorySettings.TagMutability mutability) {
}
