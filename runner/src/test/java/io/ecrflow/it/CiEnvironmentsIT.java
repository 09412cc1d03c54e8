package io.ecrflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrflow.testbed.apps.SampleApp;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runner under each CI's own environment — its marker, its variables, its files — and what that CI
 * would show: outputs and exported variables where the CI reads them, secrets masked, default tags and OCI
 * labels from the CI's variables, and the summary on GitHub's summary page.
 */
class CiEnvironmentsIT extends TestBedTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COMMIT = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567";

    @Test
    void onGitHubActionsOutputsEnvAndSummaryReachTheirFilesAndSecretsAreMaskedFirst() throws Exception {
        SampleApp.create(work, "github");
        String repository = "gh-" + UUID.randomUUID().toString().substring(0, 8);
        Path runnerTemp = Files.createDirectories(work.resolve("runner-temp"));
        Path output = Files.createFile(work.resolve("github-output"));
        Path env = Files.createFile(work.resolve("github-env"));
        Path summary = Files.createFile(work.resolve("step-summary"));
        Map<String, String> github = new LinkedHashMap<>();
        github.put("GITHUB_ACTIONS", "true");
        github.put("GITHUB_SHA", COMMIT);
        github.put("GITHUB_REF_NAME", "main");
        github.put("GITHUB_RUN_NUMBER", "31");
        github.put("GITHUB_RUN_ID", "9876543210");
        github.put("GITHUB_SERVER_URL", "https://github.com");
        github.put("GITHUB_REPOSITORY", "example/web");
        github.put("GITHUB_OUTPUT", output.toString());
        github.put("GITHUB_ENV", env.toString());
        github.put("GITHUB_STEP_SUMMARY", summary.toString());
        github.put("RUNNER_TEMP", runnerTemp.toString());

        RunResult login = runner("login").env(TestBedFixture.awsEnvironment()).env(github).in(work).run();
        RunResult push = runner("build-push", "--repository", repository, "--context", "src")
                .env(TestBedFixture.awsEnvironment()).env(github).in(work).run();

        assertThat(login.exitCode()).as(login.toString()).isZero();
        assertThat(push.exitCode()).as(push.toString()).isZero();
        for (RunResult run : List.of(login, push)) {
            assertThat(run.lines().get(0)).as("masked before anything else is printed")
                    .isEqualTo("::add-mask::" + TestBedFixture.SECRET_ACCESS_KEY);
            assertThat(run.stdout().replace("::add-mask::" + TestBedFixture.SECRET_ACCESS_KEY, "") + run.stderr())
                    .doesNotContain(TestBedFixture.SECRET_ACCESS_KEY);
            assertThat(CiCommands.github(run.lines())).as("workflow commands GitHub runs")
                    .allMatch(Set.of("add-mask", "group", "endgroup", "stop-commands")::contains);
        }
        assertThat(CiCommands.github(push.lines())).contains("group", "endgroup", "stop-commands");

        String dockerConfig = entries(env).get("DOCKER_CONFIG");
        assertThat(Path.of(dockerConfig)).startsWith(runnerTemp).isDirectory();
        assertThat(Path.of(dockerConfig, "config.json")).isRegularFile();

        Map<String, String> outputs = entries(output);
        String shortCommit = COMMIT.substring(0, 8);
        assertThat(testbed.tagsOf(repository)).containsExactlyInAnyOrder("31", "main", shortCommit);
        assertThat(outputs).containsEntry("tags", "31," + shortCommit + ",main")
                .containsEntry("imageUri", testbed.registryHost() + "/" + repository + ":31")
                .containsEntry("digest", testbed.manifestDigest(repository, "31").orElseThrow());
        assertThat(outputs.get("registry")).isEqualTo(testbed.registryHost());
        assertThat(Files.readString(summary)).contains("| Image | `" + outputs.get("imageUri") + "` |")
                .contains("| Digest | `" + outputs.get("digest") + "` |")
                .contains("`31`, `" + shortCommit + "`, `main`");
        assertThat(labels(outputs.get("imageUri")))
                .containsEntry("org.opencontainers.image.revision", COMMIT)
                .containsEntry("org.opencontainers.image.source", "https://github.com/example/web")
                .containsEntry("org.opencontainers.image.version", "31")
                .containsEntry("io.ecrflow.run-id", "9876543210");
        DockerCli.removeLocal(List.of(outputs.get("imageUri")));
    }

    @Test
    void oneListOfReleaseTagRulesTagsAReleaseAPullRequestAndTheDefaultBranchEachAsItShould() throws Exception {
        SampleApp.create(work, "release");
        String repository = "release-" + UUID.randomUUID().toString().substring(0, 8);
        String rules = "$(semver),$(semver.minor),$(semver.major),pr-$(pullRequest),$(latest),$(commit:8)";
        String shortCommit = COMMIT.substring(0, 8);

        RunResult release = runner("build-push", "--repository", repository, "--context", "src", "--tags", rules)
                .env(TestBedFixture.awsEnvironment()).env(Map.of("GITHUB_ACTIONS", "true", "GITHUB_SHA", COMMIT,
                        "GITHUB_REF", "refs/tags/v1.4.2", "GITHUB_REF_NAME", "v1.4.2")).in(work).run();
        assertThat(release.exitCode()).as(release.toString()).isZero();
        assertThat(testbed.tagsOf(repository)).containsExactlyInAnyOrder("1.4.2", "1.4", "1", shortCommit);
        assertThat(release.stdout()).contains("Tag template 'pr-$(pullRequest)' is left out: this run does not build a pull request.");

        RunResult pull = runner("build-push", "--repository", repository, "--context", "src", "--tags", rules)
                .env(TestBedFixture.awsEnvironment()).env(Map.of("GITHUB_ACTIONS", "true", "GITHUB_SHA", COMMIT,
                        "GITHUB_REF", "refs/pull/42/merge", "GITHUB_REF_NAME", "42/merge")).in(work).run();
        assertThat(pull.exitCode()).as(pull.toString()).isZero();
        assertThat(testbed.tagsOf(repository)).containsExactlyInAnyOrder("1.4.2", "1.4", "1", shortCommit, "pr-42");

        RunResult main = runner("build-push", "--repository", repository, "--context", "src", "--tags", rules)
                .env(TestBedFixture.awsEnvironment()).env(Map.of("GITHUB_ACTIONS", "true", "GITHUB_SHA", COMMIT,
                        "GITHUB_REF", "refs/heads/main", "GITHUB_REF_NAME", "main")).in(work).run();
        assertThat(main.exitCode()).as(main.toString()).isZero();
        assertThat(testbed.tagsOf(repository)).containsExactlyInAnyOrder("1.4.2", "1.4", "1", shortCommit, "pr-42", "latest");
        DockerCli.removeLocal(List.of(testbed.registryHost() + "/" + repository + ":" + shortCommit));
    }

    @Test
    void onCircleCiTheNextRunStepGetsDockerConfigAndTheOutputsFromBashEnv() throws Exception {
        SampleApp.create(work, "circleci");
        String repository = "circle-" + UUID.randomUUID().toString().substring(0, 8);
        Path bashEnv = Files.createFile(work.resolve("bash-env"));
        Map<String, String> circleCi = Map.of("CIRCLECI", "true", "CIRCLE_SHA1", COMMIT, "CIRCLE_BRANCH", "feature/Login",
                "CIRCLE_BUILD_NUM", "77", "CIRCLE_WORKFLOW_ID", "6c9f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
                "CIRCLE_REPOSITORY_URL", "git@github.com:example/web.git", "BASH_ENV", bashEnv.toString(),
                "ECRFLOW_PIPELINE_NUMBER", "42");

        RunResult login = runner("login").env(TestBedFixture.awsEnvironment()).env(circleCi).in(work).run();
        RunResult push = runner("build-push", "--repository", repository, "--context", "src",
                "--tags", "0.1.<< pipeline.number >>,$(branch)")
                .env(TestBedFixture.awsEnvironment()).env(circleCi).in(work).run();

        assertThat(login.exitCode()).as(login.toString()).isZero();
        assertThat(push.exitCode()).as(push.toString()).isZero();
        assertThat(login.all() + push.all()).doesNotContain(TestBedFixture.SECRET_ACCESS_KEY);
        assertThat(CiCommands.github(push.lines())).as("nothing a GitHub runner would act on").isEmpty();
        assertThat(testbed.tagsOf(repository)).containsExactlyInAnyOrder("0.1.42", "feature-login");

        // what CircleCI does before the next run step: source BASH_ENV in a fresh bash
        Shell.Result next = Shell.bash(Map.of("BASH_ENV", bashEnv.toString()),
                "printf '%s\\n' \"$DOCKER_CONFIG\" \"$ECRFLOW_IMAGE_URI\" \"$ECRFLOW_TAGS\" \"$ECRFLOW_DIGEST\"");
        assertThat(next.exitCode()).as(next.output()).isZero();
        List<String> seen = next.output().lines().toList();
        assertThat(Path.of(seen.get(0), "config.json")).isRegularFile();
        assertThat(seen.subList(1, 4)).containsExactly(testbed.registryHost() + "/" + repository + ":0.1.42",
                "0.1.42,feature-login", testbed.manifestDigest(repository, "0.1.42").orElseThrow());
        assertThat(push.stdout()).contains("--- Summary").contains("| Tags | `0.1.42`, `feature-login` |");
        assertThat(labels(seen.get(1))).containsEntry("org.opencontainers.image.revision", COMMIT)
                .containsEntry("org.opencontainers.image.source", "https://github.com/example/web")
                .containsEntry("org.opencontainers.image.version", "77");
        DockerCli.removeLocal(List.of(seen.get(1)));
    }

    @Test
    void onCodeBuildTheDefaultTagsComeFromItsVariablesAndTheEnvFileCarriesTheOutputs() throws Exception {
        SampleApp.create(work, "codebuild");
        String repository = "cb-" + UUID.randomUUID().toString().substring(0, 8);
        Path envFile = work.resolve("ecrflow.env");
        Map<String, String> codeBuild = Map.of("CODEBUILD_BUILD_ID", "web:4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
                "CODEBUILD_BUILD_NUMBER", "12", "CODEBUILD_RESOLVED_SOURCE_VERSION", COMMIT,
                "CODEBUILD_WEBHOOK_HEAD_REF", "refs/heads/main",
                "CODEBUILD_SOURCE_REPO_URL", "https://github.com/example/web.git", "ECRFLOW_ENV_FILE", envFile.toString());

        RunResult push = runner("build-push", "--repository", repository, "--context", "src")
                .env(TestBedFixture.awsEnvironment()).env(codeBuild).in(work).run();

        assertThat(push.exitCode()).as(push.toString()).isZero();
        assertThat(push.all()).doesNotContain(TestBedFixture.SECRET_ACCESS_KEY);
        assertThat(testbed.tagsOf(repository)).containsExactlyInAnyOrder("12", "main", COMMIT.substring(0, 8));
        Shell.Result sourced = Shell.bash(Map.of(), ". '" + envFile + "' && printf '%s\\n' \"$ECRFLOW_IMAGE_DIGEST\"");
        assertThat(sourced.output().strip()).isEqualTo(testbed.registryHost() + "/" + repository + "@"
                + testbed.manifestDigest(repository, "12").orElseThrow());
        assertThat(push.outputs()).containsEntry("tags", "12," + COMMIT.substring(0, 8) + ",main");
        assertThat(labels(push.outputs().get("imageUri"))).containsEntry("org.opencontainers.image.revision", COMMIT)
                .containsEntry("org.opencontainers.image.source", "https://github.com/example/web")
                .containsEntry("org.opencontainers.image.version", "12");
        DockerCli.removeLocal(List.of(push.outputs().get("imageUri")));
    }

    /** Lines of a GitHub command file ({@code name=value}; ecrflow's values here are single lines). */
    private static Map<String, String> entries(Path file) throws Exception {
        Map<String, String> entries = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int at = line.indexOf('=');
            entries.put(line.substring(0, at), line.substring(at + 1));
        }
        return entries;
    }

    private static Map<String, String> labels(String image) throws Exception {
        DockerCli.Result inspected = DockerCli.run(Map.of(), "image", "inspect", image);
        assertThat(inspected.exitCode()).as(inspected.output()).isZero();
        JsonNode labels = JSON.readTree(inspected.output()).get(0).path("Config").path("Labels");
        Map<String, String> values = new LinkedHashMap<>();
        labels.fields().forEachRemaining(field -> values.put(field.getKey(), field.getValue().asText()));
        return values;
    }
}
