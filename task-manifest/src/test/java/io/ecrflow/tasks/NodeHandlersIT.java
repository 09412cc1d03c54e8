package io.ecrflow.tasks;

import io.ecrflow.testbed.apps.SampleApp;
import io.ecrflow.testbed.Testbed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every task on every Node handler it declares, on that handler's Node major: the other task tests run
 * on the newest (Node24, as a current agent does); these run the fallback too, as an agent that lacks
 * Node 24 would. Each step goes through the launcher into the runner and back.
 */
class NodeHandlersIT {
    private final Testbed testbed = SharedTestbed.get();

    @TempDir
    Path sources;

    static Stream<Arguments> everyTaskOnEveryHandler() {
        return TaskManifest.all().stream().flatMap(task -> task.nodeHandlers("execution").stream()
                .map(handler -> Arguments.of(task.name(), handler)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("everyTaskOnEveryHandler")
    void theRunnerAnswersThroughTheLauncherOnTheHandlersNode(String task, NodeHandler handler) throws Exception {
        // a connection that did not reach the step (or a required input left empty before it): the runner says
        // what to fix, naming the input
        StepResult step = AgentStep.main(task, sources).onHandler(handler)
                .input("awsConnection", UUID.randomUUID().toString())
                .run();

        assertThat(step.exitCode()).as(step.toString()).isNotZero();
        assertThat(step.stdout()).as("the launcher started Java").contains("Using Java ");
        assertThat(step.errors()).as("the runner's one error").singleElement().asString().containsIgnoringCase("input '");
        assertThat(step.result()).contains("Failed");
    }

    @Test
    void onTheNode20FallbackALoginAndItsPostJobStepRunAsOnNode24() throws Exception {
        NodeHandler fallback = NodeHandler.named("Node20_1");
        ServiceConnection connection = ServiceConnection.withExampleKeys();

        StepResult login = AgentStep.main("EcrLogin", sources).onHandler(fallback).serviceConnection(connection)
                .variables(Pipelines.build("81", "main")).variables(SharedTestbed.endpointVariables())
                .run();

        assertThat(login.exitCode()).as(login.toString()).isZero();
        assertThat(login.outputs()).containsEntry("registry", testbed.registryHost());
        StepResult post = AgentStep.postJob("EcrLogin", sources).onHandler(fallback)
                .variable("VSTS_TASKVARIABLE_ECRFLOWDOCKERCONFIG", login.taskVariables().get("ecrflowDockerConfig"))
                .run();
        assertThat(post.exitCode()).as(post.toString()).isZero();
        assertThat(Path.of(login.outputs().get("dockerConfig"))).doesNotExist();
    }

    @Test
    void onTheNode20FallbackABuildPushPublishes() throws Exception {
        SampleApp.create(sources, "node20");
        String repository = "team/node20-" + UUID.randomUUID().toString().substring(0, 8);

        StepResult step = AgentStep.main("EcrBuildPush", sources).onHandler(NodeHandler.named("Node20_1"))
                .serviceConnection(ServiceConnection.withExampleKeys())
                .input("repository", repository)
                .input("context", "src")
                .input("tags", "$(Build.BuildId)")
                .variables(Pipelines.build("82", "main")).variables(SharedTestbed.endpointVariables())
                .run();

        assertThat(step.exitCode()).as(step.toString()).isZero();
        assertThat(testbed.tagsOf(repository)).containsExactly("82");
    }
}
