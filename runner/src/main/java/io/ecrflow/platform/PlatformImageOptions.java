package io.ecrflow.platform;

import io.ecrflow.dockerfile.BaseImage;

import io.ecrflow.Secret;
import io.ecrflow.aws.RepositorySettings;
import io.ecrflow.devops.Dependents;
import io.ecrflow.registry.CacheRef;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.tagging.TagPlan;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The inputs of {@code platform-image}, parsed and checked once: every value here is valid.
 *
 * @param explicitBase  the base image to watch when the user names it; else the Dockerfile's is used
 * @param tags          the tags that move to every new version: the extra tags (e.g. {@code 6.0}), never version
 *                      tags, then {@code latest}
 * @param test          the integration test; empty means the image is published untested
 * @param upstreamLogin credentials for the base image's registry, when it is private
 * @param registryCache whether BuildKit imports the build cache from {@code cacheRef} and exports it back
 * @param cacheRef      where the registry cache lives; never a version tag, an extra tag or {@code latest}
 * @param retention     keepVersions: the lifecycle policy it generates is applied on every run (the repository
 *                      settings then carry none)
 * @param dependents    the pipelines queued once a new version is published
 * @param push          whether the version is published; false builds and tests it and publishes nothing (a pull
 *                      request's validation)
 */
public record PlatformImageOptions(
        RepositorySettings repository,
        Path context,
        Path dockerfile,
        Optional<BaseImage> explicitBase,
        VersionTags versions,
        Version.Part bump,
        boolean forceUpdate,
        TagPlan tags,
        Map<String, String> buildArgs,
        Optional<String> platform,
        boolean noCache,
        boolean pull,
        String builder,
        Optional<TestApp> test,
        Optional<UpstreamLogin> upstreamLogin,
        Notifications notifications,
        boolean registryCache,
        CacheRef cacheRef,
        Optional<VersionRetention> retention,
        Dependents dependents,
        boolean push) {

    public PlatformImageOptions {
        buildArgs = Map.copyOf(buildArgs);
    }

    /** Options without a registry cache, keepVersions or dependents. */
    public PlatformImageOptions(RepositorySettings repository, Path context, Path dockerfile, Optional<BaseImage> explicitBase,
                                VersionTags versions, Version.Part bump, boolean forceUpdate, TagPlan tags, Map<String, String> buildArgs, Optional<String> platform, boolean noCache,
                                boolean pull, String builder, Optional<TestApp> test, Optional<UpstreamLogin> upstreamLogin,
                                Notifications notifications) {
        this(repository, context, dockerfile, explicitBase, versions, bump, forceUpdate, tags, buildArgs,
                platform, noCache, pull, builder, test, upstreamLogin, notifications, false,
                CacheRef.defaultFor(repository.name()), Optional.empty(), Dependents.NONE, true);
    }

    /** The registry cache's reference in the registry logged in to; empty when the cache is off or nothing is pushed. */
    public Optional<ImageRef> registryCacheIn(String registry) {
        return registryCache && push ? Optional.of(cacheRef.in(registry)) : Optional.empty();
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
