package io.ecrflow.it;

import io.ecrflow.testbed.apps.SampleApp;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code build-push} end to end: real runner jar, real AWS SDK, real Docker Engine, real registry. */
class BuildPushIT extends TestBedTest {

    private static String uniqueRepository(String prefix) {
        return "team/" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private RunnerProcess azureStep(String buildId, String... args) {
        return runner(args)
                .env(TestBedFixture.awsEnvironment())
                .env(TestBedFixture.azurePipelineVariables(buildId, "0123456789abcdef0123456789abcdef01234567"))
                .env("AGENT_TEMPDIRECTORY", work.resolve("agent-temp").toString())
                .in(work);
    }

    @Test
    void createsTheRepositoryWithTheRequestedSettingsAndPushesEveryTagOfOneDigest() throws Exception {
        SampleApp.create(work, "first");
        Files.createDirectories(work.resolve("agent-temp"));
        Files.writeString(work.resolve("policy.json"), """
                {"rules":[{"rulePriority":1,"description":"keep 10","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":10},"action":{"type":"expire"}}]}
                """);
        String repository = uniqueRepository("web");

        RunResult result = azureStep("123", "build-push", "--dockerfile", "src/Dockerfile", "--context", "src",
                "--tags", "$(Build.BuildId),$(Build.SourceBranchName),$(Build.SourceVersion:8)")
                .env("INPUT_REPOSITORY", repository)
                .env("INPUT_SCANONPUSH", "true")
                .env("INPUT_ENCRYPTION", "KMS")
                .env("INPUT_KMSKEY", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
                .env("INPUT_REPOSITORYTAGS", "team=web\ncost-center=42")
                .env("INPUT_LIFECYCLEPOLICY", "policy.json")
                .run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        var state = testbed.repository(repository).orElseThrow();
        assertThat(state.scanOnPush()).isTrue();
        assertThat(state.encryptionType()).isEqualTo("KMS");
        assertThat(state.kmsKey()).hasValue("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
        assertThat(state.tags()).containsEntry("team", "web").containsEntry("cost-center", "42");
        assertThat(state.lifecyclePolicy()).hasValueSatisfying(p -> assertThat(p).contains("imageCountMoreThan"));
        // the branch tag moves from build to build, so it is published last
        RunAssertions.publishedOnOneDigest(testbed, result, repository, List.of("123", "01234567", "login"));
        String registry = testbed.registryHost();
        assertThat(result.stdout()).contains("##vso[task.complete result=Succeeded;]");
        // the builder is looked for while the run logs in, and told in order, just before the build
        String out = result.stdout();
        assertThat(out.indexOf("Building with BuildKit")).isGreaterThan(out.indexOf("Logged in to " + registry))
                .isLessThan(out.indexOf("##[group]Build "));
    }

    @Test
    void aSecondRunReusesTheRepositoryAndMovesTheTags() throws Exception {
        SampleApp.create(work, "again");
        String repository = uniqueRepository("rerun");
        String[] args = {"build-push", "--repository", repository, "--context", "src", "--tags", "latest,$(Build.BuildId)"};

        RunResult first = azureStep("200", args).run();
        int callsBetweenRuns = testbed.calls().size();
        RunResult second = azureStep("201", args).run();

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.stdout()).contains("exists.");
        assertThat(testbed.calls().subList(callsBetweenRuns, testbed.calls().size()))
                .extracting(c -> c.operation()).contains("DescribeRepositories").doesNotContain("CreateRepository");
        assertThat(testbed.tagsOf(repository)).containsExactlyInAnyOrder("latest", "200", "201");
        assertThat(testbed.manifestDigest(repository, "latest")).contains(second.outputs().get("digest"));
    }

    @Test
    void anImmutableTagAlreadyTakenStopsTheRunBeforeAnythingIsPushed() throws Exception {
        SampleApp.create(work, "immutable");
        String repository = uniqueRepository("immutable");
        RunResult first = azureStep("300", "build-push", "--repository", repository, "--context", "src",
                "--tags", "release", "--tag-mutability", "IMMUTABLE").run();
        assertThat(first.exitCode()).as(first.toString()).isZero();
        String releaseDigest = testbed.manifestDigest(repository, "release").orElseThrow();

        SampleApp.create(work, "changed");
        RunResult second = azureStep("301", "build-push", "--repository", repository, "--context", "src",
                "--tags", "$(Build.BuildId),release").run();

        assertThat(second.exitCode()).isNotZero();
        assertThat(String.join("\n", second.errors())).contains("immutable").contains("'release'");
        assertThat(testbed.tagsOf(repository)).containsExactly("release");
        assertThat(testbed.manifestDigest(repository, "release")).contains(releaseDigest);
        assertThat(second.stdout()).contains("##vso[task.complete result=Failed;]");
    }

    @Test
    void aWrongSecretKeyFailsWithAMessageAboutTheSecretAndLeavesNoRepository() throws Exception {
        SampleApp.create(work, "badkey");
        String repository = uniqueRepository("badkey");

        RunResult result = azureStep("400", "build-push", "--repository", repository, "--context", "src")
                .env("AWS_SECRET_ACCESS_KEY", "not-the-right-secret-key-0000000000000000")
                .run();

        assertThat(result.exitCode()).isNotZero();
        assertThat(String.join("\n", result.errors())).contains("secret access key does not match");
        assertThat(result.all().lines().filter(l -> l.contains("not-the-right-secret-key-0000000000000000")))
                .containsExactly("##vso[task.setsecret]not-the-right-secret-key-0000000000000000");
        assertThat(testbed.repository(repository)).isEmpty();
    }

    @Test
    void anUnknownAccessKeyIdFailsNamingTheAccessKey() throws Exception {
        SampleApp.create(work, "badid");
        RunResult result = azureStep("401", "build-push", "--repository", uniqueRepository("badid"), "--context", "src")
                .env("AWS_ACCESS_KEY_ID", "AKIAI44QH8DHBEXAMPLE")
                .run();

        assertThat(result.exitCode()).isNotZero();
        assertThat(String.join("\n", result.errors())).contains("access key");
    }

    @Test
    void aMissingDockerfileFailsBeforeAnyAwsCall() throws Exception {
        Files.createDirectories(work.resolve("src"));
        int callsBefore = testbed.calls().size();

        RunResult result = azureStep("500", "build-push", "--repository", uniqueRepository("nofile"), "--context", "src").run();

        assertThat(result.exitCode()).isNotZero();
        assertThat(String.join("\n", result.errors())).contains("Dockerfile not found").contains("dockerfile");
        assertThat(testbed.calls()).hasSize(callsBefore);
    }

    @Test
    void anInvalidRepositoryNameIsRejectedQuotingEcrsRule() throws Exception {
        SampleApp.create(work, "badname");
        int callsBefore = testbed.calls().size();

        RunResult result = azureStep("600", "build-push", "--repository", "team//web_", "--context", "src").run();

        assertThat(result.exitCode()).isNotZero();
        assertThat(String.join("\n", result.errors())).contains("team//web_").contains("[a-z0-9]+");
        assertThat(testbed.calls()).hasSize(callsBefore);
    }

    @Test
    void capitalsInTheRepositoryNameAreLoweredWithANote() throws Exception {
        SampleApp.create(work, "capitals");
        String repository = uniqueRepository("caps");

        RunResult result = azureStep("700", "build-push", "--repository", repository.toUpperCase(), "--context", "src",
                "--tags", "one").run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("##vso[task.logissue type=warning;]").contains("lower case");
        assertThat(testbed.tagsOf(repository)).containsExactly("one");
    }

    @Test
    void anUnreachableEngineSaysHowToStartOneAndCreatesNothing() throws Exception {
        SampleApp.create(work, "nodaemon");
        String repository = uniqueRepository("nodaemon");

        RunResult result = azureStep("800", "build-push", "--repository", repository, "--context", "src")
                .env("DOCKER_HOST", "unix://" + work.resolve("no-engine.sock"))
                .run();

        assertThat(result.exitCode()).isNotZero();
        assertThat(String.join("\n", result.errors())).contains("No Docker Engine is reachable").contains("DOCKER_HOST");
        assertThat(testbed.repository(repository)).isEmpty();
    }

    @Test
    void aFailingBuildShowsTheFailingStepAndCreatesNoRepository() throws Exception {
        SampleApp.create(work, "broken");
        Files.writeString(work.resolve("src/Dockerfile"), """
                FROM scratch
                COPY busybox /bin/busybox
                RUN ["/bin/busybox", "sh", "-c", "echo about to fail; exit 3"]
                """);
        String repository = uniqueRepository("broken");

        RunResult result = azureStep("900", "build-push", "--repository", repository, "--context", "src").run();

        assertThat(result.exitCode()).isNotZero();
        assertThat(String.join("\n", result.errors())).contains("exit 3");
        assertThat(testbed.repository(repository)).isEmpty();
    }

    @Test
    void pushFalseBuildsEveryTagInTheEngineAndPublishesNothing() throws Exception {
        SampleApp.create(work, "validate");
        String repository = uniqueRepository("validate");
        int requestsBefore = testbed.registryRequests().size();

        RunResult result = azureStep("1100", "build-push", "--repository", repository, "--context", "src",
                "--tags", "pr-7,$(Build.BuildId)", "--push", "false", "--registry-cache", "true", "--scan-gate", "true").run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(testbed.repository(repository)).as("no repository created").isEmpty();
        assertThat(testbed.registryRequests().subList(requestsBefore, testbed.registryRequests().size()))
                .as("nothing written to the registry")
                .noneMatch(request -> !request.method().equals("GET") && !request.method().equals("HEAD"));
        String first = testbed.registryHost() + "/" + repository + ":pr-7";
        String second = testbed.registryHost() + "/" + repository + ":1100";
        assertThat(result.outputs()).containsEntry("imageUri", first).containsEntry("tags", "pr-7,1100")
                .doesNotContainKey("digest");
        assertThat(result.stdout()).contains("nothing is published (no repository created, no tag pushed)",
                "the scan gate judges published images only", "the registry cache is neither read nor written");
        assertThat(DockerCli.imageId(first)).as("both tags name the built image in the engine")
                .isPresent().isEqualTo(DockerCli.imageId(second));
        DockerCli.removeLocal(List.of(first, second));
    }

    @Test
    void theEnginesOwnBuilderProducesTheSameResult() throws Exception {
        SampleApp.create(work, "engine");
        String repository = uniqueRepository("engine");

        RunResult result = azureStep("1000", "build-push", "--repository", repository, "--context", "src",
                "--builder", "engine", "--tags", "$(Build.BuildId)").run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(testbed.manifestDigest(repository, "1000")).contains(result.outputs().get("digest"));
    }

    @Test
    void outsideAzurePipelinesOutputsArePlainLines() throws Exception {
        SampleApp.create(work, "plain");
        String repository = uniqueRepository("plain");

        RunResult result = runner("build-push", "--repository", repository, "--context", "src")
                .env(TestBedFixture.awsEnvironment()).in(work).run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).doesNotContain("##vso[");
        assertThat(result.stdout().lines()).contains("tags=latest");
        assertThat(testbed.tagsOf(repository)).containsExactly("latest");
    }
}
