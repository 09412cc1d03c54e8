package io.ecrflow.cli;

import io.ecrflow.UserError;
import io.ecrflow.docker.TargetPlatform;
import io.ecrflow.registry.CacheRef;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;
import io.ecrflow.tagging.KeyValues;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Build options every command that builds an image shares. */
public final class BuildOptions {

    @Option(names = "--build-args", paramLabel = "K=V", description = "Build arguments, comma- or newline-separated.")
    List<String> buildArgs;

    @Option(names = "--platform", paramLabel = "OS/ARCH", description = "Target platform, e.g. linux/amd64.")
    String platform;

    @Option(names = "--no-cache", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Build without the layer cache. Default: false.")
    String noCache;

    @Option(names = "--builder", paramLabel = "auto|buildkit|engine",
            description = "buildkit: the docker CLI's BuildKit; engine: the Docker Engine's builder; auto: BuildKit when available. Default: auto.")
    String builder;

    @Option(names = "--registry-cache", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "BuildKit imports the build cache from the registry and exports it back, so a fresh agent "
                    + "skips unchanged steps. Default: false.")
    String registryCache;

    @Option(names = "--cache-ref", paramLabel = "TAG|REPOSITORY:TAG",
            description = "Where the registry cache lives, in the same registry: a tag of the pushed repository, or "
                    + "repository:tag. Default: tag buildcache of the pushed repository.")
    String cacheRef;

    @Option(names = "--build-timeout", paramLabel = "DURATION",
            description = "How long the image build may take before it is stopped: seconds, or e.g. 90m, 2h. Default: 60m.")
    String buildTimeout;

    /** Long enough for any sane build; short enough that a hung one does not hold the agent for the job's whole limit. */
    static final Duration DEFAULT_BUILD_TIMEOUT = Duration.ofMinutes(60);

    Duration buildTimeout() {
        return Inputs.duration(buildTimeout, DEFAULT_BUILD_TIMEOUT, "buildTimeout");
    }

    Map<String, String> buildArgs() {
        return KeyValues.parse(Inputs.list(buildArgs), "buildArgs");
    }

    Optional<String> platform() {
        return Inputs.text(platform).map(text -> TargetPlatform.parse(text, "platform").toString());
    }

    boolean noCache() {
        return Inputs.bool(noCache, false, "noCache");
    }

    boolean registryCache() {
        return Inputs.bool(registryCache, false, "registryCache");
    }

    /** Where the registry cache lives, whether or not it is turned on. */
    CacheRef cacheRef(RepositoryName pushedTo) {
        return CacheRef.parse(cacheRef, pushedTo, "cacheRef");
    }

    /**
     * Refuses a registry cache that cannot work: with the engine's builder, which knows no BuildKit cache, or
     * on one of the tags the command publishes, which the cache would overwrite (or they it).
     *
     * @param tagsInput the input the tags come from, for the message
     */
    void checkRegistryCache(CacheRef cache, RepositoryName pushedTo, List<Tag> tags, String tagsInput) {
        if (!registryCache()) {
            return;
        }
        if (builder().equals("engine")) {
            throw new UserError("registryCache needs BuildKit, and builder is 'engine': the Docker Engine's own "
                    + "builder can neither import nor export BuildKit's cache. Set builder to auto or buildkit, or "
                    + "turn registryCache off.", "registryCache");
        }
        for (Tag tag : tags) {
            if (cache.isTag(pushedTo, tag)) {
                throw new UserError("Tag '" + tag + "' (from " + tagsInput + ") is also the registry cache's tag "
                        + cache + ", which every run moves to its own build. Use another tag, or set cacheRef "
                        + "to another tag (it defaults to '" + CacheRef.DEFAULT_TAG + "').", tagsInput);
            }
        }
    }

    /** The inputs here that ask something of a build: given, or for those the agent always passes, not at their default. */
    List<String> given() {
        List<String> given = new java.util.ArrayList<>();
        if (!Inputs.list(buildArgs).isEmpty()) {
            given.add("buildArgs");
        }
        Inputs.text(platform).ifPresent(v -> given.add("platform"));
        if (noCache()) {
            given.add("noCache");
        }
        if (!builder().equals("auto")) {
            given.add("builder");
        }
        if (registryCache()) {
            given.add("registryCache");
        }
        Inputs.text(cacheRef).ifPresent(v -> given.add("cacheRef"));
        if (!buildTimeout().equals(DEFAULT_BUILD_TIMEOUT)) {
            given.add("buildTimeout");
        }
        return given;
    }

    String builder() {
        String mode = Inputs.text(builder).orElse("auto").toLowerCase(Locale.ROOT);
        if (!List.of("auto", "buildkit", "engine").contains(mode)) {
            throw new UserError("Input 'builder' is '" + builder + "'; allowed values are auto, buildkit and engine.", "builder");
        }
        return mode;
    }
}
