package io.ecrflow.platform;

import io.ecrflow.dockerfile.BaseImage;

import io.ecrflow.Secret;
import io.ecrflow.aws.RepositorySettings;
import io.ecrflow.devops.Dependents;
import io.ecrflow.publish.BuildSettings;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.tagging.TagPlan;

import java.util.Optional;

/**
 * The inputs of {@code platform-image}, parsed and checked once: every value here is valid.
 *
 * @param build         how each version is built; its registry cache is never a version tag, an extra tag or
 *                      {@code latest}
 * @param explicitBase  the base image to watch when the user names it; else the Dockerfile's is used
 * @param tags          the tags that move to every new version: the extra tags (e.g. {@code 6.0}), never version
 *                      tags, then {@code latest}
 * @param test          the integration test; empty means the image is published untested
 * @param upstreamLogin credentials for the base image's registry, when it is private
 * @param retention     keepVersions: the lifecycle policy it generates is applied on every run (the repository
 *                      settings then carry none)
 * @param dependents    the pipelines queued once a new version is published
 * @param push          whether the version is published; false builds and tests it and publishes nothing (a pull
 *                      request's validation)
 */
public record PlatformImageOptions(
        RepositorySettings repository,
        BuildSettings build,
        Optional<BaseImage> explicitBase,
        VersionTags versions,
        Version.Part bump,
        boolean forceUpdate,
        TagPlan tags,
        Optional<TestApp> test,
        Optional<UpstreamLogin> upstreamLogin,
        Notifications notifications,
        Optional<VersionRetention> retention,
        Dependents dependents,
        boolean push) {

    /** Options without keepVersions or dependents, that publish. */
    public PlatformImageOptions(RepositorySettings repository, BuildSettings build, Optional<BaseImage> explicitBase,
                                VersionTags versions, Version.Part bump, boolean forceUpdate, TagPlan tags,
                                Optional<TestApp> test, Optional<UpstreamLogin> upstreamLogin, Notifications notifications) {
        this(repository, build, explicitBase, versions, bump, forceUpdate, tags, test, upstreamLogin, notifications,
                Optional.empty(), Dependents.NONE, true);
    }

    /** The registry cache's reference in the registry logged in to; empty when the cache is off or nothing is pushed. */
    public Optional<ImageRef> registryCacheIn(String registry) {
        return push ? build.registryCacheIn(registry) : Optional.empty();
    }

    /** A user name and password for the upstream registry; the password only ever from the environment. */
    public record UpstreamLogin(String username, Secret password) {
    }

    /**
     * @param onFailure also post a card when the run fails
     * @param fatal     a card that cannot be posted fails the run (otherwise it is a warning)
     */
    public record Notifications(boolean onFailure, boolean fatal) {
    }
}
