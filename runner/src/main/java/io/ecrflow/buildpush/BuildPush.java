package io.ecrflow.buildpush;

import io.ecrflow.UserError;
import io.ecrflow.aws.Ecr;
import io.ecrflow.aws.EnsuredRepository;
import io.ecrflow.aws.RepositoryInfo;
import io.ecrflow.docker.BuiltImage;
import io.ecrflow.docker.DockerEngine;
import io.ecrflow.docker.ImageBuilder;
import io.ecrflow.docker.ImageInfo;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.dockerfile.BaseImage;
import io.ecrflow.publish.BuildSettings;
import io.ecrflow.publish.EarlierAttempt;
import io.ecrflow.publish.EarlierPublication;
import io.ecrflow.publish.Gate;
import io.ecrflow.publish.ImageBuild;
import io.ecrflow.publish.PublishOutputs;
import io.ecrflow.publish.PublicationReport;
import io.ecrflow.publish.Published;
import io.ecrflow.publish.RegistryLogin;
import io.ecrflow.publish.RunIdentity;
import io.ecrflow.publish.TagPublisher;
import io.ecrflow.publish.TargetRepository;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.RegistryClient;
import io.ecrflow.registry.RegistryCredential;

import java.util.ArrayList;
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
 * untouched. A rerun of a run whose publication stopped half-way finishes it without rebuilding. Given an
 * image an earlier step built ({@link ImageSource.LocalImage}), it publishes that one the same way instead of
 * building.
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

    /** @return what the tags now hold: every tag of the run, first tag first, and the image's manifest */
    public Published run(BuildPushOptions options) {
        engine.ping();
        Optional<BuiltImage> earlierStep = options.source() instanceof ImageSource.LocalImage local
                ? Optional.of(localImage(local)) : Optional.empty();
        RegistryCredential login = new RegistryLogin(ecr, pipeline).logIn();
        // A long build can outlast the login: the registry client logs in again once if the registry refuses it.
        RegistryClient registry = registries.withCredential(login, () -> new RegistryLogin(ecr, pipeline).logIn());
        List<ImageRef> refs = options.tags().refsIn(login.registry(), options.repository().name());
        Optional<RepositoryInfo> existing = ecr.describe(options.repository().name());
        TargetRepository repository = TargetRepository.described(ecr, pipeline, options.repository(),
                options.createRepository(), existing);
        EarlierAttempt earlierAttempt = new EarlierAttempt(pipeline, ecr, registry);
        EarlierPublication earlier = earlierAttempt.find(existing, refs, earlierStep.map(BuiltImage::imageId));
        if (earlier.resumes()) {
            EnsuredRepository ensured = repository.ensure();
            Published published = earlierAttempt.finish(earlier, refs.get(0), options.tags(), gate);
            new PublicationReport(pipeline).report(published, ensured, registry);
            earlierStep.filter(image -> options.removeLocalImage()).ifPresent(image -> removeLocalNames(image, Optional.empty()));
            return published;
        }
        BuiltImage image;
        if (options.source() instanceof ImageSource.Dockerfile dockerfile) {
            repository.beforeBuild(dockerfile.build().registryCacheIn(login.registry()));
            image = build(dockerfile, builderChoice.get(), refs.get(0), login);
        } else {
            image = earlierStep.orElseThrow();
        }
        EnsuredRepository ensured = repository.ensure();
        Published published = new TagPublisher(pipeline, engine, registry).publish(image, refs.get(0), options.tags(),
                login, gate);
        new PublicationReport(pipeline).report(published, ensured, registry);
        if (options.removeLocalImage()) {
            removeLocalNames(image, Optional.of(refs.get(0)));
        }
        return published;
    }

    /**
     * {@code --push false}, a pull request's validation: the image is built as a publishing run would build it, under
     * every tag of the run in the engine, and nothing reaches ECR — no repository is created, no tag is written, no
     * registry cache is exported. ECR is logged in to only to name the image and for a FROM it holds.
     *
     * @return the built image
     */
    public BuiltImage buildOnly(BuildPushOptions options) {
        engine.ping();
        if (!(options.source() instanceof ImageSource.Dockerfile dockerfile)) {
            throw new IllegalArgumentException("an image built earlier is pushed or left alone, not built");
        }
        RegistryCredential login = new RegistryLogin(ecr, pipeline).logIn();
        List<ImageRef> refs = options.tags().refsIn(login.registry(), options.repository().name());
        if (dockerfile.build().registryCache()) {
            pipeline.info("push is false: the registry cache is neither read nor written.");
        }
        BuiltImage image = build(dockerfile.withoutRegistryCache(), builderChoice.get(), refs.get(0), login);
        refs.stream().skip(1).forEach(ref -> engine.tag(image.imageId(), ref));
        pipeline.info("push is false: built " + image.imageId() + " as " + refs.stream().map(ImageRef::toString)
                .collect(Collectors.joining(", ")) + " in the Docker Engine; nothing is published (no repository created, "
                + "no tag pushed).");
        PublishOutputs.writeNames(pipeline, refs.get(0), refs, Optional.empty());
        return image;
    }

    /** The image an earlier step left in the engine; checked before anything is asked of AWS. */
    private BuiltImage localImage(ImageSource.LocalImage local) {
        ImageInfo found = engine.inspectImage(local.name()).orElseThrow(() -> new UserError("The Docker Engine at "
                + engine.host() + " has no image '" + local.name() + "' (input 'image'), so there is nothing to push. "
                + "Build it in an earlier step of the same job (docker build -t " + local.name() + " ...): a "
                + "Microsoft-hosted agent starts every job with an empty engine, so an image built in another job "
                + "is not there. `docker image ls` lists the images the engine has.", "image"));
        pipeline.info("Publishing the local image " + local.name() + " (" + found.id() + ") as it is: nothing is built.");
        return new BuiltImage(found.id(), local.name());
    }

    /**
     * The image's local names: its build name (or the name it was given to push), the first tag (which the engine
     * pushed) and an inline cache's tag. Removing names, not the image id, leaves alone any other run's tags of the
     * same image; the image itself goes with its last name. The image is published by now, so a failure here
     * is a warning.
     *
     * @param pushed the name the engine pushed; empty when this run pushed nothing (it finished an earlier attempt)
     */
    private void removeLocalNames(BuiltImage image, Optional<ImageRef> pushed) {
        List<String> names = new ArrayList<>();
        if (!isId(image.localName(), image.imageId())) {
            names.add(image.localName());
        }
        pushed.ifPresent(ref -> names.add(ref.toString()));
        image.publishAsCache().filter(cache -> pushed.filter(ref -> cache.repository().equals(ref.repository())).isEmpty())
                .ifPresent(cache -> names.add(cache.toString()));
        try {
            names.forEach(engine::removeImage);
            pipeline.info("Removed " + String.join(", ", names) + " from the Docker Engine (removeLocalImage).");
        } catch (RuntimeException e) {
            pipeline.warning("The image is published, but its local names could not all be removed from the Docker Engine: "
                    + e.getMessage());
        }
    }

    /** An image given by its id (or a prefix of it) is not a name: removing it would take every name with it. */
    private static boolean isId(String name, String imageId) {
        String hex = name.startsWith("sha256:") ? name.substring("sha256:".length()) : name;
        return hex.length() >= 12 && imageId.startsWith("sha256:" + hex);
    }

    private BuiltImage build(ImageSource.Dockerfile source, ImageBuilder builder, ImageRef firstRef, RegistryCredential login) {
        Map<String, String> labels = new LinkedHashMap<>(source.labels());
        RunIdentity.of(pipeline::variable).ifPresent(run -> labels.putAll(run.labels()));
        BuildSettings build = source.build();
        return new ImageBuild(pipeline).build(build.dockerfile().toString(), builder, build.request(build.dockerfile(),
                labels, firstRef.toString(), pullAuth(build, login), build.registryCacheIn(login.registry())));
    }

    /**
     * The ECR login goes into the build's docker config only when the build pulls from that registry (a FROM
     * or a --from= names it) or reads the registry cache there: otherwise no file holds the password at all.
     */
    private static List<RegistryCredential> pullAuth(BuildSettings source, RegistryCredential login) {
        boolean needed = source.registryCache() || BaseImage.registriesPulledBy(source.dockerfile(), source.buildArgs())
                .map(registries -> registries.contains(login.registry())).orElse(true);
        return needed ? List.of(login) : List.of();
    }
}
