package io.ecrflow.pipeline;

import io.ecrflow.Secret;
import io.ecrflow.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
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
    void circleCiGetsOutputsAndExportsInBashEnvForTheNextRunStep(@TempDir Path dir) throws Exception {
        Path bashEnv = Files.writeString(dir.resolve("bash-env"), "export EARLIER=1\n");
        PlainPipeline circleCi = PlainPipeline.circleCi(Environment.of(Map.of("BASH_ENV", bashEnv.toString())),
                out.stream, err.stream);

        circleCi.exportVariable("DOCKER_CONFIG", "/home/circleci/docker config");
        circleCi.setOutput("imageUri", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:42");

        assertThat(Files.readAllLines(bashEnv)).containsExactly("export EARLIER=1",
                "export DOCKER_CONFIG='/home/circleci/docker config'",
                "export ECRFLOW_IMAGE_URI=123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:42");
        assertThat(out.lines()).containsExactly("export DOCKER_CONFIG='/home/circleci/docker config'",
                "imageUri=123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:42");
    }

    @Test
    void codeBuildWritesTheEnvFileItIsToldOf(@TempDir Path dir) throws Exception {
        Path envFile = dir.resolve("ecrflow.env");
        PlainPipeline codeBuild = PlainPipeline.codeBuild(Environment.of(Map.of("ECRFLOW_ENV_FILE", envFile.toString())),
                out.stream, err.stream);

        codeBuild.setOutput("tags", "42,main");

        assertThat(Files.readAllLines(envFile)).containsExactly("export ECRFLOW_TAGS=42,main");
        assertThat(out.lines()).containsExactly("tags=42,main");
    }

    @Test
    void codeBuildWithoutAnEnvFileSaysOnceWhereTheVariablesAre() throws Exception {
        PlainPipeline codeBuild = PlainPipeline.codeBuild(Environment.of(Map.of()), out.stream, err.stream);
        Path expected = Path.of(System.getProperty("java.io.tmpdir"), "ecrflow.env");
        Files.deleteIfExists(expected);
        try {
            codeBuild.exportVariable("DOCKER_CONFIG", "/codebuild/docker");
            codeBuild.setOutput("registry", "r");

            assertThat(Files.readAllLines(expected)).containsExactly("export DOCKER_CONFIG=/codebuild/docker",
                    "export ECRFLOW_REGISTRY=r");
            assertThat(out.lines()).filteredOn(line -> line.contains(expected.toString())).singleElement().asString()
                    .contains(". " + expected).contains("ECRFLOW_ENV_FILE");
        } finally {
            Files.deleteIfExists(expected);
        }
    }

    @Test
    void aPlainRunWritesNoEnvFileUnlessOneIsNamed(@TempDir Path dir) throws Exception {
        Path bashEnv = Files.createFile(dir.resolve("bashrc"));
        Path envFile = dir.resolve("env");
        pipeline(Map.of("BASH_ENV", bashEnv.toString())).exportVariable("DOCKER_CONFIG", "/d");
        pipeline(Map.of("ECRFLOW_ENV_FILE", envFile.toString())).exportVariable("DOCKER_CONFIG", "/d");

        assertThat(Files.readString(bashEnv)).as("a terminal's BASH_ENV is the user's own").isEmpty();
        assertThat(Files.readAllLines(envFile)).containsExactly("export DOCKER_CONFIG=/d");
    }

    @Test
    void masksSecretsInTheEnvFileToo(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("env");
        PlainPipeline circleCi = PlainPipeline.circleCi(Environment.of(Map.of("BASH_ENV", file.toString())),
                out.stream, err.stream);
        circleCi.registerSecret(Secret.of("abc-token-123"));

        circleCi.setOutput("leak", "abc-token-123");

        assertThat(Files.readString(file)).isEqualTo("export ECRFLOW_LEAK='***'\n");
    }

    @Test
    void explainsAnUnwritableEnvFile(@TempDir Path dir) {
        PlainPipeline circleCi = PlainPipeline.circleCi(Environment.of(Map.of("BASH_ENV", dir.toString())),
                out.stream, err.stream);

        assertThatThrownBy(() -> circleCi.setOutput("registry", "r"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("BASH_ENV")
                .hasMessageContaining("'ECRFLOW_REGISTRY'");
    }

    @Test
    void showsTheSummaryAtTheEndOfTheLogNeutralised() {
        pipeline.summary("### ecrflow\n| Tags | `42` |\n::set-env name=X::y");
        assertThat(out.lines()).isEmpty();
        pipeline.complete(true, "Pushed");

        assertThat(out.lines()).containsExactly("--- Summary", "### ecrflow", "| Tags | `42` |", ":\\:set-env name=X::y",
                "", "succeeded: Pushed");
    }

    @Test
    void fillsRunValuesFromEachCisVariables() {
        Environment circle = Environment.of(Map.of("CIRCLE_SHA1", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
                "CIRCLE_BRANCH", "main", "CIRCLE_BUILD_NUM", "77"));
        Environment codeBuild = Environment.of(Map.of("CODEBUILD_RESOLVED_SOURCE_VERSION", "0a1b2c3d4e5f",
                "CODEBUILD_WEBHOOK_HEAD_REF", "refs/heads/release/2", "CODEBUILD_BUILD_NUMBER", "12"));

        PlainPipeline onCircle = PlainPipeline.circleCi(circle, out.stream, err.stream);
        PlainPipeline onCodeBuild = PlainPipeline.codeBuild(codeBuild, out.stream, err.stream);

        assertThat(onCircle.variable("shortCommit")).contains("9f86d081");
        assertThat(onCircle.variable("branch")).contains("main");
        assertThat(onCircle.variable("buildNumber")).contains("77");
        assertThat(onCodeBuild.variable("commit")).contains("0a1b2c3d4e5f");
        assertThat(onCodeBuild.variable("branch")).contains("release/2");
        assertThat(onCodeBuild.variable("pipelineNumber")).contains("12");
        assertThat(pipeline.variable("commit")).isEmpty();
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
