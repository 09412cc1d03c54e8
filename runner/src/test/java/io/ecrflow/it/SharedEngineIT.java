package io.ecrflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrflow.testbed.aws.ControlPlaneCall;
import io.ecrflow.testbed.neighbours.EngineFront;
import io.ecrflow.testbed.apps.SampleApp;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Self-hosted agents often share one Docker Engine. Runs on it must each publish exactly the image they
 * built, and runs that create one repository at the same moment must both succeed. The races are made
 * to happen, not hoped for: another client re-tags the run's local name exactly when its push starts
 * (through a way in to the engine that can act at that moment), and the runs' DescribeRepositories
 * calls meet at the test server before either is answered.
 */
class SharedEngineIT extends TestBedTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BUILT = Pattern.compile("^Built image (sha256:[0-9a-f]{64})\\.$");

    private final String repository = "team/shared-" + UUID.randomUUID().toString().substring(0, 8);

    /**
     * The engine's own builder: what is raced here is the publication, and Debian's dockerd 20.10 can fail
     * when two BuildKit builds of the same steps run at the same moment.
     */
    private RunnerProcess buildPush(Path context, String buildId, String tags) throws Exception {
        Files.createDirectories(work.resolve("agent-temp"));
        return runner("build-push", "--repository", repository, "--context", context.toString(), "--tags", tags,
                "--builder", "engine")
                .env(TestBedFixture.awsEnvironment())
                .env(TestBedFixture.azurePipelineVariables(buildId, "0123456789abcdef0123456789abcdef01234567"))
                .env("AGENT_TEMPDIRECTORY", work.resolve("agent-temp").toString())
                .in(work);
    }

    private Path app(String name) throws Exception {
        Path root = Files.createDirectories(work.resolve(name));
        SampleApp.create(root, name + "-" + UUID.randomUUID());
        return root.resolve("src");
    }

    private static String builtImage(RunResult result) {
        return result.lines().stream().map(BUILT::matcher).filter(java.util.regex.Matcher::matches)
                .map(m -> m.group(1)).findFirst().orElseThrow(() -> new AssertionError("no image built\n" + result));
    }

    /** The repository digests the engine recorded for an image when it pushed it. */
    private static List<String> repoDigests(String imageId) throws Exception {
        DockerCli.Result inspected = DockerCli.run(Map.of(), "image", "inspect", imageId);
        assertThat(inspected.exitCode()).as(inspected.output()).isZero();
        List<String> digests = new ArrayList<>();
        JSON.readTree(inspected.output()).get(0).path("RepoDigests").forEach(d -> digests.add(d.asText()));
        return digests;
    }

    /**
     * On containerd's store an image's id is its manifest's (or index's) digest, except that the engine's own
     * builder reports its config's digest: either way the published image is the one built.
     */
    private boolean isThisImage(String publishedDigest, String builtId) {
        return publishedDigest.equals(builtId)
                || testbed.configDigest(repository, publishedDigest).map(builtId::equals).orElse(false);
    }

    @Test
    void anImageReTaggedByAnotherClientWhenThePushStartsIsCaughtAndThisRunsImageIsPublished() throws Exception {
        String intruderName = "ecrflow-test/intruder-" + UUID.randomUUID().toString().substring(0, 8);
        DockerCli.Result intruder = DockerCli.run(Map.of(), "build", "-q", "-t", intruderName,
                app("intruder").toString());
        assertThat(intruder.exitCode()).as(intruder.output()).isZero();
        String localName = testbed.registryHost() + "/" + repository + ":701";
        try (EngineFront front = EngineFront.unixSocket(work.resolve("engine.sock"))) {
            // the moment the image is asked for (pushed; on containerd's store, saved to be uploaded by digest),
            // another client points the run's local name elsewhere
            front.before(Pattern.compile(onCurrentEngine() ? "^GET /\\S*images/\\S+/get" : "^POST /\\S*images/\\S+/push"),
                    () -> retag(intruderName, localName));

            RunResult result = buildPush(app("ours"), "701", "$(Build.BuildId),latest")
                    .env("DOCKER_HOST", "unix://" + work.resolve("engine.sock")).run();

            assertThat(result.exitCode()).as(result.toString()).isZero();
            String digest = result.outputs().get("digest");
            if (onCurrentEngine()) {
                // the image goes up by its id, never by a name: nothing to catch, the run's own image is published
                assertThat(result.all()).doesNotContain("re-tagged it meanwhile");
                assertThat(isThisImage(digest, builtImage(result))).as(result.toString()).isTrue();
                assertThat(testbed.manifestDigest(repository, "latest")).contains(digest);
                return;
            }
            assertThat(result.all()).contains("re-tagged it meanwhile");
            assertThat(repoDigests(builtImage(result))).contains(testbed.registryHost() + "/" + repository + "@" + digest);
            assertThat(repoDigests(intruderName)).doesNotContain(testbed.registryHost() + "/" + repository + "@" + digest);
            assertThat(testbed.manifestDigest(repository, "701")).contains(digest);
            assertThat(testbed.manifestDigest(repository, "latest")).contains(digest);
        } finally {
            DockerCli.removeLocal(List.of(intruderName, localName, testbed.registryHost() + "/" + repository + ":latest"));
        }
    }

    @Test
    void parallelRunsOnOneEngineWithTheSameTagsNeverReportAnImageTheyDidNotBuild() throws Exception {
        Path first = app("first");
        Path second = app("second");
        for (int round = 0; round < 3; round++) {
            String a = "71" + round;
            String b = "72" + round;
            CompletableFuture<RunResult> runA = CompletableFuture.supplyAsync(() -> run(first, a));
            CompletableFuture<RunResult> runB = CompletableFuture.supplyAsync(() -> run(second, b));
            for (RunResult result : List.of(runA.join(), runB.join())) {
                if (result.exitCode() == 0 && onCurrentEngine()) {
                    // uploaded by its id: the digest reported is the image built
                    assertThat(isThisImage(result.outputs().get("digest"), builtImage(result)))
                            .as("round %d\n%s", round, result).isTrue();
                } else if (result.exitCode() == 0) {
                    String reported = testbed.registryHost() + "/" + repository + "@" + result.outputs().get("digest");
                    assertThat(repoDigests(builtImage(result))).as("round %d\n%s", round, result).contains(reported);
                } else {
                    // the run that lost the first tag to the other says so and writes no further tag
                    assertThat(String.join("\n", result.errors())).as("round %d\n%s", round, result)
                            .contains("another run published the same tag at the same moment");
                    assertThat(result.stdout()).doesNotContain("Tagged ");
                }
            }
        }
        DockerCli.removeLocal(List.of(testbed.registryHost() + "/" + repository + ":shared",
                testbed.registryHost() + "/" + repository + ":latest"));
    }

    private RunResult run(Path context, String buildId) {
        try {
            return buildPush(context, buildId, "shared,latest").run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void twoRunsCreatingOneRepositoryAtOnceBothSucceed() throws Exception {
        testbed.rendezvous("DescribeRepositories", repository, 2);
        Path first = app("first");
        Path second = app("second");

        CompletableFuture<RunResult> runA = CompletableFuture.supplyAsync(() -> runWithTags(first, "731"));
        CompletableFuture<RunResult> runB = CompletableFuture.supplyAsync(() -> runWithTags(second, "732"));

        for (RunResult result : List.of(runA.join(), runB.join())) {
            assertThat(result.exitCode()).as(result.toString()).isZero();
        }
        List<ControlPlaneCall> creates = testbed.calls().stream()
                .filter(c -> c.operation().equals("CreateRepository"))
                .filter(c -> Optional.ofNullable(c.parameters().get("repositoryName")).equals(Optional.of(repository)))
                .toList();
        assertThat(creates).hasSize(2);
        assertThat(creates).extracting(c -> c.errorCode().orElse("ok"))
                .containsExactlyInAnyOrder("ok", "RepositoryAlreadyExistsException");
        assertThat(testbed.tagsOf(repository)).containsExactlyInAnyOrder("731", "732");
    }

    private RunResult runWithTags(Path context, String buildId) {
        try {
            return buildPush(context, buildId, "$(Build.BuildId)").run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void retag(String image, String name) {
        try {
            DockerCli.Result tagged = DockerCli.run(Map.of(), "tag", image, name);
            if (tagged.exitCode() != 0) {
                throw new IllegalStateException(tagged.output());
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
