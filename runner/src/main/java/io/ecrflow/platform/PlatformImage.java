package io.ecrflow.platform;

import io.ecrflow.aws.Ecr;
import io.ecrflow.aws.EnsuredRepository;
import io.ecrflow.aws.RepositoryEnsurer;
import io.ecrflow.devops.BuildTags;
import io.ecrflow.devops.DependentRuns;
import io.ecrflow.devops.DevOpsFailure;
import io.ecrflow.docker.BuiltImage;
import io.ecrflow.docker.Containers;
import io.ecrflow.docker.DockerEngine;
import io.ecrflow.docker.ImageBuilder;
import io.ecrflow.dockerfile.BaseImage;
import io.ecrflow.notify.TeamsChannel;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.publish.Gate;
import io.ecrflow.publish.Published;
import io.ecrflow.publish.TargetRepository;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.RegistryClient;
import io.ecrflow.registry.RegistryCredential;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * version but stopped before {@code latest} or an extra tag, this run finishes that publication instead. With
 * {@code push} false the next version is built and tested and nothing is published (a pull request's validation).
 * Each step is a class of its own: {@link VersionCheck}, {@link PinnedBuild}, {@link IntegrationTest},
 * {@link VersionPublication}, {@link VersionReport}.
 */
public final class PlatformImage {
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
     * What the check found for one image, all the publishing needs: the base, the login and the plan. Checks of
     * many images may run at once; their publishing runs one image at a time ({@code --images-file}).
     */
    public static final class Check {
        private final PlatformImageOptions options;
        private final BaseImage base;
        private final RegistryCredential login;
        private final RegistryClient registry;
        private final VersionPlan plan;

        Check(PlatformImageOptions options, BaseImage base, RegistryCredential login, RegistryClient registry,
              VersionPlan plan) {
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
            return new VersionCheck(pipeline, ecr, registries).check(options);
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
        static final Outcome NOTHING_PUBLISHED = new Outcome(false, Optional.empty());
    }

    private Outcome act(Check check) {
        PlatformImageOptions options = check.options;
        VersionPlan plan = check.plan;
        VersionReport report = new VersionReport(pipeline);
        if (plan.update()) {
            return buildAndTest(check, report);
        }
        // the repository exists: its policy is kept as given even in runs that publish nothing
        new RepositoryEnsurer(ecr, pipeline).applyLifecyclePolicy(options.repository());
        keepVersions(options);
        if (plan.unfinished().isEmpty()) {
            report.unchanged(plan);
            return Outcome.NOTHING_PUBLISHED;
        }
        Published published = new VersionPublication(pipeline, ecr, engine, check.registry, gate).finish(plan);
        report.published(plan, published, plan.found(), check.registry);
        // the earlier run stopped before it could queue them
        return announce(check, published, "an earlier run stopped before "
                + VersionCheck.tagList(plan.unfinished()) + "; this run finished publishing it");
    }

    /** Builds the version and proves it with the integration test; then publishes it, unless push is false. */
    private Outcome buildAndTest(Check check, VersionReport report) {
        PlatformImageOptions options = check.options;
        VersionPlan plan = check.plan;
        engine.ping();
        ImageBuilder builder = builderChoice.get();
        List<RegistryCredential> pullAuth = pullAuth(check.login, check.base, options);
        TargetRepository repository = TargetRepository.undescribed(ecr, pipeline, options.repository(), true);
        Optional<ImageRef> registryCache = options.registryCacheIn(plan.versionRef().registry());
        repository.beforeBuild(registryCache);
        BuiltImage image = new PinnedBuild(pipeline, clock).build(options, builder, check.base, plan, pullAuth,
                registryCache);
        new IntegrationTest(pipeline, engine, containers, clock).prove(options, plan.versionRef(), check.base, builder,
                pullAuth);
        if (!options.push()) {
            List<ImageRef> refs = options.tags().withStaying(plan.versionRef().tag()).inPublishOrder().stream()
                    .map(plan.versionRef()::withTag).toList();
            pipeline.info("push is false: built and tested " + image.imageId() + " as " + plan.versionRef()
                    + "; nothing is published (no repository created, no tag pushed, no version retired).");
            report.notPublished(plan, refs);
            return Outcome.NOTHING_PUBLISHED;
        }
        EnsuredRepository ensured = repository.ensure();
        keepVersions(options);
        Published published = new VersionPublication(pipeline, ecr, engine, check.registry, gate)
                .publish(image, options, plan, check.login);
        report.published(plan, published, ensured, check.registry);
        return announce(check, published, plan.reason());
    }

    /** Tags the run, queues the pipelines built on the image and posts the Teams card. */
    private Outcome announce(Check check, Published published, String reason) {
        VersionPlan plan = check.plan;
        buildTags.tag(plan.versionRef(), published.digest());
        DependentRuns.Outcome queued = queueDependents(check.options);
        notifications.published(check.options, reason, check.base, plan.versionRef(), published.refs(),
                published.digest(), plan.upstream(), queued.runs());
        return new Outcome(true, queued.failure());
    }

    /** keepVersions' policy, with the rules runs for other prefixes of the repository wrote. */
    private void keepVersions(PlatformImageOptions options) {
        options.retention().ifPresent(retention -> new RepositoryEnsurer(ecr, pipeline)
                .applyLifecyclePolicy(options.repository().name(), retention::policyWith));
    }

    private List<RegistryCredential> pullAuth(RegistryCredential login, BaseImage base, PlatformImageOptions options) {
        List<RegistryCredential> auth = new ArrayList<>(List.of(login));
        String registry = base.ref().host().credentialKey();
        options.upstreamLogin().ifPresent(upstream -> auth.add(
                new RegistryCredential(registry, upstream.username(), upstream.password(), Instant.MAX)));
        return auth;
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
}
