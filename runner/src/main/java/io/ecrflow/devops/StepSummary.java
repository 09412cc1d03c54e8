package io.ecrflow.devops;

import io.ecrflow.UserError;
import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.SummaryAttachment;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Attaches the run summary to the current step through the Task Attachments REST API with the job's access token,
 * as a {@code Distributedtask.Core.Summary} attachment, which the run's Extensions tab shows under its name: what
 * {@code ##vso[task.addattachment]} would do if the agent let a restricted task use it.
 */
public final class StepSummary implements SummaryAttachment {
    static final String TYPE = "Distributedtask.Core.Summary";
    private static final String FEATURE = "Attaching the run summary";
    private static final String OUTPUT = "summaryFile";

    private final AzureDevOps devops;
    private final StepRecord step;
    private final String name;

    StepSummary(AzureDevOps devops, StepRecord step, String name) {
        this.devops = devops;
        this.step = step;
        this.name = name;
    }

    /**
     * Empty where there is no step record to attach to, no job's access token, or a collection the token may not be
     * sent to (plain HTTP): the summary then goes where it went before.
     *
     * @param notes where a retry is told
     */
    public static Optional<SummaryAttachment> of(Environment env, Consumer<String> notes) {
        Optional<StepRecord> step = StepRecord.of(env);
        if (step.isEmpty() || env.jobAccessToken().isEmpty()) {
            return Optional.empty();
        }
        DevOpsConnection connection;
        try {
            connection = DevOpsConnection.from(env, FEATURE, OUTPUT);
        } catch (UserError notHere) {
            return Optional.empty();
        }
        // the tab's title: the step's display name, as the user named the step
        String name = env.variable("System.TaskDisplayName").map(String::strip).filter(title -> !title.isEmpty())
                .orElse("ecrflow");
        return Optional.of(new StepSummary(new RestAzureDevOps(connection, OUTPUT, notes), step.get(), name));
    }

    @Override
    public Optional<String> attach(String markdown) {
        try {
            devops.attach(step, TYPE, name, markdown.getBytes(StandardCharsets.UTF_8));
            return Optional.empty();
        } catch (UserError e) { // Azure DevOps refused it, or its certificate is not trusted
            return Optional.of(e.getMessage());
        }
    }
}
