package io.ecrflow.publish;

import io.ecrflow.docker.BuildRequest;
import io.ecrflow.docker.BuildSecret;
import io.ecrflow.registry.CacheRef;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.RegistryCredential;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the user asked for an image to be built, checked once, for every story that builds one: the context and the
 * Dockerfile (both exist), the build's arguments and options, the builder, the registry cache and BuildKit's
 * secret and SSH mounts. A build turns it into the engine's {@link BuildRequest}.
 *
 * @param registryCache whether BuildKit imports the build cache from {@code cacheRef} and exports it back
 * @param cacheRef      where the registry cache lives (its default when the cache is off); never one of the tags
 * @param secrets       BuildKit secrets the Dockerfile may mount; {@code ssh} the SSH forwards ({@code docker build --ssh})
 */
public record BuildSettings(
        Path context,
        Path dockerfile,
        Map<String, String> buildArgs,
        Optional<String> target,
        Optional<String> platform,
        boolean noCache,
        boolean pull,
        String builder,
        boolean registryCache,
        CacheRef cacheRef,
        List<BuildSecret> secrets,
        List<String> ssh) {

    public BuildSettings {
        buildArgs = Collections.unmodifiableMap(new LinkedHashMap<>(buildArgs));
        secrets = List.copyOf(secrets);
        ssh = List.copyOf(ssh);
    }

    /** A build with neither a target stage nor BuildKit mounts. */
    public BuildSettings(Path context, Path dockerfile, Map<String, String> buildArgs, Optional<String> platform,
                         boolean noCache, boolean pull, String builder, boolean registryCache, CacheRef cacheRef) {
        this(context, dockerfile, buildArgs, Optional.empty(), platform, noCache, pull, builder, registryCache, cacheRef,
                List.of(), List.of());
    }

    /** The same build without the registry cache: nothing read from ECR's cache, nothing written to it. */
    public BuildSettings withoutRegistryCache() {
        return new BuildSettings(context, dockerfile, buildArgs, target, platform, noCache, pull, builder, false,
                cacheRef, secrets, ssh);
    }

    /** The registry cache's reference in the registry logged in to; empty when the cache is off. */
    public Optional<ImageRef> registryCacheIn(String registry) {
        return registryCache ? Optional.of(cacheRef.in(registry)) : Optional.empty();
    }

    /**
     * The engine's request for this build.
     *
     * @param dockerfileToBuild this build's Dockerfile, or a copy of it beside it (a base pinned to a digest)
     * @param localName         the name the built image gets in the engine
     * @param pullAuth          credentials for the registries the build pulls from
     * @param registryCache     where the build cache is imported from and exported to; empty: none
     */
    public BuildRequest request(Path dockerfileToBuild, Map<String, String> labels, String localName,
                                List<RegistryCredential> pullAuth, Optional<ImageRef> registryCache) {
        return new BuildRequest(context, dockerfileToBuild, buildArgs, target, labels, platform, noCache, pull, localName,
                pullAuth).withRegistryCache(registryCache).withSecrets(secrets, ssh);
    }
}
