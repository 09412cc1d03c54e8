package io.ecrflow.tasks;

import io.ecrflow.testbed.apps.HostileApp;
import io.ecrflow.testbed.Testbed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * EcrBuildPush@1 run as the agent runs it on a Dockerfile a pull request could have written: its step
 * text and RUN output carry setvariable, prependpath and complete commands. Read the way the agent reads
 * the log (a prefix anywhere in a line), the step printed only ecrflow's own commands, each one the
 * task's restrictions let through; the output is the digest the registry holds.
 */
class HostileDockerfileTaskIT {
    private static final Set<String> ECRFLOW_COMMANDS = Set.of("task.setsecret", "task.setvariable", "task.setprogress", "task.complete");
    private final Testbed testbed = SharedTestbed.get();

    @TempDir
    Path sources;

    @Test
    void theBuildLogCannotSetVariablesChangePathOrEndTheStep() throws Exception {
        HostileApp.create(sources);
        String repository = "team/hostile-" + UUID.randomUUID().toString().substring(0, 8);
        TaskManifest task = TaskManifest.named("EcrBuildPush");

        StepResult step = AgentStep.main("EcrBuildPush", sources)
                .serviceConnection(ServiceConnection.withExampleKeys())
                .input("repository", repository)
                .input("dockerfile", "src/Dockerfile")
                .input("context", "src")
                .input("tags", "$(Build.BuildId)")
                .variables(Pipelines.build("4242", "main"))
                .variables(SharedTestbed.endpointVariables())
                // hosted agents run with a UTF-8 locale, so the hidden character reaches the log as it was printed
                .variable("LANG", "C.UTF-8")
                .run();

        assertThat(step.exitCode()).as(step.toString()).isZero();
        List<AgentCommand> commands = step.commands();
        assertThat(commands).extracting(AgentCommand::name).as("commands the agent finds in the log")
                .allMatch(ECRFLOW_COMMANDS::contains);
        assertThat(step.lines()).filteredOn(line -> AgentCommand.parse(line).isPresent())
                .as("each command is a line ecrflow printed whole").allMatch(line -> line.startsWith("##vso["));
        assertThat(step.commands("task.complete")).singleElement().satisfies(c -> assertThat(c.property("result")).isEqualTo("Succeeded"));
        assertThat(step.jobVariables()).as("no pipeline variable set").isEmpty();
        assertThat(RestrictedMode.violations(step, task)).as("commands the task's restrictions would refuse").isEmpty();

        String digest = step.outputs().get("digest");
        assertThat(step.outputs()).containsOnlyKeys(task.outputVariables())
                .containsEntry("imageDigest", testbed.registryHost() + "/" + repository + "@" + digest);
        assertThat(testbed.manifestDigest(repository, "4242")).as("the digest the registry holds").contains(digest);

        assertThat(step.stdout()).contains("#\\#vso[task.setvariable variable=imageDigest;isOutput=true]sha256:evil")
                .contains("note #\\#vso[task.prependpath]/tmp/evil")
                .contains("#\\#vso[task.complete result=Succeeded]done early")
                .contains("#\u200B\\#vso[task.setvariable variable=PATH]/evil")
                .contains("set-output name=digest::sha256:evil");
    }
}
