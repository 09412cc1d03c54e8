package io.ecrflow.cli;

import io.ecrflow.UserError;
import io.ecrflow.docker.TargetPlatform;
import io.ecrflow.registry.CacheRef;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;
import io.ecrflow.tagging.KeyValues;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Build options every command that builds an image shares. Whether base images are pulled is the one whose default
 * differs: a platform image is built on the base that was checked.
 */
public final class BuildOptions {

    @Spec
    CommandSpec spec;

    @Option(names = "--dockerfile", paramLabel = "PATH",
            description = "Path of the Dockerfile, relative to the working folder (the sources folder), e.g. src/Dockerfile, or "
                    + "a pattern that matches exactly one file, e.g. **/Dockerfile. Default: Dockerfile in the build "
                    + "context.")
    String dockerfile;

    @Option(names = "--context", paramLabel = "DIR",
            description = "The folder the Dockerfile's COPY paths are relative to, e.g. src. Default: the Dockerfile's folder, "
                    + "as in Docker@2 (** says the same); the working folder when no dockerfile is given. .dockerignore in "
                    + "it is honoured.")
    String context;

    @Option(names = "--build-args", paramLabel = "K=V",
            description = "NAME=value build arguments, one per line (a comma separates items too, so a value cannot hold one). "
                    + "Values reach the build through the environment, never a command line.")
    List<String> buildArgs;

    @Option(names = "--platform", paramLabel = "OS/ARCH",
            description = "Target platform, e.g. linux/amd64. Default: the Docker Engine's own.")
    String platform;

    @Option(names = "--no-cache", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", defaultValue = "false",
            description = "Build every step again instead of reusing cached layers. Default: ${DEFAULT-VALUE}.")
    String noCache;

    @Option(names = "--pull", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Pull the base images even when the agent has a copy (platform-image: so the new version is built on "
                    + "the base that was checked). Default: ${DEFAULT-VALUE}.")
    String pull;

    @Option(names = "--builder", paramLabel = "auto|buildkit|engine", defaultValue = "auto",
            description = "buildkit: the docker CLI's BuildKit; engine: the Docker Engine's own builder through its API; auto: "
                    + "BuildKit when a capable docker CLI is found, else the engine. The log says which was used. Default: "
                    + "${DEFAULT-VALUE}.")
    String builder;

    @Option(names = "--registry-cache", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", defaultValue = "false",
            description = "BuildKit imports the build cache from ECR and exports it back, so an agent that starts empty "
                    + "(Microsoft-hosted) skips the steps that did not change. Needs BuildKit: not with builder engine. "
                    + "Default: ${DEFAULT-VALUE}.")
    String registryCache;

    @Option(names = "--cache-ref", paramLabel = "TAG|REPOSITORY:TAG",
            description = "Where the cache lives, in the same registry: a tag of the pushed repository, or repository:tag of an "
                    + "existing repository (e.g. a mutable one beside an immutable image repository). The cache tag moves "
                    + "on every run and is never reported as a tag. Default: the tag buildcache of the pushed repository.")
    String cacheRef;

    /** Long enough for any sane build; short enough that a hung one does not hold the agent for the job's whole limit. */
    @Option(names = "--build-timeout", paramLabel = "DURATION", defaultValue = "60m",
            description = "How long the image build may run before it is stopped (the docker CLI and the build with it): "
                    + "seconds, or e.g. 90m, 2h. Default: ${DEFAULT-VALUE}.")
    String buildTimeout;

    /** @param pullsByDefault whether the command pulls base images unless told not to */
    BuildOptions(boolean pullsByDefault) {
        pull = String.valueOf(pullsByDefault);
    }

    /** Where the Dockerfile and the context are, both checked to exist. */
    BuildFiles files(java.nio.file.Path workingDirectory, Optional<String> dockerfileInArguments) {
        return BuildFiles.find(Inputs.text(context), dockerfileInArguments, workingDirectory, "context", "dockerfile");
    }

    Optional<String> dockerfile() {
        return Inputs.text(dockerfile);
    }

    Duration buildTimeout() {
        return Inputs.duration(buildTimeout, "buildTimeout");
    }

    Map<String, String> buildArgs() {
        return KeyValues.parse(Inputs.list(buildArgs), "buildArgs");
    }

    Optional<String> platform() {
        return Inputs.text(platform).map(text -> TargetPlatform.parse(text, "platform").toString());
    }

    boolean noCache() {
        return Inputs.bool(noCache, "noCache");
    }

    boolean pull() {
        return Inputs.bool(pull, "pull");
    }

    boolean registryCache() {
        return Inputs.bool(registryCache, "registryCache");
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

    /** The inputs here that ask something of a build: given, and not at their default. */
    List<String> given() {
        return OptionDefaults.given(spec);
    }

    String builder() {
        String mode = Inputs.text(builder).orElseThrow().toLowerCase(Locale.ROOT);
        if (!List.of("auto", "buildkit", "engine").contains(mode)) {
            throw new UserError("Input 'builder' is '" + builder + "'; allowed values are auto, buildkit and engine.", "builder");
        }
        return mode;
    }
}
