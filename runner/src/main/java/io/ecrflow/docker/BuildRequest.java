package io.ecrflow.docker;

import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.RegistryCredential;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one image build needs, already validated: the context and Dockerfile exist.
 *
 * @param localName     the name the built image gets in the engine, e.g. {@code ecrflow-build/team-web:1a2b3c}
 * @param registryAuth  credentials for registries the build may pull base images from (in memory only); they
 *                      also let BuildKit read and write the registry cache
 * @param registryCache where BuildKit imports the build cache from and exports it back to; empty: no registry cache
 * @param secrets       BuildKit build secrets the Dockerfile may mount
 * @param ssh           SSH agent sockets or keys the build may use ({@code docker build --ssh}: {@code default}, {@code id=path})
 */
public record BuildRequest(
        Path context,
        Path dockerfile,
        Map<String, String> buildArgs,
        Optional<String> target,
        Map<String, String> labels,
        Optional<String> platform,
        boolean noCache,
        boolean pull,
        String localName,
        List<RegistryCredential> registryAuth,
        Optional<ImageRef> registryCache,
        List<BuildSecret> secrets,
        List<String> ssh) {

    /** A build without a registry cache. */
    public BuildRequest(Path context, Path dockerfile, Map<String, String> buildArgs, Optional<String> target,
                        Map<String, String> labels, Optional<String> platform, boolean noCache, boolean pull,
                        String localName, List<RegistryCredential> registryAuth) {
        this(context, dockerfile, buildArgs, target, labels, platform, noCache, pull, localName, registryAuth,
                Optional.empty(), List.of(), List.of());
    }

    /** The same build, importing its cache from {@code cache} and exporting it back there (empty: none). */
    public BuildRequest withRegistryCache(Optional<ImageRef> cache) {
        return new BuildRequest(context, dockerfile, buildArgs, target, labels, platform, noCache, pull, localName,
                registryAuth, cache, secrets, ssh);
    }

    /** The same build, with these secrets and SSH forwards (BuildKit only). */
    public BuildRequest withSecrets(List<BuildSecret> buildSecrets, List<String> sshForwards) {
        return new BuildRequest(context, dockerfile, buildArgs, target, labels, platform, noCache, pull, localName,
                registryAuth, registryCache, List.copyOf(buildSecrets), List.copyOf(sshForwards));
    }

    /** Whether the build needs BuildKit's secret or SSH mounts, which the engine's classic builder lacks. */
    public boolean mountsSecrets() {
        return !secrets.isEmpty() || !ssh.isEmpty();
    }
}
