package io.ecrflow.platform;

import io.ecrflow.UserError;
import io.ecrflow.aws.Ecr;
import io.ecrflow.aws.RepositoryInfo;
import io.ecrflow.aws.TagMutability;
import io.ecrflow.dockerfile.BaseImage;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.publish.RegistryLogin;
import io.ecrflow.publish.RunIdentity;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageLabels;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.RegistryClient;
import io.ecrflow.registry.RegistryCredential;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The platform image's first step: find the base image, ask its registry for the digest its tag has now, find the
 * current version in ECR and compare the digest it was built on, and decide. Nothing is built or written here.
 */
record VersionCheck(Pipeline pipeline, Ecr ecr, RegistryClient registries) {
    private static final Tag LATEST = Tag.of("latest");

    /** Finds the base image, asks its registry and ECR, and decides. */
    PlatformImage.Check check(PlatformImageOptions options) {
        BaseImage base = findBaseImage(options);
        RegistryCredential login = new RegistryLogin(ecr, pipeline).logIn();
        RegistryClient registry = registryClient(login, base, options);
        return new PlatformImage.Check(options, base, login, registry, plan(options, base, login, registry));
    }

    private BaseImage findBaseImage(PlatformImageOptions options) {
        return options.explicitBase().orElseGet(() -> BaseImage.fromDockerfile(options.build().dockerfile(), options.build().buildArgs()));
    }

    private RegistryClient registryClient(RegistryCredential login, BaseImage base, PlatformImageOptions options) {
        RegistryClient client = new RegistryLogin(ecr, pipeline).renewing(registries, login);
        return options.upstreamLogin().map(upstream -> client.withCredential(new RegistryCredential(
                base.ref().registry(), upstream.username(), upstream.password(), Instant.MAX))).orElse(client);
    }

    private VersionPlan plan(PlatformImageOptions options, BaseImage base, RegistryCredential login, RegistryClient registry) {
        RepositoryName name = options.repository().name();
        BaseImageWatcher watcher = new BaseImageWatcher(registry);
        pipeline.info("Base image " + base.name() + " (from " + base.origin() + ")");
        BaseLabels upstream = watcher.upstream(base);
        pipeline.info("  digest upstream now:  " + upstream.digest());
        Optional<RepositoryInfo> repository = ecr.describe(name);
        if (repository.isEmpty()) {
            return first(options, login, upstream, "repository " + name + " does not exist yet, so there is nothing to compare");
        }
        List<Tag> existing = registry.tags(login.registry(), name);
        options.retention().ifPresent(retention -> retention.refuseForeignTags(name, existing));
        // only a new version moves the tags; a run that finishes the current one may find them taken by it
        Runnable refuseStuckTags = () -> refuseImmutableMovingTags(name, repository.get().mutability(), existing, options);
        Optional<Version> highest = options.versions().highest(existing);
        if (highest.isEmpty()) {
            refuseStuckTags.run();
            return first(options, login, upstream, "repository " + name + " has no version tag "
                    + options.versions().pattern() + " yet");
        }
        Version current = highest.get();
        ImageRef currentRef = versionRef(options, login, current);
        Version next = current.bump(options.bump());
        pipeline.info("Current version " + currentRef.tag() + " in " + name + ".");
        if (!options.push()) {
            pipeline.info("Decision: " + next + " is built and tested, whatever the base image: push is false, so "
                    + "nothing is published.");
            return VersionPlan.newVersion("push is false: " + next + " was built and tested, not published",
                    versionRef(options, login, next), next, upstream);
        }
        if (options.forceUpdate()) {
            refuseStuckTags.run();
            pipeline.info("Decision: new version " + next + ": forceUpdate is set, so the base image is not compared.");
            return VersionPlan.newVersion("the update was forced", versionRef(options, login, next), next, upstream);
        }
        ImageLabels labels = watcher.current(currentRef);
        UpdateDecision decision = BaseImageWatcher.decide(BaseLabels.from(labels.labels()), upstream);
        pipeline.info("  digest " + currentRef.tag() + " was built on: " + decision.builtOn()
                .map(built -> built.digest() + (built.name().equals(upstream.name()) ? "" : " (of " + built.name() + ")"))
                .orElse("(not recorded)"));
        if (!decision.update()) {
            List<ImageRef> unfinished = tagsBehind(plannedTags(labels, options, currentRef), labels, currentRef, registry);
            if (unfinished.isEmpty()) {
                pipeline.info("Decision: no update, " + decision.reason() + ". Nothing is built or pushed.");
            } else {
                pipeline.info("Decision: no new version, " + decision.reason() + "; but " + tagList(unfinished)
                        + " do not point at " + currentRef.tag() + ": an earlier run stopped before publishing them. "
                        + "They get " + currentRef.tag() + "'s manifest now; nothing is built.");
            }
            return new VersionPlan(false, decision.reason(), currentRef, current, upstream, Optional.of(labels.digest()),
                    unfinished, repository);
        }
        refuseStuckTags.run();
        pipeline.info("Decision: new version " + next + ", " + decision.reason() + ".");
        return VersionPlan.newVersion(decision.reason(), versionRef(options, login, next), next, upstream);
    }

    /** The tags the current version was built to get; for a version without the label, just latest. */
    private static List<ImageRef> plannedTags(ImageLabels labels, PlatformImageOptions options, ImageRef currentRef) {
        String planned = labels.labels().get(PlatformImage.PLANNED_TAGS_LABEL);
        if (planned == null) {
            return NewVersionTags.movesLatest(options.tags()) ? List.of(currentRef.withTag(LATEST)) : List.of();
        }
        return Arrays.stream(planned.split(",")).map(String::trim).filter(Tag::isValid).map(Tag::of)
                .map(currentRef::withTag).toList();
    }

    /**
     * The planned tags an earlier run did not get to: the missing ones, and, in a rerun of the run that built the
     * current version, those its earlier attempt did not move yet. A tag that holds another image after a later
     * run is a person's choice (a rollback by hand or with promote): it stays where it is.
     */
    private List<ImageRef> tagsBehind(List<ImageRef> planned, ImageLabels current, ImageRef currentRef,
                                      RegistryClient registry) {
        boolean sameRun = RunIdentity.of(pipeline::variable).filter(run -> run.built(current.labels())).isPresent();
        List<ImageRef> behind = new ArrayList<>();
        for (ImageRef ref : planned) {
            Optional<Digest> now = registry.manifestDigest(ref);
            if (now.isEmpty() || sameRun && !now.get().equals(current.digest())) {
                behind.add(ref);
            } else if (!now.get().equals(current.digest())) {
                pipeline.info(ref.tag() + " points at " + now.get() + ", not " + currentRef.tag() + ": left where it is ("
                        + "moved there after " + currentRef.tag() + " was published, as a rollback does).");
            }
        }
        return behind;
    }

    static String tagList(List<ImageRef> refs) {
        return refs.stream().map(ref -> ref.tag().value()).collect(Collectors.joining(", "));
    }

    private VersionPlan first(PlatformImageOptions options, RegistryCredential login, BaseLabels upstream, String why) {
        pipeline.info("Decision: first version " + Version.FIRST + ", " + why + ".");
        return VersionPlan.newVersion("first version", versionRef(options, login, Version.FIRST), Version.FIRST, upstream);
    }

    private static ImageRef versionRef(PlatformImageOptions options, RegistryCredential login, Version version) {
        return ImageRef.tagged(login.registry(), options.repository().name(), options.versions().tagOf(version));
    }

    /**
     * A tag that moves to each new version cannot, once it exists, where the repository keeps it from moving.
     * Tags new to the repository (a build number) are written once and never need to move.
     */
    private static void refuseImmutableMovingTags(RepositoryName name, TagMutability mutability, List<Tag> existing,
                                                  PlatformImageOptions options) {
        List<Tag> stuck = options.tags().stuckIn(existing, mutability::isImmutable);
        if (!stuck.isEmpty()) {
            throw new UserError("Repository " + name + " has tags " + mutability.describe() + ", so "
                    + stuck.stream().map(Tag::value).collect(Collectors.joining("', '", "'", "'"))
                    + " cannot move to a new version. Add them to the repository's exclusions (tagMutability "
                    + "IMMUTABLE_WITH_EXCLUSION), or set tagLatest to false and leave them out of extraTags.", "extraTags");
        }
    }
}
