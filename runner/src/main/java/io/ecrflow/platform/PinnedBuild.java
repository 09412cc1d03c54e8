package io.ecrflow.platform;

import io.ecrflow.UserError;
import io.ecrflow.docker.BuiltImage;
import io.ecrflow.docker.ImageBuilder;
import io.ecrflow.dockerfile.BaseImage;
import io.ecrflow.dockerfile.Dockerfile;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.publish.BuildSettings;
import io.ecrflow.publish.ImageBuild;
import io.ecrflow.publish.RunIdentity;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.RegistryCredential;
import io.ecrflow.registry.Tag;
import io.ecrflow.tagging.OciLabels;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The platform image's build: the next version from its Dockerfile, the FROM naming the base pinned to the digest
 * the check saw, labelled with its version, its base, the run that built it and the tags it is to get.
 */
final class PinnedBuild {
    private final Pipeline pipeline;
    private final Clock clock;

    PinnedBuild(Pipeline pipeline, Clock clock) {
        this.pipeline = pipeline;
        this.clock = clock;
    }

    /**
     * Builds from the Dockerfile with the base pinned to the checked digest; the pinned copy is removed after.
     *
     * @param registryCache where BuildKit imports the build cache from and exports it to; empty: no registry cache
     */
    BuiltImage build(PlatformImageOptions options, ImageBuilder builder, BaseImage base, VersionPlan plan,
                     List<RegistryCredential> pullAuth, Optional<ImageRef> registryCache) {
        Optional<Path> pinned = pinnedDockerfile(options.build(), base, plan.upstream().digest());
        try {
            return build(options, pinned.orElse(options.build().dockerfile()), builder, plan, pullAuth, registryCache);
        } finally {
            pinned.ifPresent(PinnedBuild::deleteQuietly);
        }
    }

    private Optional<Path> pinnedDockerfile(BuildSettings build, BaseImage base, Digest digest) {
        Optional<String> text = PinnedBase.pin(Dockerfile.read(build.dockerfile(), "dockerfile"), build.buildArgs(),
                base.ref(), digest);
        if (text.isEmpty()) {
            pipeline.warning("No FROM of " + build.dockerfile().getFileName() + " names the base image " + base.name()
                    + ", so the build cannot be pinned to the digest checked (" + digest + "); it uses the Dockerfile "
                    + "as written. Name the watched image in a FROM, or set baseImage to the image a FROM names.");
            return Optional.empty();
        }
        // beside the original: the engine's builder needs the Dockerfile inside the context
        Path file = build.dockerfile().resolveSibling(build.dockerfile().getFileName() + ".ecrflow-"
                + UUID.randomUUID().toString().substring(0, 8));
        try {
            Files.writeString(file, text.get(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError("Could not write the Dockerfile with the base pinned to " + digest + " next to "
                    + build.dockerfile() + ": " + e.getMessage(), "dockerfile", e);
        }
        pipeline.info("Building on " + base.ref().withDigest(digest) + ", the digest checked: the FROM naming "
                + base.name() + " is pinned to it.");
        return Optional.of(file);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover file in the agent's work folder is harmless
        }
    }

    private BuiltImage build(PlatformImageOptions options, Path dockerfile, ImageBuilder builder, VersionPlan plan,
                             List<RegistryCredential> pullAuth, Optional<ImageRef> registryCache) {
        Map<String, String> labels = new LinkedHashMap<>(OciLabels.from(pipeline::variable, clock));
        labels.put(OciLabels.VERSION, plan.versionRef().tag().value());
        // which run built it: only a rerun of that run moves a tag that holds another image since (tagsBehind)
        RunIdentity.of(pipeline::variable).ifPresent(run -> labels.putAll(run.labels()));
        labels.putAll(plan.upstream().asLabels());
        labels.put(PlatformImage.PLANNED_TAGS_LABEL, options.tags().movingInPublishOrder().stream().map(Tag::value)
                .collect(Collectors.joining(",")));
        return new ImageBuild(pipeline).build(plan.versionRef().tag() + " from " + options.build().dockerfile(), builder,
                options.build().request(dockerfile, labels, plan.versionRef().toString(), pullAuth, registryCache));
    }
}
