package io.ecrflow.tasks;

import io.ecrflow.testbed.aws.ControlPlaneCall;
import io.ecrflow.testbed.Testbed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** EcrLogin@1 and its post-job step, run as the agent runs them, against the ECR test server. */
class EcrLoginTaskIT {
    private static final String DOCKER_CONFIG_TASK_VARIABLE = "ecrflowDockerConfig";
    private final Testbed testbed = SharedTestbed.get();

    @TempDir
    Path sources;

    @Test
    void logsLaterStepsInAndItsPostJobStepRemovesTheLoginAgain() throws Exception {
        ServiceConnection connection = ServiceConnection.withExampleKeys();
        AgentStep login = AgentStep.main("EcrLogin", sources).serviceConnection(connection)
                .variables(Pipelines.build("21", "main")).variables(SharedTestbed.endpointVariables());

        StepResult step = login.run();

        assertThat(step.exitCode()).as(step.toString()).isZero();
        assertThat(step.result()).contains("Succeeded");
        assertThat(step.lines().get(0)).isEqualTo("##vso[task.setsecret]" + connection.secretAccessKey());
        assertThat(step.outputs()).containsOnlyKeys(TaskManifest.named("EcrLogin").outputVariables())
                .containsEntry("registry", testbed.registryHost());
        Path dockerConfig = Path.of(step.outputs().get("dockerConfig"));
        assertThat(dockerConfig).startsWith(login.agentTempDirectory());
        assertThat(step.jobVariables()).containsEntry("DOCKER_CONFIG", dockerConfig.toString());
        assertThat(step.taskVariables()).containsEntry(DOCKER_CONFIG_TASK_VARIABLE, dockerConfig.toString());
        assertThat(Files.readString(dockerConfig.resolve("config.json"))).contains(testbed.registryHost());

        // the agent hands a task's own task variables to its post-job step as VSTS_TASKVARIABLE_<NAME>
        StepResult post = AgentStep.postJob("EcrLogin", sources).serviceConnection(connection)
                .variable("VSTS_TASKVARIABLE_ECRFLOWDOCKERCONFIG", step.taskVariables().get(DOCKER_CONFIG_TASK_VARIABLE))
                .variable("DOCKER_CONFIG", dockerConfig.toString())
                .run();

        assertThat(post.exitCode()).as(post.toString()).isZero();
        assertThat(post.errors()).isEmpty();
        assertThat(dockerConfig).doesNotExist();
    }

    @Test
    void thePostJobStepAfterALoginThatNeverRanNeedsNeitherJavaNorAws(@TempDir Path emptyPath) throws Exception {
        StepResult post = AgentStep.postJob("EcrLogin", sources)
                .serviceConnection(ServiceConnection.withExampleKeys())
                .variable("PATH", emptyPath.toString())
                .withoutVariable("JAVA_HOME_17_X64")
                .run();

        assertThat(post.exitCode()).as(post.toString()).isZero();
        assertThat(post.errors()).isEmpty();
        assertThat(post.stdout()).contains("Nothing to clean up");
    }

    @Test
    void thePostJobStepWarnsAboutAFolderItDidNotWriteAndLeavesItAndTheJobAlone() throws Exception {
        Path foreign = Files.createDirectories(sources.resolve("team-docker-config"));
        Files.writeString(foreign.resolve("config.json"), "{}");

        StepResult post = AgentStep.postJob("EcrLogin", sources)
                .variable("VSTS_TASKVARIABLE_ECRFLOWDOCKERCONFIG", foreign.toString())
                .run();

        assertThat(post.exitCode()).as(post.toString()).isZero();
        assertThat(post.errors()).isEmpty();
        assertThat(post.result()).contains("Succeeded");
        assertThat(post.commands("task.logissue")).singleElement()
                .satisfies(issue -> assertThat(issue.property("type")).isEqualTo("warning"))
                .satisfies(issue -> assertThat(issue.message()).startsWith("Left " + foreign + " in place"));
        assertThat(foreign.resolve("config.json")).exists();
    }

    @Test
    void withoutAServiceConnectionUsesTheAgentsOwnAwsCredentials() throws Exception {
        int callsBefore = testbed.calls().size();

        StepResult step = AgentStep.main("EcrLogin", sources)
                .variables(Pipelines.build("22", "main")).variables(SharedTestbed.endpointVariables())
                .variable("AWS_ACCESS_KEY_ID", ServiceConnection.EXAMPLE_ACCESS_KEY_ID)
                .variable("AWS_SECRET_ACCESS_KEY", ServiceConnection.EXAMPLE_SECRET_ACCESS_KEY)
                .run();

        assertThat(step.exitCode()).as(step.toString()).isZero();
        assertThat(step.stdout()).contains("No AWS service connection chosen (input 'awsConnection', or the AWS Toolkit's 'awsCredentials')");
        assertThat(step.outputs()).containsEntry("registry", testbed.registryHost());
        List<ControlPlaneCall> calls = testbed.calls().subList(callsBefore, testbed.calls().size());
        assertThat(calls).isNotEmpty().allSatisfy(call -> assertThat(call.accessKeyId()).contains(ServiceConnection.EXAMPLE_ACCESS_KEY_ID));
    }

    @Test
    void temporaryKeysOfAServiceConnectionCarryTheirSessionToken() throws Exception {
        ServiceConnection connection = ServiceConnection.withTemporaryKeys(SharedTestbed.TEMPORARY_ACCESS_KEY_ID,
                SharedTestbed.TEMPORARY_SECRET_ACCESS_KEY, SharedTestbed.SESSION_TOKEN);

        StepResult step = AgentStep.main("EcrLogin", sources).serviceConnection(connection)
                .variables(Pipelines.build("23", "main")).variables(SharedTestbed.endpointVariables())
                // a token left on the agent machine must not travel with the connection's keys
                .variable("AWS_SESSION_TOKEN", "stale-token-of-the-agent-machine")
                .run();

        assertThat(step.exitCode()).as(step.toString()).isZero();
        assertThat(step.lines().subList(0, 2)).containsExactly("##vso[task.setsecret]" + SharedTestbed.TEMPORARY_SECRET_ACCESS_KEY,
                "##vso[task.setsecret]" + SharedTestbed.SESSION_TOKEN);
        assertThat(step.outputs()).containsEntry("registry", testbed.registryHost());
    }
}
