package io.ecrflow.it;

import io.ecrflow.testbed.apps.SampleApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code build-push --image}: an image a user's earlier step built with plain {@code docker build} is published
 * like a built one (the same tags, outputs and checks) against the real engine and the test registry.
 */
class PushOnlyIT extends TestBedTest {
    private final List<String> localNames = new ArrayList<>();

    @BeforeEach
    void anAgentTempFolder() throws Exception {
        Files.createDirectories(work.resolve("agent-temp"));
    }

    @AfterEach
    void removeTheLocalImages() throws Exception {
        DockerCli.removeLocal(localNames);
    }

    @Test
    void anImageBuiltByAnEarlierStepIsPublishedUnderEveryTagAsThatVeryImage() throws Exception {
        String local = dockerBuild("earlier-step");
        String imageId = imageId(local);
        String repository = uniqueRepository("push-only");

        RunResult result = azureStep("810", "--repository", repository, "--image", local,
                "--tags", "$(Build.BuildId),$(Build.SourceBranchName),$(Build.SourceVersion:8)").run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        List<String> tags = List.of("810", "01234567", "login");
        String digest = RunAssertions.publishedOnOneDigest(testbed, result, repository, tags);
        if (onCurrentEngine()) {
            // containerd's store knows an image by the digest of its index: the very digest published
            assertThat(digest).as("the local image, not a rebuild").isEqualTo(imageId);
        } else {
            for (String tag : tags) {
                assertThat(testbed.configDigest(repository, tag)).as("the local image, not a rebuild").contains(imageId);
            }
        }
        assertThat(result.stdout()).contains("Publishing the local image " + local + " (" + imageId + ") as it is")
                .doesNotContain("##[group]Build ");
        assertThat(testbed.repository(repository)).as("created as for a build").isPresent();
        assertThat(summary(result)).contains(digest, "`810`", "`login`", "| Repository | created: tags mutable, ");
    }

    @Test
    void removeLocalImageRemovesTheGivenNameAndThePushedOne() throws Exception {
        String local = dockerBuild("remove");
        String repository = uniqueRepository("push-only-remove");

        RunResult result = azureStep("811", "--repository", repository, "--image", local, "--tags", "$(Build.BuildId)",
                "--remove-local-image", "true").run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(testbed.tagsOf(repository)).containsExactly("811");
        assertThat(DockerCli.run(Map.of(), "image", "inspect", local).exitCode()).as(local + " removed").isNotZero();
        assertThat(DockerCli.run(Map.of(), "image", "inspect", result.outputs().get("imageUri")).exitCode())
                .as("the pushed name removed").isNotZero();
    }

    @Test
    void aRerunWithTheSameImageFinishesAndARebuiltImageCannotTakeImmutableTags() throws Exception {
        String local = dockerBuild("rerun");
        String repository = uniqueRepository("push-only-rerun");
        String[] args = {"--repository", repository, "--image", local, "--tags", "$(Build.BuildId)",
                "--tag-mutability", "IMMUTABLE"};

        RunResult first = azureStep("812", args).run();
        RunResult again = azureStep("812", args).run();
        SampleApp.create(work, "rerun, rebuilt on a fresh agent");
        dockerBuild(local);
        RunResult rebuilt = azureStep("812", args).run();

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.stdout()).contains("published by an earlier attempt of this run; nothing is left to publish");
        assertThat(again.outputs()).containsEntry("digest", first.outputs().get("digest"));
        assertThat(summary(again)).contains("| Repository | found: tags immutable, scan on push off, encryption AES256 |")
                .contains("| Size | ");
        assertThat(rebuilt.exitCode()).isNotZero();
        assertThat(String.join("\n", rebuilt.errors()))
                .contains("already holds '812' with another image than the local one (" + imageId(local) + ")");
        assertThat(testbed.manifestDigest(repository, "812")).contains(first.outputs().get("digest"));
    }

    @Test
    void anImageTheEngineDoesNotHaveSaysHowToSeeTheLocalImagesAndTouchesNothing() throws Exception {
        String repository = uniqueRepository("push-only-missing");
        int callsBefore = testbed.calls().size();

        RunResult result = azureStep("813", "--repository", repository, "--image", "ecrflow-it/never-built:813").run();

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.errors()).singleElement().asString()
                .contains("has no image 'ecrflow-it/never-built:813' (input 'image')")
                .contains("Microsoft-hosted agent starts every job with an empty engine")
                .contains("docker image ls");
        assertThat(RunAssertions.callsSince(testbed, callsBefore)).as("no ECR call")
                .noneMatch(call -> call.service().equals("ecr"));
        assertThat(testbed.repository(repository)).isEmpty();
    }

    /** The run summary the step uploaded (task.uploadsummary: the step is not in restricted mode here). */
    private static String summary(RunResult result) throws Exception {
        List<String> uploads = result.lines().stream().filter(line -> line.startsWith("##vso[task.uploadsummary]")).toList();
        assertThat(uploads).as(result.toString()).hasSize(1);
        return Files.readString(Path.of(uploads.get(0).substring(uploads.get(0).indexOf(']') + 1)));
    }

    /** What a user's earlier step does: {@code docker build -t NAME src} ({@code docker buildx build --load}), without ecrflow. */
    private String dockerBuild(String nameOrMarker) throws Exception {
        String name = nameOrMarker.contains(":") ? nameOrMarker
                : "ecrflow-it/" + nameOrMarker + ":" + UUID.randomUUID().toString().substring(0, 8);
        if (!nameOrMarker.contains(":")) {
            SampleApp.create(work, nameOrMarker);
        }
        // on the current engine as its users write it: buildx, the image loaded into the engine
        List<String> command = new ArrayList<>(onCurrentEngine() ? List.of("buildx", "build", "--load") : List.of("build"));
        command.addAll(List.of("-q", "-t", name, work.resolve("src").toString()));
        DockerCli.Result build = DockerCli.run(Map.of(), command.toArray(String[]::new));
        assertThat(build.exitCode()).as(build.output()).isZero();
        localNames.add(name);
        return name;
    }

    private static String imageId(String name) throws Exception {
        DockerCli.Result inspect = DockerCli.run(Map.of(), "image", "inspect", "--format", "{{.Id}}", name);
        assertThat(inspect.exitCode()).as(inspect.output()).isZero();
        return inspect.output().trim();
    }

    private RunnerProcess azureStep(String buildId, String... args) {
        List<String> command = new ArrayList<>(List.of("build-push"));
        command.addAll(List.of(args));
        return runner(command.toArray(String[]::new))
                .env(TestBedFixture.awsEnvironment())
                .env(TestBedFixture.azurePipelineVariables(buildId, "0123456789abcdef0123456789abcdef01234567"))
                .env("AGENT_TEMPDIRECTORY", work.resolve("agent-temp").toString())
                .in(work);
    }

    private static String uniqueRepository(String prefix) {
        return "team/" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
