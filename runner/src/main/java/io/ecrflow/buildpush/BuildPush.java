package io.ecrflow.buildpush;

import io.ecrflow.aws.Ecr;
import io.ecrflow.aws.RepositoryEnsurer;
import io.ecrflow.aws.RepositoryInfo;
import io.ecrflow.docker.BuildRequest;
import io.ecrflow.docker.BuiltImage;
import io.ecrflow.docker.DockerEngine;
import io.ecrflow.docker.ImageBuilder;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.platform.BaseImage;
import io.ecrflow.publish.EarlierPublication;
import io.ecrflow.publish.Gate;
import io.ecrflow.publish.ImageBuild;
import io.ecrflow.publish.PublishOutputs;
import io.ecrflow.publish.Published;
import io.ecrflow.publish.RegistryLogin;
import io.ecrflow.publish.RunIdentity;
import io.ecrflow.publish.TagPublisher;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageLabels;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.Manifest;
import io.ecrflow.registry.RegistryClient;
import io.ecrflow.registry.RegistryCredential;
import io.ecrflow.registry.Tag;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The {@code build-push} story, in the order a careful pipeline runs it: check the engine, log in, look at
 * what the repository already holds of these tags, build, make sure the repository exists, publish every
 * tag (one upload, then the same manifest under each further tag), report. A failed build leaves ECR
 * untouched. A rerun of a run whose publication stopped half-way finishes it without rebuilding.
 */
public final class BuildPush {
    private final Pipeline pipeline;
    private final Ecr ecr;
    private final RegistryClient registries;
    private final DockerEngine engine;
    private final Supplier<ImageBuilder> builderChoice;
    private final Gate gate;

    /** @param gate what the image must pass before the moving tags are published (the scan gate) */
    public BuildPush(Pipeline pipeline, Ecr ecr, RegistryClient registries, DockerEngine engine,
                     Supplier<ImageBuilder> builderChoice, Gate gate) {
        this.pipeline = pipeline;
        this.ecr = ecr;
        this.registries = registries;
        this.engine = engine;
        this.builderChoice = builderChoice;
        this.gate = gate;
    }

    public void run(BuildPushOptions options) {
        engine.ping();
        RegistryCredential login = new RegistryLogin(ecr, pipeline).logIn();
        // A long build can outlast the login: the registry client logs in again once if the registry refuses it.
        RegistryClient registry = registries.withCredential(login, () -> new RegistryLogin(ecr, pipeline).logIn());
        List<ImageRef> refs = options.tags().stream()
                .map(tag -> ImageRef.tagged(login.registry(), options.repository().name(), tag))
                .toList();
        Optional<RepositoryInfo> existing = ecr.describe(options.repository().name());
        EarlierPublication earlier = earlierPublication(existing, refs, registry);
        TagPublisher publisher = new TagPublisher(pipeline, engine, registry);
        RepositoryEnsurer repositories = new RepositoryEnsurer(ecr, pipeline);
        if (earlier.resumes()) {
            repositories.ensure(options.repository(), options.createRepository(), existing);
            report(refs, finish(earlier, refs, registry, publisher, options));
            return;
        }
        BuiltImage image = build(options, builderChoice.get(), refs.get(0), login);
        repositories.ensure(options.repository(), options.createRepository(), existing);
        report(refs, publisher.publish(image, refs, login, options.moving(), gate));
        if (options.removeLocalImage()) {
            removeLocalNames(image, refs.get(0));
        }
    }

    /**
     * The names this run gave the image in the engine: its build name, the first tag (which the engine pushed)
     * and an inline cache's tag. Removing names, not the image id, leaves alone any other run's tags of the
     * same image; the image itself goes with its last name. The image is published by now, so a failure here
     * is a warning.
     */
    private void removeLocalNames(BuiltImage image, ImageRef pushed) {
        List<String> names = new ArrayList<>(List.of(image.localName(), pushed.toString()));
        image.publishAsCache().filter(cache -> !cache.repository().equals(pushed.repository()))
                .ifPresent(cache -> names.add(cache.toString()));
        try {
            names.forEach(engine::removeImage);
            pipeline.info("Removed " + String.join(", ", names) + " from the Docker Engine (removeLocalImage).");
        } catch (RuntimeException e) {
            pipeline.warning("The image is published, but its local names could not all be removed from the Docker Engine: "
                    + e.getMessage());
        }
    }

    /** Immutable tags already there are this run's earlier attempt, or a conflict; tags that may move are neither. */
    private EarlierPublication earlierPublication(Optional<RepositoryInfo> repository, List<ImageRef> refs,
                                                  RegistryClient registry) {
        List<Tag> immutable = repository.map(r -> refs.stream().map(ImageRef::tag)
                .filter(r.mutability()::isImmutable).toList()).orElse(List.of());
        if (immutable.isEmpty()) {
            return EarlierPublication.NONE;
        }
        Map<Tag, Digest> taken = ecr.existingTags(repository.get().name(), immutable);
        Map<Digest, ImageLabels> labelsByDigest = new HashMap<>();
        Map<Tag, ImageLabels> labels = new LinkedHashMap<>();
        taken.forEach((tag, digest) -> labels.put(tag, labelsByDigest.computeIfAbsent(digest,
                d -> ImageLabels.read(registry, refs.get(0).withDigest(d)))));
        return EarlierPublication.assess(repository.get().name().value(), labels, RunIdentity.of(pipeline::variable));
    }

    /** Gives the tags an earlier attempt of this run did not get the manifest it published; nothing is rebuilt. */
    private Published finish(EarlierPublication earlier, List<ImageRef> refs, RegistryClient registry,
                             TagPublisher publisher, BuildPushOptions options) {
        Digest digest = earlier.digest().orElseThrow();
        List<ImageRef> present = refs.stream().filter(ref -> earlier.taken().contains(ref.tag())).toList();
        List<ImageRef> missing = refs.stream().filter(ref -> !earlier.taken().contains(ref.tag())).toList();
        pipeline.info(present.stream().map(ref -> ref.tag().value()).collect(Collectors.joining(", "))
                + " already hold " + digest + ", published by an earlier attempt of this run; "
                + (missing.isEmpty() ? "nothing is left to publish." : "adding " + missing.stream()
                .map(ref -> ref.tag().value()).collect(Collectors.joining(", ")) + " without rebuilding."));
        Manifest manifest = registry.manifest(refs.get(0).withDigest(digest));
        return publisher.addTags(manifest, present, missing, options.moving(), gate);
    }

    private BuiltImage build(BuildPushOptions options, ImageBuilder builder, ImageRef firstRef, RegistryCredential login) {
        Map<String, String> labels = new LinkedHashMap<>(options.labels());
        RunIdentity.of(pipeline::variable).ifPresent(run -> labels.putAll(run.labels()));
        return new ImageBuild(pipeline).build(options.dockerfile().toString(), builder, new BuildRequest(options.context(),
                options.dockerfile(), options.buildArgs(), options.target(), labels, options.platform(),
                options.noCache(), options.pull(), firstRef.toString(), pullAuth(options, login))
                .withRegistryCache(options.registryCacheIn(login.registry()))
                .withSecrets(options.secrets(), options.ssh()));
    }

    /**
     * The ECR login goes into the build's docker config only when the build pulls from that registry (a FROM
     * or a --from= names it) or reads the registry cache there: otherwise no file holds the password at all.
     */
    private static List<RegistryCredential> pullAuth(BuildPushOptions options, RegistryCredential login) {
        boolean needed = options.registryCache() || BaseImage.registriesPulledBy(options.dockerfile(), options.buildArgs())
                .map(registries -> registries.contains(login.registry())).orElse(true);
        return needed ? List.of(login) : List.of();
    }

    private void report(List<ImageRef> refs, Published published) {
        refs.forEach(ref -> pipeline.info("Published " + ref));
        PublishOutputs.write(pipeline, refs.get(0), refs, published.digest());
    }
}
