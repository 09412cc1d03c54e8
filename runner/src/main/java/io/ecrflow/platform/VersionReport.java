package io.ecrflow.platform;

import io.ecrflow.aws.EnsuredRepository;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.publish.PublicationReport;
import io.ecrflow.publish.PublishOutputs;
import io.ecrflow.publish.Published;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.RegistryClient;

import java.util.List;
import java.util.Optional;

/**
 * The platform image's report: the outputs every publishing command sets, the version decided on and its base,
 * and the decision in the run summary; for a run that published tags, a current one that did not, or one that
 * built and tested a version without publishing it ({@code push} false).
 */
final class VersionReport {
    private final Pipeline pipeline;

    VersionReport(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** Tags were published: a new version's, or those of the current one an earlier run did not get to. */
    void published(VersionPlan plan, Published published, EnsuredRepository repository, RegistryClient registry) {
        new PublicationReport(pipeline).report(published, repository, registry);
        versionOutputs(plan, true);
        decision(plan, true);
    }

    /** Nothing changed: the current version stays. */
    void unchanged(VersionPlan plan) {
        PublishOutputs.write(pipeline, plan.versionRef(), List.of(), plan.currentDigest().orElseThrow(), Optional.empty(),
                plan.found());
        versionOutputs(plan, false);
        decision(plan, false);
        pipeline.setOutput("queuedRuns", "");
    }

    /** {@code push} false: the version was built and tested under {@code refs} in the engine; nothing reached ECR. */
    void notPublished(VersionPlan plan, List<ImageRef> refs) {
        PublishOutputs.writeNames(pipeline, plan.versionRef(), refs, Optional.empty());
        versionOutputs(plan, false);
        pipeline.setOutput("queuedRuns", "");
        pipeline.summary(DecisionSummary.notPublished(plan.reason(), plan.versionRef().tag().value(),
                plan.upstream().name(), plan.upstream().digest()));
    }

    /** {@code updated} is true whenever this run published tags, a new version's or an unfinished one's. */
    private void versionOutputs(VersionPlan plan, boolean updated) {
        pipeline.setOutput("updated", Boolean.toString(updated));
        pipeline.setOutput("version", plan.version().toString());
        pipeline.setOutput("versionTag", plan.versionRef().tag().value());
        pipeline.setOutput("baseImage", plan.upstream().name());
        pipeline.setOutput("baseDigest", plan.upstream().digest().toString());
    }

    private void decision(VersionPlan plan, boolean updated) {
        pipeline.summary(DecisionSummary.markdown(updated, plan.reason(), plan.versionRef().tag().value(),
                plan.upstream().name(), plan.upstream().digest()));
    }
}
