package io.ecrflow.platform;

import io.ecrflow.dockerfile.BaseImage;
import io.ecrflow.dockerfile.Dockerfile;

import io.ecrflow.UserError;
import io.ecrflow.aws.Ecr;
import io.ecrflow.aws.EnsuredRepository;
import io.ecrflow.aws.RepositoryEnsurer;
import io.ecrflow.aws.RepositoryInfo;
import io.ecrflow.aws.TagMutability;
import io.ecrflow.devops.BuildTags;
import io.ecrflow.devops.DependentRuns;
import io.ecrflow.devops.DevOpsFailure;
import io.ecrflow.docker.BuildRequest;
import io.ecrflow.docker.BuiltImage;
import io.ecrflow.docker.Containers;
import io.ecrflow.docker.DockerEngine;
import io.ecrflow.docker.ImageBuilder;
import io.ecrflow.notify.TeamsChannel;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.publish.Gate;
import io.ecrflow.publish.ImageBuild;
import io.ecrflow.publish.PublicationReport;
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
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;
import io.ecrflow.tagging.OciLabels;
import io.ecrflow.tagging.TagPlan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The {@code platform-image} story, as a platform team's scheduled pipeline runs it: find the base image,
 * ask its registry for the digest its tag has now, find the current version in ECR and compare the digest
 * it was built on — and stop right there when nothing changed. Otherwise build the next version (labelled
 * with its base), prove it with the integration test, create the repository when missing, push the
 * version tag, the extra tags and {@code latest}, report, queue the pipelines built on it, and tell the Teams
 * channel. Nothing is pushed
 * before the test passed, and no version tag is ever overwritten. When an earlier run published the current
 * version but stopped before {@code latest} or an extra tag, this run finishes that publication instead.
 */
public final class PlatformImage {
    private static final Tag LATEST = Tag.of("latest");
    /**
     * The tags a version was built to get besides its version tag, recorded in the image itself: a later
     * run finishes exactly those, whatever its own extra tags expand to (a build number differs each run).
     */
    static final String PLANNED_TAGS_LABEL = "io.ecrflow.planned-tags";

    private final Pipeline pipeline;
    private final Ecr ecr;
    private final RegistryClient registries;
    private final DockerEngine engine;
    private final Containers containers;
    private final Supplier<ImageBuilder> builderChoice;
    private final TeamsNotifications notifications;
    private final Gate gate;
    private final DependentRuns dependents;
    private final BuildTags buildTags;
    private final Clock clock;

    public PlatformImage(Pipeline pipeline, Ecr ecr, RegistryClient registries, DockerEngine engine, Containers containers,
                         Supplier<ImageBuilder> builderChoice, Optional<TeamsChannel> teams, Gate gate,
                         DependentRuns dependents, BuildTags buildTags, Clock clock) {
        this.pipeline = pipeline;
        this.ecr = ecr;
        this.registries = registries;
        this.engine = engine;
        this.containers = containers;
        this.builderChoice = builderChoice;
        this.notifications = new TeamsNotifications(pipeline, teams);
        this.gate = gate;
        this.dependents = dependents;
        this.buildTags = buildTags;
        this.clock = clock;
    }

    /**
     * What this run settled on: the version to publish, or the current one when nothing changed.
     *
     * @param unfinished the current version's tags (latest, extra tags) an earlier run did not get to
     * @param repository the repository as found, when no new version is built (a new one ensures it first)
     */
    private record Plan(boolean update, String reason, ImageRef versionRef, Version version, BaseLabels upstream,
                        Optional<Digest> currentDigest, List<ImageRef> unfinished, Optional<RepositoryInfo> repository) {
        static Plan newVersion(String reason, ImageRef versionRef, Version version, BaseLabels upstream) {
            return new Plan(true, reason, versionRef, version, upstream, Optional.empty(), List.of(), Optional.empty());
        }

        EnsuredRepository found() {
            return new EnsuredRepository(repository.orElseThrow(), false);
        }
    }

    /**
     * What the check found for one image, all the publishing needs: the base, the login and the plan. Checks of
     * many images may run at once; their publishing runs one image at a time ({@code --images-file}).
     */
    public static final class Check {
        private final PlatformImageOptions options;
        private final BaseImage base;
        private final RegistryCredential login;
        private final RegistryClient registry;
        private final Plan plan;

        private Check(PlatformImageOptions options, BaseImage base, RegistryCredential login, RegistryClient registry,
                      Plan plan) {
            this.options = options;
            this.base = base;
            this.login = login;
            this.registry = registry;
            this.plan = plan;
        }
    }

    public void run(PlatformImageOptions options) {
        publish(check(options));
    }

    /** Finds the base image, asks its registry and ECR, and decides; nothing is built or written yet. */
    public Check check(PlatformImageOptions options) {
        try {
            BaseImage base = findBaseImage(options);
            RegistryCredential login = new RegistryLogin(ecr, pipeline).logIn();
            RegistryClient registry = registryClient(login, base, options);
            return new Check(options, base, login, registry, plan(options, base, login, registry));
        } catch (RuntimeException e) {
            notifications.failed(options, e);
            throw e;
        }
    }

    /**
     * Acts on the check: publishes a new version, finishes an unfinished one, or reports that nothing changed.
     *
     * @return whether tags were published
     */
    public boolean publish(Check check) {
        Outcome outcome;
        try {
            outcome = act(check);
        } catch (RuntimeException e) {
            notifications.failed(check.options, e);
            throw e;
        }
        // with dependentsFatal: the image is published and its card posted, so the failure gets no card of its own
        outcome.unqueued().ifPresent(failure -> {
            throw failure;
        });
        return outcome.published();
    }

    /**
     * What {@link #publish} came to: whether tags were published, and with dependentsFatal the dependents that
     * could not be queued.
     */
    private record Outcome(boolean published, Optional<DevOpsFailure> unqueued) {
    }

    private Outcome act(Check check) {
        PlatformImageOptions options = check.options;
        BaseImage base = check.base;
        Plan plan = check.plan;
        if (!plan.update()) {
            // the repository exists: its policy is kept as given even in runs that publish nothing
            new RepositoryEnsurer(ecr, pipeline).applyLifecyclePolicy(options.repository());
            keepVersions(options);
        }
        if (!plan.update() && !plan.unfinished().isEmpty()) {
            Published published = finish(plan, check.registry);
            report(plan, published, plan.found(), check.registry);
            buildTags.tag(plan.versionRef(), published.digest());
            // the earlier run stopped before it could queue them
            DependentRuns.Outcome queued = queueDependents(options);
            notifications.published(options, "an earlier run stopped before " + tagList(plan.unfinished())
                    + "; this run finished publishing it", base, plan.versionRef(), published.refs(),
                    published.digest(), plan.upstream(), queued.runs());
            return new Outcome(true, queued.failure());
        }
        if (!plan.update()) {
            reportUnchanged(plan);
            return new Outcome(false, Optional.empty());
        }
        engine.ping();
        ImageBuilder builder = builderChoice.get();
        List<RegistryCredential> pullAuth = pullAuth(check.login, base, options);
        RepositoryEnsurer repositories = new RepositoryEnsurer(ecr, pipeline);
        // BuildKit writes a registry cache during the build: its repository must exist by then
        Optional<EnsuredRepository> early = options.registryCacheIn(plan.versionRef().registry())
                .filter(cache -> cache.repository().equals(options.repository().name()))
                .map(cache -> repositories.ensure(options.repository(), true));
        BuiltImage image = build(options, builder, base, plan, pullAuth);
        integrationTest(options, plan, base, builder, pullAuth);
        EnsuredRepository repository = early.orElseGet(() -> repositories.ensure(options.repository(), true));
        keepVersions(options);
        refuseTakenVersionTag(options.repository().name(), plan);
        TagPlan tags = options.tags().withStaying(plan.versionRef().tag());
        Published published = new TagPublisher(pipeline, engine, check.registry).publish(image, plan.versionRef(), tags,
                check.login, gate);
        List<ImageRef> refs = published.refs();
        report(plan, published, repository, check.registry);
        buildTags.tag(plan.versionRef(), published.digest());
        DependentRuns.Outcome queued = queueDependents(options);
        notifications.published(options, plan.reason(), base, plan.versionRef(), refs, published.digest(),
                plan.upstream(), queued.runs());
        return new Outcome(true, queued.failure());
    }

    /** keepVersions' policy, with the rules runs for other prefixes of the repository wrote. */
    private void keepVersions(PlatformImageOptions options) {
        options.retention().ifPresent(retention -> new RepositoryEnsurer(ecr, pipeline)
                .applyLifecyclePolicy(options.repository().name(), retention::policyWith));
    }

    private BaseImage findBaseImage(PlatformImageOptions options) {
        return options.explicitBase().orElseGet(() -> BaseImage.fromDockerfile(options.dockerfile(), options.buildArgs()));
    }

    private RegistryClient registryClient(RegistryCredential login, BaseImage base, PlatformImageOptions options) {
        RegistryClient client = new RegistryLogin(ecr, pipeline).renewing(registries, login);
        return options.upstreamLogin().map(upstream -> client.withCredential(new RegistryCredential(
                base.ref().registry(), upstream.username(), upstream.password(), Instant.MAX))).orElse(client);
    }

    private Plan plan(PlatformImageOptions options, BaseImage base, RegistryCredential login, RegistryClient registry) {
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
        if (options.forceUpdate()) {
            refuseStuckTags.run();
            pipeline.info("Decision: new version " + next + ": forceUpdate is set, so the base image is not compared.");
            return Plan.newVersion("the update was forced", versionRef(options, login, next), next, upstream);
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
            return new Plan(false, decision.reason(), currentRef, current, upstream, Optional.of(labels.digest()),
                    unfinished, repository);
        }
        refuseStuckTags.run();
        pipeline.info("Decision: new version " + next + ", " + decision.reason() + ".");
        return Plan.newVersion(decision.reason(), versionRef(options, login, next), next, upstream);
    }

    /** The tags the current version was built to get; for a version without the label, just latest. */
    private static List<ImageRef> plannedTags(ImageLabels labels, PlatformImageOptions options, ImageRef currentRef) {
        String planned = labels.labels().get(PLANNED_TAGS_LABEL);
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

    /** Finishes the current version's publication: its manifest under the tags an earlier run did not get to. */
    private Published finish(Plan plan, RegistryClient registry) {
        Manifest manifest = registry.manifest(plan.versionRef().withDigest(plan.currentDigest().orElseThrow()));
        // an earlier run may have stopped at the gate itself: the unfinished tags pass it before they are written
        Tag version = plan.versionRef().tag();
        TagPlan tags = TagPlan.of(List.of(version), plan.unfinished().stream().map(ImageRef::tag).toList());
        return new TagPublisher(pipeline, engine, registry).addTags(manifest, plan.versionRef(), tags, Set.of(version), gate);
    }

    private static String tagList(List<ImageRef> refs) {
        return refs.stream().map(ref -> ref.tag().value()).collect(Collectors.joining(", "));
    }

    private Plan first(PlatformImageOptions options, RegistryCredential login, BaseLabels upstream, String why) {
        pipeline.info("Decision: first version " + Version.FIRST + ", " + why + ".");
        return Plan.newVersion("first version", versionRef(options, login, Version.FIRST), Version.FIRST, upstream);
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

    private List<RegistryCredential> pullAuth(RegistryCredential login, BaseImage base, PlatformImageOptions options) {
        List<RegistryCredential> auth = new ArrayList<>(List.of(login));
        String registry = base.ref().host().credentialKey();
        options.upstreamLogin().ifPresent(upstream -> auth.add(
                new RegistryCredential(registry, upstream.username(), upstream.password(), Instant.MAX)));
        return auth;
    }

    /** Builds from the Dockerfile with the base pinned to the checked digest; the pinned copy is removed after. */
    private BuiltImage build(PlatformImageOptions options, ImageBuilder builder, BaseImage base, Plan plan,
                             List<RegistryCredential> pullAuth) {
        Optional<Path> pinned = pinnedDockerfile(options, base, plan.upstream().digest());
        try {
            return build(options, pinned.orElse(options.dockerfile()), builder, plan, pullAuth);
        } finally {
            pinned.ifPresent(PlatformImage::deleteQuietly);
        }
    }

    private Optional<Path> pinnedDockerfile(PlatformImageOptions options, BaseImage base, Digest digest) {
        Optional<String> text = PinnedBase.pin(Dockerfile.read(options.dockerfile(), "dockerfile"), options.buildArgs(),
                base.ref(), digest);
        if (text.isEmpty()) {
            pipeline.warning("No FROM of " + options.dockerfile().getFileName() + " names the base image " + base.name()
                    + ", so the build cannot be pinned to the digest checked (" + digest + "); it uses the Dockerfile "
                    + "as written. Name the watched image in a FROM, or set baseImage to the image a FROM names.");
            return Optional.empty();
        }
        // beside the original: the engine's builder needs the Dockerfile inside the context
        Path file = options.dockerfile().resolveSibling(options.dockerfile().getFileName() + ".ecrflow-"
                + UUID.randomUUID().toString().substring(0, 8));
        try {
            Files.writeString(file, text.get(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError("Could not write the Dockerfile with the base pinned to " + digest + " next to "
                    + options.dockerfile() + ": " + e.getMessage(), "dockerfile", e);
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

    private BuiltImage build(PlatformImageOptions options, Path dockerfile, ImageBuilder builder, Plan plan,
                             List<RegistryCredential> pullAuth) {
        Map<String, String> labels = new LinkedHashMap<>(OciLabels.from(pipeline::variable, clock));
        labels.put(OciLabels.VERSION, plan.versionRef().tag().value());
        // which run built it: only a rerun of that run moves a tag that holds another image since (tagsBehind)
        RunIdentity.of(pipeline::variable).ifPresent(run -> labels.putAll(run.labels()));
        labels.putAll(plan.upstream().asLabels());
        labels.put(PLANNED_TAGS_LABEL, options.tags().movingInPublishOrder().stream().map(Tag::value)
                .collect(Collectors.joining(",")));
        return new ImageBuild(pipeline).build(plan.versionRef().tag() + " from " + options.dockerfile(), builder,
                new BuildRequest(options.context(), dockerfile, options.buildArgs(), Optional.empty(), labels,
                        options.platform(), options.noCache(), options.pull(), plan.versionRef().toString(), pullAuth)
                        .withRegistryCache(options.registryCacheIn(plan.versionRef().registry())));
    }

    private void integrationTest(PlatformImageOptions options, Plan plan, BaseImage base, ImageBuilder builder,
                                 List<RegistryCredential> pullAuth) {
        if (options.test().isEmpty()) {
            pipeline.warning("No integration test is configured (testDockerfile), so " + plan.versionRef().tag()
                    + " is published untested.");
            return;
        }
        RepositoryName platform = options.repository().name();
        Predicate<ImageRef> namesPlatform = ref -> ref.repository().equals(platform)
                || ref.host().isDockerHub() && ref.repository().value().equals("library/" + platform)
                || ref.registry().equals(base.ref().registry()) && ref.repository().equals(base.ref().repository());
        new IntegrationTest(pipeline, engine, containers, clock)
                .run(options.test().get(), plan.versionRef(), namesPlatform, builder, pullAuth);
    }

    private void refuseTakenVersionTag(RepositoryName name, Plan plan) {
        Tag versionTag = plan.versionRef().tag();
        if (!ecr.existingTags(name, List.of(versionTag)).isEmpty()) {
            throw new UserError("Tag " + versionTag + " already exists in " + name + ", and a version tag is never "
                    + "overwritten. Another run may have published it meanwhile: run again for the next version.");
        }
    }

    private void report(Plan plan, Published published, EnsuredRepository repository, RegistryClient registry) {
        new PublicationReport(pipeline).report(published, repository, registry);
        setVersionOutputs(plan, true);
    }

    /** Queues the pipelines built on the image; {@code queuedRuns} lists the runs' pages, comma-separated. */
    private DependentRuns.Outcome queueDependents(PlatformImageOptions options) {
        DependentRuns.Outcome outcome = dependents.queue(options.dependents());
        pipeline.setOutput("queuedRuns", outcome.runs().stream().map(run -> run.web().toString())
                .collect(Collectors.joining(",")));
        if (!outcome.runs().isEmpty()) {
            pipeline.summary(DependentRuns.summary(outcome.runs()));
        }
        return outcome;
    }

    private void reportUnchanged(Plan plan) {
        PublishOutputs.write(pipeline, plan.versionRef(), List.of(), plan.currentDigest().orElseThrow(), Optional.empty(),
                plan.found());
        setVersionOutputs(plan, false);
        pipeline.setOutput("queuedRuns", "");
    }

    /** {@code updated} is true whenever this run published tags, a new version's or an unfinished one's. */
    private void setVersionOutputs(Plan plan, boolean updated) {
        pipeline.setOutput("updated", Boolean.toString(updated));
        pipeline.setOutput("version", plan.version().toString());
        pipeline.setOutput("versionTag", plan.versionRef().tag().value());
        pipeline.setOutput("baseImage", plan.upstream().name());
        pipeline.setOutput("baseDigest", plan.upstream().digest().toString());
        pipeline.summary(DecisionSummary.markdown(updated, plan.reason(), plan.versionRef().tag().value(),
                plan.upstream().name(), plan.upstream().digest()));
    }
}
