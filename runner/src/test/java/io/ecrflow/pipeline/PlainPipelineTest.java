package io.ecrflow.pipeline;

import io.ecrflow.Secret;
import io.ecrflow.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlainPipelineTest {

    private final CapturedStream out = new CapturedStream();
    private final CapturedStream err = new CapturedStream();

    private PlainPipeline pipeline(Map<String, String> env) {
        return new PlainPipeline(Environment.of(env), out.stream, err.stream);
    }

    private final PlainPipeline pipeline = pipeline(Map.of());

    @Test
    void printsOutputsAsNameValueLines() {
        pipeline.setOutput("imageUri", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:42");

        assertThat(out.lines()).containsExactly("imageUri=123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:42");
        assertThat(err.lines()).isEmpty();
    }

    @Test
    void printsExportedVariablesAsAShellHint() {
        pipeline.exportVariable("DOCKER_CONFIG", "/builds/temp/docker-config");
        pipeline.exportVariable("NOTE", "it's done");

        assertThat(out.lines()).containsExactly("export DOCKER_CONFIG=/builds/temp/docker-config", "export NOTE='it'\\''s done'");
    }

    @Test
    void printsInfoOnStdoutAndIssuesOnStderr() {
        pipeline.info("Pushed app:42");
        pipeline.warning("Repository has mutable tags");
        pipeline.error("Repository team/app does not exist");

        assertThat(out.lines()).containsExactly("Pushed app:42");
        assertThat(err.lines()).containsExactly("warning: Repository has mutable tags", "error: Repository team/app does not exist");
    }

    @Test
    void printsProgressOncePerTenPercentStep() {
        for (int percent = 0; percent <= 100; percent += 3) {
            pipeline.progress(percent, "push");
        }
        pipeline.progress(100, "push");

        assertThat(out.lines()).containsExactly(
                "push 0%", "push 12%", "push 21%", "push 30%", "push 42%", "push 51%", "push 60%", "push 72%",
                "push 81%", "push 90%", "push 100%");
    }

    @Test
    void printsProgressAgainWhenTheDescriptionChanges() {
        pipeline.progress(40, "Pushing app:42");
        pipeline.progress(41, "Pushing app:42");
        pipeline.progress(41, "Pushing app:main");

        assertThat(out.lines()).containsExactly("Pushing app:42 40%", "Pushing app:main 41%");
    }

    @Test
    void marksGroupsWithATitleLine() {
        pipeline.beginGroup("Build Dockerfile");
        pipeline.info("Step 1/2");
        pipeline.endGroup();

        assertThat(out.lines()).containsExactly("--- Build Dockerfile", "Step 1/2");
    }

    @Test
    void printsDebugOnlyWhenAskedFor() {
        pipeline.debug("hidden");
        PlainPipeline debugging = pipeline(Map.of("ECRFLOW_DEBUG", "true"));
        debugging.debug("shown");

        assertThat(pipeline.debugEnabled()).isFalse();
        assertThat(err.lines()).containsExactly("debug: shown");
    }

    @Test
    void acceptsTheDebugSwitchesOfAzurePipelinesAndGitHubActions() {
        assertThat(pipeline(Map.of("SYSTEM_DEBUG", "TRUE")).debugEnabled()).isTrue();
        assertThat(pipeline(Map.of("RUNNER_DEBUG", "1")).debugEnabled()).isTrue();
        assertThat(pipeline(Map.of("RUNNER_DEBUG", "0")).debugEnabled()).isFalse();
    }

    @Test
    void reportsTheResultOnTheMatchingStream() {
        pipeline.complete(true, "Pushed 3 tags");
        pipeline.complete(false, "Push refused");

        assertThat(out.lines()).containsExactly("succeeded: Pushed 3 tags");
        assertThat(err.lines()).containsExactly("failed: Push refused");
    }

    @Test
    void masksRegisteredSecretsWithoutPrintingThem() {
        String secret = "eyJwYXlsb2FkIjoi";
        pipeline.registerSecret(Secret.of(secret));

        pipeline.info("token " + secret);
        pipeline.warning("token " + secret);
        pipeline.error("token " + secret);
        pipeline.progress(10, "token " + secret);
        pipeline.beginGroup("token " + secret);
        pipeline.setOutput("leak", secret);
        pipeline.exportVariable("LEAK", secret);
        pipeline.complete(false, "token " + secret);

        assertThat(out.text() + err.text()).doesNotContain(secret);
        assertThat(out.lines()).hasSize(5).allSatisfy(line -> assertThat(line).contains("***"));
        assertThat(err.lines()).hasSize(3).allSatisfy(line -> assertThat(line).contains("***"));
    }

    @Test
    void appendsOutputsToTheGitHubOutputFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("output"), "earlier=1\n");
        PlainPipeline github = pipeline(Map.of("GITHUB_OUTPUT", file.toString()));

        github.setOutput("imageUri", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:42");
        github.setOutput("tags", "42\nmain");

        String content = Files.readString(file);
        assertThat(content).startsWith("earlier=1\nimageUri=123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:42\n");
        assertThat(content).matches("(?s).*\ntags<<(ecrflow_[0-9a-f-]+)\n42\nmain\n\\1\n");
        assertThat(out.lines()).contains("imageUri=123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:42");
    }

    @Test
    void appendsExportedVariablesToTheGitHubEnvFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("env");
        PlainPipeline github = pipeline(Map.of("GITHUB_ENV", file.toString()));

        github.exportVariable("DOCKER_CONFIG", "/runner/temp/docker");

        assertThat(Files.readString(file)).isEqualTo("DOCKER_CONFIG=/runner/temp/docker\n");
    }

    @Test
    void masksSecretsInTheGitHubFilesToo(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("output");
        PlainPipeline github = pipeline(Map.of("GITHUB_OUTPUT", file.toString()));
        github.registerSecret(Secret.of("abc-token-123"));

        github.setOutput("leak", "abc-token-123");

        assertThat(Files.readString(file)).isEqualTo("leak=***\n");
    }

    @Test
    void explainsAnUnwritableGitHubFile(@TempDir Path dir) {
        Map<String, String> env = new HashMap<>();
        env.put("GITHUB_OUTPUT", dir.toString());
        PlainPipeline github = pipeline(env);

        assertThatThrownBy(() -> github.setOutput("registry", "r"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("GITHUB_OUTPUT")
                .hasMessageContaining("'registry'");
    }

    @Test
    void usesTheRunnerTempDirectoryOrTheJavaOne() {
        assertThat(pipeline(Map.of("RUNNER_TEMP", "/runner/temp")).tempDirectory()).isEqualTo(Path.of("/runner/temp"));
        assertThat(pipeline.tempDirectory()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
    }

    @Test
    void relayedOutputCarriesNoWorkflowCommandGitHubWouldRun() {
        pipeline.relay("::add-mask::sha256\n  ::set-output name=digest::sha256:evil\n#5 ##[set-env name=PATH;]/evil\nplain");

        assertThat(out.lines()).containsExactly(":\\:add-mask::sha256", "  :\\:set-output name=digest::sha256:evil",
                "#5 #\\#[set-env name=PATH;]/evil", "plain");
    }

    @Test
    void issuesQuotingForeignTextAreNeutralisedOnEveryLine() {
        pipeline.error("The push failed:\n::error::fake\n##vso[task.complete]");

        assertThat(err.lines()).containsExactly("error: The push failed:", ":\\:error::fake", "#\\#vso[task.complete]");
    }
}
