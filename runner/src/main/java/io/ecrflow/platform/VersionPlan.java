package io.ecrflow.platform;

import io.ecrflow.aws.EnsuredRepository;
import io.ecrflow.aws.RepositoryInfo;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;

import java.util.List;
import java.util.Optional;

/**
 * What a check settled on: the version to build, or the current one when nothing changed.
 *
 * @param unfinished the current version's tags (latest, extra tags) an earlier run did not get to
 * @param repository the repository as found, when no new version is built (a new one ensures it first)
 */
record VersionPlan(boolean update, String reason, ImageRef versionRef, Version version, BaseLabels upstream,
                   Optional<Digest> currentDigest, List<ImageRef> unfinished, Optional<RepositoryInfo> repository) {

    static VersionPlan newVersion(String reason, ImageRef versionRef, Version version, BaseLabels upstream) {
        return new VersionPlan(true, reason, versionRef, version, upstream, Optional.empty(), List.of(), Optional.empty());
    }

    EnsuredRepository found() {
        return new EnsuredRepository(repository.orElseThrow(), false);
    }
}
