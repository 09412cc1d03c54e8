package io.ecrflow.devops;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The Azure DevOps REST calls of the runner, in the job's project and with the job's access token. */
public interface AzureDevOps {
    /** The job's project, as messages name it. */
    String project();

    /** Every pipeline of the project, all pages. */
    List<DefinedPipeline> pipelines();

    /**
     * Queues a run of a pipeline.
     *
     * @param refName the branch ({@code refs/heads/main}); empty for the pipeline's default branch
     */
    QueuedRun runPipeline(int pipelineId, Optional<String> refName, Map<String, String> templateParameters);

    /** Adds a tag to a run of the project (a build). */
    void addBuildTag(String buildId, String tag);

    /**
     * Attaches a file to a step's timeline record, as the agent's {@code task.addattachment} does; a
     * {@code Distributedtask.Core.Summary} attachment is shown on the run's Extensions tab under its name.
     */
    void attach(StepRecord step, String type, String name, byte[] content);
}
