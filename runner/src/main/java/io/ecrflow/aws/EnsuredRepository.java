package io.ecrflow.aws;

/** The repository a run publishes to, once it is sure to exist, and whether this run created it. */
public record EnsuredRepository(RepositoryInfo info, boolean created) {
}
