package io.ecrflow.tasks;

import io.ecrflow.testbed.neighbours.AzureDevOpsFront;
import io.ecrflow.testbed.apps.SampleApp;
import io.ecrflow.testbed.Testbed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tasks' calls to Azure DevOps run as the agent runs the tasks: the agent hands every step the job's access
 * token as the SystemVssConnection endpoint, and the launcher passes it on to the runner, registering it as a
 * secret first, in every step of a task in restricted command mode (which attaches its run summary through REST,
 * the agent refusing it task.uploadsummary), and otherwise only when the step queues dependent pipelines (also
 * from an images file), tags the run or asks for an OIDC token.
 */
class AzureDevOpsTaskIT {
    private final Testbed testbed = SharedTestbed.get();
    private final ServiceConnection connection = ServiceConnection.withExampleKeys();
    // what the agent tells a step about the run's plan, the job's timeline and the step's record in it
    private static final String PLAN_ID = "a2d1e3f4-5b6c-4d7e-8f90-1a2b3c4d5e6f";
    private static final String TIMELINE_ID = "b3e2f4a5-6c7d-4e8f-9a01-2b3c4d5e6f70";
    private static final String TASK_INSTANCE_ID = "c4f3a5b6-7d8e-4f9a-0b12-3c4d5e6f7081";

    @TempDir
    Path sources;

    @Test
    void theJobsTokenReachesTheRunnerRegisteredFirstAndIsShownNowhere() throws Exception {
        String repository = "dependents/task-" + UUID.randomUUID().toString().substring(0, 8);
        writePlatformImage(repository);
        try (AzureDevOpsFront devops = AzureDevOpsFront.start("contoso", "Platform Team")) {
            devops.addPipeline(57, "orders-api", "\\", "refs/heads/develop");

            StepResult queueing = platformImageStep(repository, "971", devops).input("dependents", "orders-api@main env=test")
                    .run();

            assertThat(queueing.exitCode()).as(queueing.toString()).isZero();
            assertThat(devops.runs()).singleElement().satisfies(run -> {
                assertThat(run.pipelineId()).isEqualTo(57);
                assertThat(run.refName()).contains("refs/heads/main");
                assertThat(run.templateParameters()).containsExactly(Map.entry("env", "test"));
            });
            assertThat(devops.requests()).isNotEmpty().allSatisfy(request -> assertThat(request.authorized()).isTrue());
            assertThat(queueing.outputs()).containsEntry("queuedRuns", devops.runs().get(0).webUrl());
            // registered by the launcher before it prints anything else, and shown nowhere
            assertThat(queueing.lines().get(0)).startsWith("##vso[task.setsecret]");
            assertThat(queueing.lines().subList(0, queueing.lines().indexOf("##vso[task.setsecret]" + devops.accessToken())))
                    .allMatch(line -> line.startsWith("##vso[task.setsecret]"));
            assertThat((queueing.stdout() + queueing.stderr()).lines().filter(line -> line.contains(devops.accessToken())))
                    .allMatch(line -> line.equals("##vso[task.setsecret]" + devops.accessToken())).isNotEmpty();

            // the same job, a step without dependents: handed the token too, for its summary, and queues nothing
            StepResult plain = platformImageStep(repository, "972", devops)
                    .variable("SYSTEM_ACCESSTOKEN", devops.accessToken()).run();

            assertThat(plain.exitCode()).as(plain.toString()).isZero();
            assertThat(plain.outputs()).containsEntry("updated", "false").containsEntry("queuedRuns", "");
            assertThat(plain.commands("task.setsecret")).extracting(AgentCommand::message)
                    .contains(connection.secretAccessKey(), devops.accessToken());
            assertThat((plain.stdout() + plain.stderr()).lines().filter(line -> line.contains(devops.accessToken())))
                    .allMatch(line -> line.equals("##vso[task.setsecret]" + devops.accessToken()));
            assertThat(devops.runs()).hasSize(1);
        }
    }

    @Test
    void anImagesFilesDependentsAreQueuedWithTheJobsToken() throws Exception {
        String repository = "dependents/file-" + UUID.randomUUID().toString().substring(0, 8);
        writePlatformImage(repository);
        Files.writeString(sources.resolve("platform-images.yml"), """
                images:
                  - id: runtime
                    repository: %s
                    context: platform
                    versionPrefix: base
                    dependents:
                      - orders-api@main env=test
                """.formatted(repository));
        try (AzureDevOpsFront devops = AzureDevOpsFront.start("contoso", "Platform Team")) {
            devops.addPipeline(58, "orders-api", "\\", "refs/heads/develop");

            StepResult step = platformImageStep(null, "973", devops).input("imagesFile", "platform-images.yml").run();

            assertThat(step.exitCode()).as(step.toString()).isZero();
            assertThat(devops.runs()).singleElement().satisfies(run -> {
                assertThat(run.pipelineId()).isEqualTo(58);
                assertThat(run.templateParameters()).containsExactly(Map.entry("env", "test"));
            });
            assertThat(step.outputs()).containsEntry("runtime_queuedRuns", devops.runs().get(0).webUrl())
                    .containsEntry("updatedImages", "runtime");
            assertThat((step.stdout() + step.stderr()).lines().filter(line -> line.contains(devops.accessToken())))
                    .allMatch(line -> line.equals("##vso[task.setsecret]" + devops.accessToken())).isNotEmpty();
        }
    }

    @Test
    void aBuildPushStepThatTagsTheRunIsHandedTheToken() throws Exception {
        SampleApp.create(sources, "build-tags-task");
        String repository = "dependents/tagged-" + UUID.randomUUID().toString().substring(0, 8);
        try (AzureDevOpsFront devops = AzureDevOpsFront.start("contoso", "Platform Team")) {
            StepResult step = jobStep(AgentStep.main("EcrBuildPush", sources), "974", devops)
                    .input("repository", repository).input("context", "src").input("tags", "$(Build.BuildId)")
                    .input("buildTags", "true").run();

            assertThat(step.exitCode()).as(step.toString()).isZero();
            assertThat(devops.buildTags(974)).hasSize(2).first().isEqualTo("974");
            assertThat(devops.requests()).isNotEmpty().allSatisfy(request -> assertThat(request.authorized()).isTrue());
            assertThat(step.commands("task.setsecret")).extracting(AgentCommand::message).contains(devops.accessToken());
        }
    }

    @Test
    void aRestrictedBuildPushPutsItsSummaryWithTheDigestOnTheRunsPageWithTheJobsToken() throws Exception {
        SampleApp.create(sources, "summary-attached");
        String repository = "summaries/attached-" + UUID.randomUUID().toString().substring(0, 8);
        try (AzureDevOpsFront devops = AzureDevOpsFront.start("contoso", "Platform Team")) {
            StepResult step = jobStep(AgentStep.main("EcrBuildPush", sources), "975", devops)
                    .input("repository", repository).input("context", "src").input("tags", "$(Build.BuildId)").run();

            assertThat(step.exitCode()).as(step.toString()).isZero();
            assertThat(RestrictedMode.violations(step, TaskManifest.named("EcrBuildPush"))).isEmpty();
            assertThat(step.commands("task.uploadsummary")).isEmpty();
            assertThat(devops.attachments()).singleElement().satisfies(attachment -> {
                assertThat(attachment.hub()).isEqualTo("build");
                assertThat(attachment.planId()).isEqualTo(PLAN_ID);
                assertThat(attachment.timelineId()).isEqualTo(TIMELINE_ID);
                assertThat(attachment.recordId()).isEqualTo(TASK_INSTANCE_ID);
                assertThat(attachment.type()).isEqualTo("Distributedtask.Core.Summary");
                assertThat(attachment.name()).isEqualTo("Build and push");
                assertThat(attachment.contentType()).isEqualTo("application/octet-stream");
                assertThat(attachment.text()).contains(step.outputs().get("digest"), step.outputs().get("imageUri"), "`975`")
                        .isEqualTo(Files.readString(Path.of(step.outputs().get("summaryFile"))));
            });
            assertThat(devops.requests()).singleElement().satisfies(request -> assertThat(request.authorized()).isTrue());
            assertThat(step.warnings()).noneMatch(warning -> warning.contains("summary"));
            assertThat(step.lines()).anyMatch(line -> line.startsWith("The run summary is on the run's Extensions tab"));
            assertThat((step.stdout() + step.stderr()).lines().filter(line -> line.contains(devops.accessToken())))
                    .allMatch(line -> line.equals("##vso[task.setsecret]" + devops.accessToken())).isNotEmpty();
        }
    }

    @Test
    void aSummaryAzureDevOpsRefusesIsOneWarningNamingThePermissionAndTheStepSucceeds() throws Exception {
        SampleApp.create(sources, "summary-refused");
        String repository = "summaries/refused-" + UUID.randomUUID().toString().substring(0, 8);
        try (AzureDevOpsFront devops = AzureDevOpsFront.start("contoso", "Platform Team")) {
            devops.denyAttachments();

            StepResult step = jobStep(AgentStep.main("EcrBuildPush", sources), "976", devops)
                    .input("repository", repository).input("context", "src").input("tags", "$(Build.BuildId)").run();

            assertThat(step.exitCode()).as(step.toString()).isZero();
            assertThat(step.outputs()).containsKeys("digest", "summaryFile");
            assertThat(devops.attachments()).isEmpty();
            assertThat(step.warnings()).singleElement().asString()
                    .contains("The run summary is not on the run's Extensions tab", "HTTP 403",
                            "\"Update build information\"", "Platform Team Build Service (contoso)", "summaryFile")
                    .doesNotContain(devops.accessToken());
            assertThat(step.result()).contains("Succeeded");
        }
    }

    /** A platform image on a base the test pushes to the same registry (the test bed reaches no public one). */
    private void writePlatformImage(String repository) throws Exception {
        SampleApp.create(sources, "dependents-task");
        String base = "dependents/task-base";
        if (testbed.manifestDigest(base, "1").isEmpty()) {
            StepResult pushed = AgentStep.main("EcrBuildPush", sources).serviceConnection(connection)
                    .input("repository", base).input("context", "src").input("tags", "1")
                    .variables(Pipelines.build("970", "main")).variables(SharedTestbed.endpointVariables()).run();
            assertThat(pushed.exitCode()).as(pushed.toString()).isZero();
        }
        Path platform = Files.createDirectories(sources.resolve("platform"));
        Files.writeString(platform.resolve("Dockerfile"), """
                FROM %s/%s:1
                RUN ["/bin/busybox", "sh", "-c", "echo %s > /platform.txt"]
                """.formatted(testbed.registryHost(), base, repository));
    }

    /** The step for one platform image, or (repository null) with only the job's settings, for an images file. */
    private AgentStep platformImageStep(String repository, String buildId, AzureDevOpsFront devops) {
        AgentStep step = jobStep(AgentStep.main("EcrPlatformImage", sources), buildId, devops);
        if (repository != null) {
            step = step.input("repository", repository).input("context", "platform").input("versionPrefix", "base");
        }
        return step;
    }

    /** A step of a job in the stand-in's project, with what the agent hands every task step of a job. */
    private AgentStep jobStep(AgentStep step, String buildId, AzureDevOpsFront devops) {
        return step.serviceConnection(connection)
                .variables(Pipelines.build(buildId, "main")).variables(SharedTestbed.endpointVariables())
                .variable("SYSTEM_COLLECTIONURI", devops.collectionUri())
                .variable("SYSTEM_TEAMPROJECT", devops.project())
                .variable("ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN", devops.accessToken())
                .variable("ENDPOINT_AUTH_SCHEME_SYSTEMVSSCONNECTION", "OAuth")
                .variable("ENDPOINT_URL_SYSTEMVSSCONNECTION", devops.collectionUri())
                .variable("SYSTEM_TEAMPROJECTID", devops.projectId())
                .variable("SYSTEM_HOSTTYPE", "build")
                .variable("SYSTEM_PLANID", PLAN_ID)
                .variable("SYSTEM_TIMELINEID", TIMELINE_ID)
                .variable("SYSTEM_TASKINSTANCEID", TASK_INSTANCE_ID)
                .variable("SYSTEM_TASKDISPLAYNAME", "Build and push");
    }
}
