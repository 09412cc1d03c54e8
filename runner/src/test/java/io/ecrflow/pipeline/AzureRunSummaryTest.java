package io.ecrflow.pipeline;

import io.ecrflow.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run summary in Azure Pipelines: one Markdown file per step in the agent's temp folder, shown in the
 * log, uploaded with task.uploadsummary where the agent allows it, and handed on as the summaryFile output
 * where the task runs in restricted command mode (which drops task.uploadsummary).
 */
class AzureRunSummaryTest {
    private final CapturedStream out = new CapturedStream();

    @TempDir
    Path agentTemp;

    private AzurePipeline pipeline(String commandMode) {
        Map<String, String> env = new HashMap<>(Map.of("AGENT_TEMPDIRECTORY", agentTemp.toString()));
        if (commandMode != null) {
            env.put(AzurePipeline.COMMAND_MODE, commandMode);
        }
        return new AzurePipeline(Environment.of(env), out.stream);
    }

    @Test
    void inRestrictedModeTheSummaryFileIsAnOutputAndNoUploadIsAttempted() throws Exception {
        AzurePipeline pipeline = pipeline("restricted");
        pipeline.summary("### ecrflow: app\n\n| Digest | `sha256:abc` |");
        pipeline.phaseFinished("Login", Duration.ofMillis(420));
        pipeline.phaseFinished("Build", Duration.ofSeconds(75));

        pipeline.complete(true, "");

        Path file = Path.of(outputs().get("summaryFile"));
        assertThat(file.getParent()).isEqualTo(agentTemp);
        assertThat(Files.readString(file)).isEqualTo("### ecrflow: app\n\n| Digest | `sha256:abc` |\n\n"
                + "| Phase | Took |\n|---|---|\n| Login | 0.4 s |\n| Build | 1 min 15 s |\n");
        assertThat(commands()).doesNotContain("task.uploadsummary").endsWith("task.complete");
        assertThat(out.lines()).contains("Login took 0.4 s.", "Build took 1 min 15 s.", "##[group]Summary", "| Login | 0.4 s |");
    }

    @Test
    void inRestrictedModeTheSummaryIsAttachedThroughRestAndStaysAnOutput() throws Exception {
        AzurePipeline pipeline = pipeline("restricted");
        List<String> attached = new java.util.ArrayList<>();
        pipeline.attachSummariesWith(markdown -> {
            attached.add(markdown);
            return java.util.Optional.empty();
        });
        pipeline.summary("### ecrflow: app");

        pipeline.complete(true, "");

        assertThat(attached).containsExactly("### ecrflow: app\n\n");
        assertThat(Files.readString(Path.of(outputs().get("summaryFile")))).isEqualTo("### ecrflow: app\n\n");
        assertThat(commands()).containsExactly("task.setvariable", "task.complete");
        assertThat(out.lines()).anyMatch(line -> line.startsWith("The run summary is on the run's Extensions tab"));
    }

    @Test
    void anAttachmentAzureDevOpsRefusesIsOneWarningAndTheStepStillSucceeds() throws Exception {
        AzurePipeline pipeline = pipeline("restricted");
        pipeline.attachSummariesWith(markdown -> java.util.Optional.of("Azure DevOps refused (HTTP 403)."));
        pipeline.summary("### ecrflow: app");

        pipeline.complete(true, "");

        assertThat(commands()).containsExactly("task.setvariable", "task.logissue", "task.complete");
        assertThat(out.lines()).filteredOn(line -> line.startsWith("##vso[task.logissue")).singleElement().asString()
                .contains("type=warning", "not on the run's Extensions tab", "HTTP 403", "summaryFile");
        assertThat(out.lines()).anyMatch(line -> line.startsWith("##vso[task.complete result=Succeeded"));
    }

    @Test
    void withoutRestrictionsTheSummaryIsUploadedBeforeTheStepCompletes() throws Exception {
        AzurePipeline pipeline = pipeline(null);
        pipeline.summary("### ecrflow: app");

        pipeline.complete(false, "push failed");

        List<String> uploads = out.lines().stream().filter(line -> line.startsWith("##vso[task.uploadsummary]")).toList();
        assertThat(uploads).singleElement().satisfies(line ->
                assertThat(Files.readString(Path.of(line.substring("##vso[task.uploadsummary]".length())))).isEqualTo("### ecrflow: app\n\n"));
        assertThat(outputs()).doesNotContainKey("summaryFile");
        assertThat(commands()).endsWith("task.uploadsummary", "task.complete");
    }

    @Test
    void aPhaseThatRunsTwiceIsListedOnceWithBothDurations() throws Exception {
        AzurePipeline pipeline = pipeline("restricted");
        pipeline.phaseFinished("Build", Duration.ofSeconds(3));
        pipeline.phaseFinished("Build", Duration.ofSeconds(4));

        pipeline.complete(true, "");

        assertThat(Files.readString(Path.of(outputs().get("summaryFile")))).contains("| Build | 7.0 s |").containsOnlyOnce("Build");
    }

    @Test
    void aSecretNeverReachesTheSummaryFile() throws Exception {
        AzurePipeline pipeline = pipeline("restricted");
        pipeline.registerSecret(Secret.of("hunter2-registry-password"));
        pipeline.summary("Password: hunter2-registry-password");

        pipeline.complete(true, "");

        assertThat(Files.readString(Path.of(outputs().get("summaryFile")))).doesNotContain("hunter2").contains("***");
    }

    @Test
    void aStepWithNothingToSummariseWritesNoFile() throws Exception {
        pipeline("restricted").complete(true, "");

        try (var files = Files.list(agentTemp)) {
            assertThat(files).isEmpty();
        }
        assertThat(commands()).containsExactly("task.complete");
    }

    private List<String> commands() {
        return out.lines().stream().filter(line -> line.startsWith("##vso["))
                .map(line -> line.substring(6, line.indexOf(line.contains(" ") && line.indexOf(' ') < line.indexOf(']') ? ' ' : ']')))
                .toList();
    }

    private Map<String, String> outputs() {
        Map<String, String> outputs = new HashMap<>();
        out.lines().stream().filter(line -> line.startsWith("##vso[task.setvariable variable=") && line.contains("isOutput=true"))
                .forEach(line -> outputs.put(line.substring(line.indexOf('=') + 1, line.indexOf(';')), line.substring(line.indexOf(']') + 1)));
        return outputs;
    }
}
