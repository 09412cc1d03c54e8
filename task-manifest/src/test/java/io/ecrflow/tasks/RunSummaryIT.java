package io.ecrflow.tasks;

import io.ecrflow.testbed.apps.SampleApp;
import io.ecrflow.testbed.Testbed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each task run leaves its summary as the agent lets a restricted task: a Markdown file in the agent's temp
 * folder (image, digest, tags, size, the repository and its settings) named by the summaryFile output (the agent drops task.uploadsummary from a task in restricted
 * command mode), and the duration of each phase in the log.
 */
class RunSummaryIT {
    private final Testbed testbed = SharedTestbed.get();

    @TempDir
    Path sources;

    @Test
    void aBuildPushLeavesASummaryWithImageDigestTagsSizeRepositoryAndPhasesWithinItsRestrictions() throws Exception {
        SampleApp.create(sources, "summary");
        String repository = "team/summary-" + UUID.randomUUID().toString().substring(0, 8);
        AgentStep push = AgentStep.main("EcrBuildPush", sources).serviceConnection(ServiceConnection.withExampleKeys())
                .input("repository", repository)
                .input("context", "src")
                .input("tags", "$(Build.BuildId)\nlatest")
                .variables(Pipelines.build("71", "main")).variables(SharedTestbed.endpointVariables());

        StepResult step = push.run();

        assertThat(step.exitCode()).as(step.toString()).isZero();
        assertThat(RestrictedMode.violations(step, TaskManifest.named("EcrBuildPush"))).isEmpty();
        assertThat(step.commands("task.uploadsummary")).isEmpty();
        Path summary = Path.of(step.outputs().get("summaryFile"));
        assertThat(summary).startsWith(push.agentTempDirectory());
        assertThat(Files.readString(summary))
                .contains(step.outputs().get("imageUri"), step.outputs().get("digest"), "`71`", "`latest`")
                .contains("| Phase | Took |", "| Login | ", "| Build | ", "| Push | ")
                .contains("| Repository | created: tags mutable, scan on push off, encryption AES256 |")
                .containsPattern("\\| Size \\| \\d+\\.\\d (KiB|MiB) \\(\\d+ bytes, compressed, as the registry stores it\\) \\|");
        assertThat(step.lines()).anyMatch(line -> line.matches("Login took \\d+(\\.\\d)? s\\."))
                .anyMatch(line -> line.matches("Build took .+ s\\."))
                .anyMatch(line -> line.matches("Push took .+ s\\."));
    }

    @Test
    void aLoginLeavesASummaryOfItsOnePhase() throws Exception {
        StepResult step = AgentStep.main("EcrLogin", sources).serviceConnection(ServiceConnection.withExampleKeys())
                .variables(Pipelines.build("72", "main")).variables(SharedTestbed.endpointVariables())
                .run();

        assertThat(step.exitCode()).as(step.toString()).isZero();
        assertThat(RestrictedMode.violations(step, TaskManifest.named("EcrLogin"))).isEmpty();
        assertThat(Files.readString(Path.of(step.outputs().get("summaryFile")))).contains("| Login | ");
    }
}
