package io.ecrflow.devops;

import io.ecrflow.pipeline.Environment;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StepRecordTest {
    private static final String PROJECT = "6b0c3c2e-1111-4a4a-9c9c-000000000001";
    private static final String PLAN = "6b0c3c2e-2222-4a4a-9c9c-000000000002";
    private static final String TIMELINE = "6b0c3c2e-3333-4a4a-9c9c-000000000003";
    private static final String TASK = "6b0c3c2e-4444-4a4a-9c9c-000000000004";

    private static Map<String, String> agentStep() {
        return new HashMap<>(Map.of("SYSTEM_TEAMPROJECTID", PROJECT, "SYSTEM_PLANID", PLAN, "SYSTEM_TIMELINEID", TIMELINE,
                "SYSTEM_TASKINSTANCEID", TASK, "SYSTEM_HOSTTYPE", "build"));
    }

    @Test
    void theSummaryIsPutOnTheStepsTimelineRecordInTheProjectById() {
        StepRecord step = StepRecord.of(Environment.of(agentStep())).orElseThrow();
        DevOpsConnection connection = DevOpsConnection.from(Environment.of(Map.of("SYSTEM_COLLECTIONURI",
                "https://dev.azure.com/contoso/", "SYSTEM_TEAMPROJECT", "Platform Team", "SYSTEM_ACCESSTOKEN", "t")), "x", "y");

        assertThat(connection.api(step.projectId(), step.path() + "/attachments/" + DevOpsConnection.encoded(StepSummary.TYPE)
                + "/" + DevOpsConnection.encoded("Build and push"), "api-version=7.1"))
                .isEqualTo(URI.create("https://dev.azure.com/contoso/" + PROJECT + "/_apis/distributedtask/hubs/build/plans/"
                        + PLAN + "/timelines/" + TIMELINE + "/records/" + TASK
                        + "/attachments/Distributedtask.Core.Summary/Build%20and%20push?api-version=7.1"));
    }

    @Test
    void aStepWithoutItsRecordIdsHasNoRecordToAttachTo() {
        Map<String, String> env = agentStep();
        env.remove("SYSTEM_TASKINSTANCEID");
        assertThat(StepRecord.of(Environment.of(env))).isEmpty();

        env = agentStep();
        env.put("SYSTEM_PLANID", "../../other");
        assertThat(StepRecord.of(Environment.of(env))).isEmpty();
    }

    @Test
    void aReleaseStepAttachesInTheReleaseHub() {
        Map<String, String> env = agentStep();
        env.put("SYSTEM_HOSTTYPE", "release");
        assertThat(StepRecord.of(Environment.of(env)).orElseThrow().hub()).isEqualTo("release");
        env.remove("SYSTEM_HOSTTYPE");
        assertThat(StepRecord.of(Environment.of(env)).orElseThrow().hub()).isEqualTo("build");
    }
}
