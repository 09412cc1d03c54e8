package io.ecrflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecrflow.testbed.apps.SampleApp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The GitHub Action and every copy-paste set-up in docs/ci run as their CI would run them, against the test
 * bed: action.yml's steps under a GitHub-like runner, the docs' workflow, CircleCI config.yml (seed 003,
 * ECR Public) and CodeBuild buildspec.yml (seed 002, multi-stage). Their downloads come from the release
 * folder the packaging step makes; steps of other vendors' actions (checkout, setup-java,
 * configure-aws-credentials) are played by the test: a checked-out app, the machine's Java, the test
 * bed's keys.
 */
class CiSetupsIT extends TestBedTest {
    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);
    private static final String COMMIT = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b";

    private Path bin;

    @BeforeEach
    void releaseOnGitHub() throws Exception {
        Path releases = Releases.release(Releases.runnerJar(), work.resolve("releases"));
        bin = Releases.curlServing(releases, work.resolve("bin"));
    }

    /** The machine a job runs on: PATH with the release server's curl in front, a home, the test bed's endpoints. */
    private Map<String, String> machine() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", bin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("HOME", Files.createDirectories(work.resolve("home")).toString());
        env.put("LANG", "C.UTF-8");
        env.putAll(TestBedFixture.endpointEnvironment());
        return env;
    }

    private Map<String, String> githubContext(String runNumber) {
        return new LinkedHashMap<>(Map.of("sha", COMMIT, "ref_name", "main", "run_number", runNumber,
                "run_id", "98765" + runNumber, "repository", "example/web", "server_url", "https://github.com"));
    }

    @Test
    void theActionDownloadsTheCheckedReleaseJarAndRunsBuildPushWithItsInputs() throws Exception {
        Map<String, String> machine = machine();
        machine.putAll(TestBedFixture.awsEnvironment());
        String runNumber = Integer.toString(1000 + (int) (Math.random() * 8000));
        GitHubRunnerEmulation github = new GitHubRunnerEmulation(work, machine, githubContext(runNumber));
        SampleApp.create(github.workspace(), "action");
        String repository = "action-" + UUID.randomUUID().toString().substring(0, 8);

        GitHubRunnerEmulation.ActionResult result = github.runAction(Releases.repositoryRoot().resolve("action.yml"),
                Map.of("command", "build-push", "repository", repository, "context", "src", "labels", "team=web"),
                "ecrflow/ecrflow", "v0.1.0");

        assertThat(result.exitCode()).as(github.log()).isZero();
        assertThat(github.runnerTemp().resolve("ecrflow-runner/ecrflow-runner.jar")).hasSameBinaryContentAs(Releases.runnerJar());
        String shortCommit = COMMIT.substring(0, 8);
        assertThat(testbed.tagsOf(repository)).containsExactlyInAnyOrder(runNumber, "main", shortCommit);
        Map<String, String> outputs = result.outputs();
        assertThat(outputs).containsEntry("imageUri", testbed.registryHost() + "/" + repository + ":" + runNumber)
                .containsEntry("digest", testbed.manifestDigest(repository, runNumber).orElseThrow())
                .containsEntry("tags", runNumber + "," + shortCommit + ",main")
                .containsEntry("dockerConfig", "");
        assertThat(github.summary()).contains("| Digest | `" + outputs.get("digest") + "` |");
        assertThat(github.log()).contains("::add-mask::" + TestBedFixture.SECRET_ACCESS_KEY);
        assertThat(github.log().replace("::add-mask::" + TestBedFixture.SECRET_ACCESS_KEY, ""))
                .doesNotContain(TestBedFixture.SECRET_ACCESS_KEY);
        DockerCli.Result inspected = DockerCli.run(Map.of(), "image", "inspect", "--format",
                "{{ index .Config.Labels \"team\" }} {{ index .Config.Labels \"org.opencontainers.image.version\" }}",
                outputs.get("imageUri"));
        assertThat(inspected.output().strip()).isEqualTo("web " + runNumber);
        DockerCli.removeLocal(List.of(outputs.get("imageUri")));
    }

    @Test
    void theActionRunsNoJarWhoseChecksumDoesNotMatch() throws Exception {
        Path tampered = Files.createDirectories(work.resolve("tampered"));
        Files.copy(Releases.runnerJar(), tampered.resolve("ecrflow-runner.jar"));
        Files.writeString(tampered.resolve("ecrflow-runner.jar.sha256"), "0".repeat(64) + "  ecrflow-runner.jar\n");
        bin = Releases.curlServing(tampered, work.resolve("bin-tampered"));
        GitHubRunnerEmulation github = new GitHubRunnerEmulation(work, machine(), githubContext("5"));

        GitHubRunnerEmulation.ActionResult result = github.runAction(Releases.repositoryRoot().resolve("action.yml"),
                Map.of("command", "login"), "ecrflow/ecrflow", "v0.1.0");

        assertThat(result.exitCode()).isNotZero();
        assertThat(github.log()).contains("::error::The runner jar from " + Releases.RELEASES + "v0.1.0/ecrflow-runner.jar has SHA-256")
                .contains("not the " + "0".repeat(64));
        assertThat(github.runnerTemp().resolve("ecrflow-runner/ecrflow-runner.jar")).doesNotExist();
    }

    @Test
    void theDocsGitHubWorkflowBuildsAndPushesWithTheAction() throws Exception {
        JsonNode workflow = GitHubRunnerEmulation.YAML.readTree(yamlBlocks("github-actions.md").get(0));
        JsonNode job = workflow.path("jobs").path("push");
        assertThat(workflow.path("permissions").path("id-token").asText()).isEqualTo("write");
        String runNumber = Integer.toString(1000 + (int) (Math.random() * 8000));
        GitHubRunnerEmulation github = new GitHubRunnerEmulation(work, machine(), githubContext(runNumber));

        Map<String, Map<String, String>> steps = github.runJob(job.path("steps"), "ecrflow/ecrflow",
                Releases.repositoryRoot().resolve("action.yml"), Map.of(
                        "actions/checkout", (with, env) -> SampleApp.create(github.workspace(), "workflow"),
                        "actions/setup-java", (with, env) -> assertThat(with).containsEntry("java-version", "17"),
                        "aws-actions/configure-aws-credentials", (with, env) -> {
                            assertThat(with.get("role-to-assume")).startsWith("arn:aws:iam::123456789012:role/");
                            env.put("AWS_ACCESS_KEY_ID", TestBedFixture.ACCESS_KEY_ID);
                            env.put("AWS_SECRET_ACCESS_KEY", TestBedFixture.SECRET_ACCESS_KEY);
                            env.put("AWS_REGION", TestBedFixture.endpointEnvironment().get("AWS_REGION"));
                        }));

        String shortCommit = COMMIT.substring(0, 8);
        assertThat(testbed.tagsOf("team/web")).contains(runNumber, "main", shortCommit);
        String digest = steps.get("push").get("imageDigest");
        assertThat(digest).isEqualTo(testbed.registryHost() + "/team/web@" + testbed.manifestDigest("team/web", runNumber).orElseThrow());
        assertThat(github.log()).contains("Pushed " + digest + " as " + runNumber + "," + shortCommit + ",main");
        assertThat(github.summary()).contains("`" + runNumber + "`, `" + shortCommit + "`, `main`");
        DockerCli.removeLocal(List.of(steps.get("push").get("imageUri")));
    }

    @Test
    void theDocsGitHubLoginLetsLaterStepsPullAndTheLastRemovesIt() throws Exception {
        Map<String, String> machine = machine();
        machine.putAll(TestBedFixture.awsEnvironment());
        SampleApp.create(work.resolve("base"), "base");
        RunResult base = runner("build-push", "--repository", "team/base", "--context", "src", "--tags", "1.4.2")
                .env(TestBedFixture.awsEnvironment()).in(work.resolve("base")).run();
        assertThat(base.exitCode()).as(base.toString()).isZero();
        DockerCli.removeLocal(List.of(base.outputs().get("imageUri")));
        GitHubRunnerEmulation github = new GitHubRunnerEmulation(work, machine, githubContext("7"));

        github.runJob(GitHubRunnerEmulation.YAML.readTree(yamlBlocks("github-actions.md").get(1)), "ecrflow/ecrflow",
                Releases.repositoryRoot().resolve("action.yml"), Map.of());

        String dockerConfig = github.exported().get("DOCKER_CONFIG");
        assertThat(dockerConfig).startsWith(github.runnerTemp().toString());
        assertThat(github.log()).contains("1.4.2: Pulling from team/base");
        assertThat(Path.of(dockerConfig)).as("removed by the last step").doesNotExist();
        DockerCli.removeLocal(List.of(base.outputs().get("imageUri")));
    }

    @Test
    void theDocsCircleCiConfigPushesSeed003ToEcrPublicWithThePipelineNumber() throws Exception {
        JsonNode config = GitHubRunnerEmulation.YAML.readTree(yamlBlocks("circleci.md").get(0));
        JsonNode job = config.path("jobs").path("build_push_docker_image");
        assertThat(job.path("docker").get(0).path("image").asText()).startsWith("cimg/openjdk:17");
        Path project = SampleApp.create(work.resolve("project"), "seed-003").resolve("src");
        Path bashEnv = Files.createFile(work.resolve("bash-env"));
        Map<String, String> env = machine();
        env.putAll(Map.of("CI", "true", "CIRCLECI", "true", "CIRCLE_SHA1", COMMIT, "CIRCLE_BRANCH", "main",
                "CIRCLE_BUILD_NUM", "314", "CIRCLE_WORKFLOW_ID", UUID.randomUUID().toString(),
                "CIRCLE_WORKING_DIRECTORY", project.toString(), "BASH_ENV", bashEnv.toString()));
        job.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        // the context named in the workflow: the project's keys
        env.put("AWS_ACCESS_KEY_ID", TestBedFixture.ACCESS_KEY_ID);
        env.put("AWS_SECRET_ACCESS_KEY", TestBedFixture.SECRET_ACCESS_KEY);
        assertThat(config.path("workflows").path("build").path("jobs").get(0).path("build_push_docker_image")
                .path("context").asText()).isEqualTo("aws-ecr-public");
        String pipelineNumber = Integer.toString(100 + (int) (Math.random() * 800));

        StringBuilder log = new StringBuilder();
        for (JsonNode step : job.path("steps")) {
            if (step.isTextual()) {
                assertThat(step.asText()).isIn("checkout", "setup_remote_docker");
                continue;
            }
            // CircleCI fills in pipeline values when it processes config.yml, before the job starts
            String command = step.path("run").path("command").asText().replace("<< pipeline.number >>", pipelineNumber);
            Shell.Result result = Shell.bash(env, project, command);
            log.append(result.output());
            assertThat(result.exitCode()).as(step.path("run").path("name").asText() + "\n" + log).isZero();
        }

        String repository = testbed.publicRegistryAlias() + "/web";
        String version = "0.1." + pipelineNumber;
        assertThat(testbed.tagsOf(repository)).contains(version, "latest");
        assertThat(testbed.publicRepository("web").orElseThrow().catalogData().description()).contains("The web front end");
        String uri = testbed.publicRegistryHost() + "/" + repository + ":" + version;
        assertThat(log).contains("Pushed " + uri + " (" + testbed.manifestDigest(repository, version).orElseThrow() + ")")
                .contains("--- Summary")
                .doesNotContain(TestBedFixture.SECRET_ACCESS_KEY);
        DockerCli.removeLocal(List.of(uri, testbed.publicRegistryHost() + "/" + repository + ":latest"));
    }

    @Test
    void theDocsCircleCiOidcStepPushesWithTheJobsTokenInsteadOfKeys() throws Exception {
        JsonNode config = GitHubRunnerEmulation.YAML.readTree(yamlBlocks("circleci.md").get(0));
        JsonNode oidcSteps = GitHubRunnerEmulation.YAML.readTree(yamlBlocks("circleci.md").get(1));
        Path project = SampleApp.create(work.resolve("project"), "seed-003-oidc").resolve("src");
        String token = Jwt.token(TestBedFixture.CIRCLECI_ISSUER, "org/" + TestBedFixture.CIRCLECI_ORG_ID + "/project/p/user/u",
                TestBedFixture.CIRCLECI_ORG_ID, java.time.Instant.now().plusSeconds(600));
        Map<String, String> env = machine();
        env.putAll(Map.of("CI", "true", "CIRCLECI", "true", "CIRCLE_SHA1", COMMIT, "CIRCLE_BRANCH", "main",
                "CIRCLE_BUILD_NUM", "315", "CIRCLE_WORKFLOW_ID", UUID.randomUUID().toString(),
                "BASH_ENV", Files.createFile(work.resolve("bash-env")).toString(), "CIRCLE_OIDC_TOKEN_V2", token));
        config.path("jobs").path("build_push_docker_image").path("environment")
                .fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        String pipelineNumber = Integer.toString(100 + (int) (Math.random() * 800));
        // the runner download of the job above, then the step the docs give for OIDC
        List<JsonNode> steps = List.of(config.path("jobs").path("build_push_docker_image").path("steps").get(2), oidcSteps.get(0));

        StringBuilder log = new StringBuilder();
        for (JsonNode step : steps) {
            String command = step.path("run").path("command").asText().replace("<< pipeline.number >>", pipelineNumber);
            Shell.Result result = Shell.bash(env, project, command);
            log.append(result.output());
            assertThat(result.exitCode()).as(step.path("run").path("name").asText() + "\n" + log).isZero();
        }

        assertThat(log).contains("Using AWS identity arn:aws:sts::123456789012:assumed-role/ecr-push/")
                .doesNotContain(token);
        assertThat(testbed.tagsOf(testbed.publicRegistryAlias() + "/web")).contains("0.1." + pipelineNumber);
    }

    @Test
    void theDocsCodeBuildBuildspecPushesSeed002sMultiStageImage() throws Exception {
        JsonNode buildspec = GitHubRunnerEmulation.YAML.readTree(yamlBlocks("codebuild.md").get(0));
        assertThat(buildspec.path("phases").path("install").path("runtime-versions").path("java").asText()).isEqualTo("corretto17");
        Path source = Files.createDirectories(work.resolve("src-dir"));
        Files.copy(Path.of("/bin/busybox"), source.resolve("busybox"));
        Files.writeString(source.resolve("Dockerfile"), """
                FROM scratch AS build
                COPY busybox /bin/busybox
                RUN ["/bin/busybox", "sh", "-c", "/bin/busybox mkdir -p /out && echo built > /out/app.txt"]

                FROM scratch
                COPY busybox /bin/busybox
                COPY --from=build /out/app.txt /www/app.txt
                CMD ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]
                """);
        Map<String, String> env = machine();
        env.putAll(Map.of("CODEBUILD_BUILD_ID", "dckr-push-ecr:" + UUID.randomUUID(), "CODEBUILD_BUILD_NUMBER", "12",
                "CODEBUILD_RESOLVED_SOURCE_VERSION", COMMIT, "CODEBUILD_SRC_DIR", source.toString(),
                "CODEBUILD_SOURCE_REPO_URL", "https://github.com/example/web.git"));
        env.put("AWS_DEFAULT_REGION", env.get("AWS_REGION"));
        // the project's service role, as the container credentials endpoint would hand it out
        env.put("AWS_ACCESS_KEY_ID", TestBedFixture.ACCESS_KEY_ID);
        env.put("AWS_SECRET_ACCESS_KEY", TestBedFixture.SECRET_ACCESS_KEY);
        buildspec.path("env").path("variables").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));

        // CodeBuild runs every command of every phase in one shell, in order, stopping at the first failure
        List<String> commands = new ArrayList<>();
        for (String phase : List.of("install", "pre_build", "build", "post_build")) {
            buildspec.path("phases").path(phase).path("commands").forEach(c -> commands.add(c.asText()));
        }
        Shell.Result result = Shell.bash(env, source, String.join("\n", commands));

        assertThat(result.exitCode()).as(result.output()).isZero();
        String repository = env.get("IMAGE_REPO_NAME");
        assertThat(testbed.tagsOf(repository)).containsExactlyInAnyOrder("12", COMMIT.substring(0, 8), "latest");
        String uri = testbed.registryHost() + "/" + repository + ":12";
        assertThat(source.resolve(buildspec.path("artifacts").path("files").get(0).asText()))
                .hasContent("[{\"name\":\"web\",\"imageUri\":\"" + uri + "\"}]");
        assertThat(result.output()).contains("--- Summary").doesNotContain(TestBedFixture.SECRET_ACCESS_KEY);
        DockerCli.Result built = DockerCli.run(Map.of(), "run", "--rm", uri, "/bin/busybox", "cat", "/www/app.txt");
        assertThat(built.output().strip()).as("the second stage holds what the first built").isEqualTo("built");
        DockerCli.removeLocal(List.of(uri, testbed.registryHost() + "/" + repository + ":latest",
                testbed.registryHost() + "/" + repository + ":" + COMMIT.substring(0, 8)));
    }

    private static List<String> yamlBlocks(String page) throws Exception {
        String text = Files.readString(Releases.repositoryRoot().resolve("docs/ci").resolve(page));
        Matcher block = YAML_BLOCK.matcher(text);
        List<String> blocks = new ArrayList<>();
        while (block.find()) {
            blocks.add(block.group(1));
        }
        return blocks;
    }
}
