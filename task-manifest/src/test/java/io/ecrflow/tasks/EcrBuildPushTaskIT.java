package io.ecrflow.tasks;

import io.ecrflow.testbed.aws.ControlPlaneCall;
import io.ecrflow.testbed.ecr.RepositoryState;
import io.ecrflow.testbed.apps.SampleApp;
import io.ecrflow.testbed.Testbed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** EcrBuildPush@1 run as the agent runs it, against a real Docker Engine, a real registry and the ECR test server. */
class EcrBuildPushTaskIT {
    private final Testbed testbed = SharedTestbed.get();

    @TempDir
    Path sources;

    @Test
    void pushesEveryTagThroughTheServiceConnectionIntoANewRepository() throws Exception {
        // seed 000 (three tags from build id, branch and short commit) and seed 001 (repository created when missing)
        SampleApp.create(sources, "seed-000");
        String repository = uniqueRepository("team/web");
        ServiceConnection connection = ServiceConnection.withExampleKeys();
        int callsBefore = testbed.calls().size();

        StepResult step = AgentStep.main("EcrBuildPush", sources)
                .serviceConnection(connection)
                .input("repository", repository)
                .input("dockerfile", "src/Dockerfile")
                .input("context", "src")
                .input("tags", "$(Build.BuildId)\n$(Build.SourceBranchName)\n$(Build.SourceVersion:8)")
                .input("tagMutability", "IMMUTABLE")
                .input("scanOnPush", "true")
                .variables(Pipelines.build("4711", "main"))
                .variables(SharedTestbed.endpointVariables())
                // keys the agent machine happens to have: the chosen connection must win over them
                .variable("AWS_ACCESS_KEY_ID", "AKIAAGENTMACHINEKEY0")
                .variable("AWS_SECRET_ACCESS_KEY", "agent-machine-secret")
                .variable("AWS_SESSION_TOKEN", "agent-machine-session-token")
                .run();

        assertThat(step.exitCode()).as(step.toString()).isZero();
        assertThat(step.result()).contains("Succeeded");
        assertThat(step.errors()).isEmpty();

        String registry = testbed.registryHost();
        String digest = step.outputs().get("digest");
        assertThat(step.outputs()).as("every declared output variable, and no other")
                .containsOnlyKeys(TaskManifest.named("EcrBuildPush").outputVariables())
                .containsEntry("registry", registry)
                .containsEntry("imageUri", registry + "/" + repository + ":4711")
                // in the order they were published: the branch, a tag that moves, last
                .containsEntry("tags", "4711,0a1b2c3d,main")
                .containsEntry("imageDigest", registry + "/" + repository + "@" + digest);
        assertThat(digest).matches("sha256:[0-9a-f]{64}");

        assertThat(testbed.tagsOf(repository)).containsExactlyInAnyOrder("4711", "main", "0a1b2c3d");
        for (String tag : List.of("4711", "main", "0a1b2c3d")) {
            assertThat(testbed.manifestDigest(repository, tag)).as("tag %s", tag).contains(digest);
        }
        RepositoryState created = testbed.repository(repository).orElseThrow();
        assertThat(created.immutable()).isTrue();
        assertThat(created.scanOnPush()).isTrue();

        List<ControlPlaneCall> calls = testbed.calls().subList(callsBefore, testbed.calls().size());
        assertThat(calls).isNotEmpty().allSatisfy(call ->
                assertThat(call.accessKeyId()).as("signed with the service connection's key").contains(connection.accessKeyId()));
    }

    @Test
    void registersTheSecretKeyBeforePrintingAnythingAndNeverShowsIt() throws Exception {
        SampleApp.create(sources, "secrets");
        String repository = uniqueRepository("team/secrets");
        ServiceConnection connection = ServiceConnection.withExampleKeys();

        StepResult step = AgentStep.main("EcrBuildPush", sources)
                .serviceConnection(connection)
                .input("repository", repository)
                .input("context", "src")
                .input("tags", "latest")
                .variables(Pipelines.build("12", "main"))
                .variables(SharedTestbed.endpointVariables())
                .run();

        assertThat(step.exitCode()).as(step.toString()).isZero();
        assertThat(step.lines().get(0)).isEqualTo("##vso[task.setsecret]" + connection.secretAccessKey());
        assertThat(step.lines()).filteredOn(line -> line.contains(connection.secretAccessKey()))
                .allMatch(line -> line.startsWith("##vso[task.setsecret]"));
        assertThat(step.stderr()).doesNotContain(connection.secretAccessKey());
        // every registry password is registered before the registry login uses it
        List<AgentCommand> secrets = step.commands("task.setsecret");
        assertThat(secrets).hasSizeGreaterThan(1);
        assertThat(testbed.tagsOf(repository)).containsExactly("latest");
    }

    @Test
    void aWrongInputFailsTheStepWithAMessageNamingTheInput() throws Exception {
        SampleApp.create(sources, "wrong-input");
        String repository = uniqueRepository("team/wrong");

        StepResult step = AgentStep.main("EcrBuildPush", sources)
                .serviceConnection(ServiceConnection.withExampleKeys())
                .input("repository", repository)
                .input("context", "src")
                .input("scanOnPush", "maybe")
                .variables(Pipelines.build("13", "main"))
                .variables(SharedTestbed.endpointVariables())
                .run();

        assertThat(step.exitCode()).isNotZero();
        assertThat(step.result()).contains("Failed");
        assertThat(step.errors()).singleElement().asString().contains("'scanOnPush'").contains("maybe").contains("true or false");
        assertThat(testbed.repository(repository)).as("nothing is created for a run that stops at its inputs").isEmpty();
    }

    private static String uniqueRepository(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
