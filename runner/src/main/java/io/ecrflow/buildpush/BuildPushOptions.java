package io.ecrflow.buildpush;

import io.ecrflow.aws.RepositorySettings;
import io.ecrflow.docker.BuildSecret;
import io.ecrflow.registry.CacheRef;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.Tag;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The inputs of {@code build-push}, parsed and checked once: every value here is valid.
 *
 * @param tags          the user's tags; the cache tag is never among them
 * @param registryCache whether BuildKit imports the build cache from {@code cacheRef} and exports it back
 * @param cacheRef      where the registry cache lives (its default when the cache is off); never one of {@code tags}
 * @param moving        the tags that move from build to build ({@code latest}, branches): published last, after the scan gate
 * @param removeLocalImage remove the names this run gave the image in the engine once it is published
 * @param secrets       BuildKit secrets the Dockerfile may mount; {@code ssh} the SSH forwards ({@code docker build --ssh})
 */
public record BuildPushOptions(
        RepositorySettings repository,
        boolean createRepository,
        Path context,
        Path dockerfile,
        List<Tag> tags,
        Map<String, String> buildArgs,
        Optional<String> target,
        Map<String, String> labels,
        Optional<String> platform,
        boolean noCache,
        boolean pull,
        String builder,
        boolean registryCache,
        CacheRef cacheRef,
        Set<Tag> moving,
        boolean removeLocalImage,
        List<BuildSecret> secrets,
        List<String> ssh) {

    /** The registry cache's reference in the registry logged in to; empty when the cache is off. */
    public Optional<ImageRef> registryCacheIn(String registry) {
        return registryCache ? Optional.of(cacheRef.in(registry)) : Optional.empty();
    }
}
