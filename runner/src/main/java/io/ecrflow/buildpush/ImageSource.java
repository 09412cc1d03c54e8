package io.ecrflow.buildpush;

import io.ecrflow.docker.BuildSecret;
import io.ecrflow.registry.CacheRef;
import io.ecrflow.registry.ImageRef;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the image {@code build-push} publishes comes from: built from a Dockerfile by this step, or an image an
 * earlier step of the job left in the Docker Engine ({@code --image}, Docker@2's build-then-push habit).
 */
public sealed interface ImageSource {

    /**
     * Build the image now.
     *
     * @param registryCache whether BuildKit imports the build cache from {@code cacheRef} and exports it back
     * @param cacheRef      where the registry cache lives (its default when the cache is off); never one of the tags
     * @param secrets       BuildKit secrets the Dockerfile may mount; {@code ssh} the SSH forwards ({@code docker build --ssh})
     */
    record Dockerfile(
            Path context,
            Path dockerfile,
            Map<String, String> buildArgs,
            Optional<String> target,
            Map<String, String> labels,
            Optional<String> platform,
            boolean noCache,
            boolean pull,
            String builder,
            boolean registryCache,
            CacheRef cacheRef,
            List<BuildSecret> secrets,
            List<String> ssh) implements ImageSource {

        /** The same build without the registry cache: nothing read from ECR's cache, nothing written to it. */
        Dockerfile withoutRegistryCache() {
            return new Dockerfile(context, dockerfile, buildArgs, target, labels, platform, noCache, pull, builder, false,
                    cacheRef, secrets, ssh);
        }

        /** The registry cache's reference in the registry logged in to; empty when the cache is off. */
        public Optional<ImageRef> registryCacheIn(String registry) {
            return registryCache ? Optional.of(cacheRef.in(registry)) : Optional.empty();
        }
    }

    /**
     * Push an image the engine already holds, as it is: no build, no labels added.
     *
     * @param name how the engine knows it: {@code name[:tag]}, or an image id
     */
    record LocalImage(String name) implements ImageSource {
    }
}
