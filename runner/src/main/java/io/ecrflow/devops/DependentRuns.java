package io.ecrflow.devops;

import io.ecrflow.pipeline.MarkdownText;
import io.ecrflow.pipeline.Pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Queues the pipelines that build on a platform image once a new version of it is published, as ACR Tasks
 * rebuilds images on a new base: each at the branch and with the template parameters its line gives. A
 * pipeline that cannot be queued is a warning (the image is published either way) unless the user made it
 * fatal; then the others are still queued and the run fails after them.
 */
public final class DependentRuns {
    private final Pipeline pipeline;
    private final Optional<AzureDevOps> devops;

    /** @param devops the job's Azure DevOps, when there are dependents to queue */
    public DependentRuns(Pipeline pipeline, Optional<AzureDevOps> devops) {
        this.pipeline = pipeline;
        this.devops = devops;
    }

    /** Nothing to queue, and no Azure DevOps to queue it in. */
    public static DependentRuns none(Pipeline pipeline) {
        return new DependentRuns(pipeline, Optional.empty());
    }

    /**
     * What queueing came to.
     *
     * @param runs    the runs queued, in the order of the lines
     * @param failure with dependentsFatal, the failure to raise once the run has reported what it did
     */
    public record Outcome(List<QueuedRun> runs, Optional<DevOpsFailure> failure) {
        public Outcome {
            runs = List.copyOf(runs);
        }
    }

    public Outcome queue(Dependents dependents) {
        if (!dependents.any()) {
            return new Outcome(List.of(), Optional.empty());
        }
        AzureDevOps client = devops.orElseThrow(() -> new IllegalStateException("dependents without Azure DevOps"));
        Listing listing = new Listing(client);
        List<QueuedRun> queued = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Dependent dependent : dependents.pipelines()) {
            try {
                int id = dependent.id().isPresent() ? dependent.id().getAsInt()
                        : PipelineNames.resolve(dependent.pipeline(), listing.pipelines(), client.project(), Dependent.INPUT).id();
                QueuedRun run = client.runPipeline(id, dependent.refName(), dependent.parameters());
                pipeline.info("Queued " + run.pipeline() + " (" + dependent.describe() + "), run " + run.name() + ": "
                        + run.web());
                queued.add(run);
            } catch (DevOpsFailure e) {
                failures.add(e.getMessage());
                if (!dependents.fatal()) {
                    pipeline.warning("Dependent pipeline " + dependent.describe() + " was not queued. " + e.getMessage()
                            + " The image was published; set dependentsFatal to fail the run on this.");
                }
            }
        }
        if (!dependents.fatal() || failures.isEmpty()) {
            return new Outcome(queued, Optional.empty());
        }
        return new Outcome(queued, Optional.of(new DevOpsFailure(failures.size() + " of " + dependents.pipelines().size()
                + " dependent pipelines were not queued. " + String.join(" ", failures) + " The image itself was "
                + "published" + (queued.isEmpty() ? "" : " and " + queued.size() + " queued") + "; dependentsFatal makes "
                + "this a failure.", Dependent.INPUT)));
    }

    /** The run summary's table of queued runs; empty without any. */
    public static String summary(List<QueuedRun> runs) {
        if (runs.isEmpty()) {
            return "";
        }
        return "| Dependent pipeline | Run |\n|---|---|\n" + runs.stream()
                .map(run -> "| " + MarkdownText.escaped(run.pipeline()) + " | [" + MarkdownText.escaped(run.name()) + "]("
                        + run.web().toASCIIString().replace("(", "%28").replace(")", "%29") + ") |")
                .collect(Collectors.joining("\n")) + "\n";
    }

    /** The project's pipelines, asked for once, when a line names a pipeline rather than giving its id. */
    private static final class Listing {
        private final AzureDevOps client;
        private List<DefinedPipeline> pipelines;
        private DevOpsFailure failure;

        Listing(AzureDevOps client) {
            this.client = client;
        }

        List<DefinedPipeline> pipelines() {
            if (failure != null) {
                throw failure;
            }
            if (pipelines == null) {
                try {
                    pipelines = client.pipelines();
                } catch (DevOpsFailure e) {
                    failure = e;
                    throw e;
                }
            }
            return pipelines;
        }
    }
}
