package io.ecrflow.devops;

import io.ecrflow.pipeline.Environment;

import java.util.Optional;

/**
 * The current step's record in its run's timeline, where the step's attachments go: the agent hands every step
 * the project's id ({@code System.TeamProjectId}), the hub ({@code System.HostType}: build, release...), the plan
 * ({@code System.PlanId}), the job's timeline ({@code System.TimelineId}) and, as {@code System.TaskInstanceId}, the
 * step's id, which is its timeline record's id (azure-pipelines-agent, TaskRunner.cs).
 */
public record StepRecord(String projectId, String hub, String planId, String timelineId, String recordId) {

    /** Empty outside an agent's task step, or where one of the ids is missing. */
    public static Optional<StepRecord> of(Environment env) {
        Optional<String> projectId = id(env, "System.TeamProjectId");
        Optional<String> planId = id(env, "System.PlanId");
        Optional<String> timelineId = id(env, "System.TimelineId");
        Optional<String> recordId = id(env, "System.TaskInstanceId");
        if (projectId.isEmpty() || planId.isEmpty() || timelineId.isEmpty() || recordId.isEmpty()) {
            return Optional.empty();
        }
        String hub = env.variable("System.HostType").map(String::trim).filter(type -> type.matches("[A-Za-z]+"))
                .orElse("build");
        return Optional.of(new StepRecord(projectId.get(), hub, planId.get(), timelineId.get(), recordId.get()));
    }

    /** {@code distributedtask/hubs/{hub}/plans/{plan}/timelines/{timeline}/records/{record}}, under the project. */
    String path() {
        return "distributedtask/hubs/" + hub + "/plans/" + planId + "/timelines/" + timelineId + "/records/" + recordId;
    }

    /** The ids are GUIDs; anything else would not name a record (and must not change the request's path). */
    private static Optional<String> id(Environment env, String variable) {
        return env.variable(variable).map(String::trim).filter(value -> value.matches("[0-9A-Fa-f-]{1,64}"));
    }
}
