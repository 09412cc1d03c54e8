package io.ecrflow.it;

import io.ecrflow.testbed.apps.SampleApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code build-push --registry-cache} on an engine made cold between runs, as a Microsoft-hosted agent starts
 * every job: the expensive step is taken from the cache in ECR instead of run again. What the step did is read
 * from BuildKit's log (the step's own output line, or {@code CACHED}), never from how long it took.
 * Making the engine cold prunes the engine's whole build cache, other tests' included; only this test's own
 * images are removed.
 */
class RegistryCacheIT extends TestBedTest {
    private static final Pattern STEP = Pattern.compile("^#(\\d+) \\[[^\\]]*\\] RUN .*");

    private final String marker = "expensive-" + UUID.randomUUID().toString().substring(0, 8);
    private final String repository = "team/cache-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void removeThisTestsImages() throws Exception {
        DockerCli.removeLocal(localImages());
    }

    @Test
    void aColdEngineTakesTheExpensiveStepFromTheRegistryCacheAndTheCacheTagIsNoUserTag() throws Exception {
        String cache = testbed.registryHost() + "/" + repository + ":buildcache";
        writeContext();

        RunResult warm = buildPush("901", "--registry-cache", "true");
        assertThat(warm.exitCode()).as(warm.toString()).isZero();
        assertThat(stepRan(warm)).as("the first run builds the step\n%s", warm).isTrue();
        // buildx (current engine) names its cache type; the docker CLI's built-in BuildKit takes the reference alone
        assertThat(warm.stdout()).contains("--cache-from " + (onCurrentEngine() ? "type=registry,ref=" : "") + cache);
        String warmCache = testbed.manifestDigest(repository, "buildcache").orElseThrow();
        assertThat(warm.outputs()).containsEntry("tags", "901");
        assertThat(testbed.tagsOf(repository)).containsExactlyInAnyOrder("901", "buildcache");

        makeTheEngineCold();
        RunResult cold = buildPush("902", "--registry-cache", "true");

        assertThat(cold.exitCode()).as(cold.toString()).isZero();
        assertThat(stepCached(cold)).as("the expensive step comes from the registry cache\n%s", cold).isTrue();
        assertThat(stepRan(cold)).isFalse();
        assertThat(cold.stdout()).contains("importing cache manifest from " + cache);
        assertThat(cold.outputs()).containsEntry("tags", "902");
        assertThat(cold.outputs().get("imageUris")).doesNotContain("buildcache");
        assertThat(testbed.tagsOf(repository)).containsExactlyInAnyOrder("901", "902", "buildcache");
        if (onCurrentEngine()) {
            // buildx writes a cache manifest of its own, beside the image, during the build
            assertThat(testbed.manifestDigest(repository, "buildcache").orElseThrow())
                    .isNotIn(cold.outputs().get("digest"), warm.outputs().get("digest"));
        } else {
            // the inline cache is the image: the cache tag moved to the latest build
            assertThat(testbed.manifestDigest(repository, "buildcache").orElseThrow())
                    .isEqualTo(cold.outputs().get("digest")).isNotEqualTo(warmCache);
        }
    }

    @Test
    void withoutTheRegistryCacheAColdEngineRunsTheExpensiveStepAgain() throws Exception {
        writeContext();
        RunResult warm = buildPush("911", "--registry-cache", "true");
        assertThat(warm.exitCode()).as(warm.toString()).isZero();

        makeTheEngineCold();
        RunResult cold = buildPush("912");

        assertThat(cold.exitCode()).as(cold.toString()).isZero();
        assertThat(stepRan(cold)).as("without the cache the step runs again\n%s", cold).isTrue();
        assertThat(stepCached(cold)).isFalse();
        assertThat(cold.stdout()).doesNotContain("--cache-from");
        assertThat(testbed.tagsOf(repository)).containsExactlyInAnyOrder("911", "912", "buildcache");
    }

    private void writeContext() throws Exception {
        SampleApp.create(work, marker);
        Files.writeString(work.resolve("src/Dockerfile"), """
                FROM scratch
                COPY busybox /bin/busybox
                RUN ["/bin/busybox", "sh", "-c", "echo step-ran-%1$s; echo %1$s > /expensive.txt; /bin/busybox sleep 3"]
                COPY index.html /www/index.html
                CMD ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]
                """.formatted(marker));
    }

    private RunResult buildPush(String buildId, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("build-push", "--repository", repository, "--context", "src",
                "--tags", "$(Build.BuildId)", "--builder", "buildkit"));
        args.addAll(List.of(more));
        Files.createDirectories(work.resolve("agent-temp"));
        return runner(args.toArray(String[]::new))
                .env(TestBedFixture.awsEnvironment())
                .env(TestBedFixture.azurePipelineVariables(buildId, "0123456789abcdef0123456789abcdef01234567"))
                .env("AGENT_TEMPDIRECTORY", work.resolve("agent-temp").toString())
                .in(work)
                .run();
    }

    /** The step printed its line: it ran. */
    private boolean stepRan(RunResult result) {
        return result.lines().stream().anyMatch(line -> line.matches("^#\\d+ \\d+\\.\\d+ step-ran-" + marker + "$"));
    }

    /** BuildKit reported the expensive step as {@code CACHED}. */
    private boolean stepCached(RunResult result) {
        Optional<String> step = expensiveStep(result);
        return step.isPresent() && result.lines().contains("#" + step.get() + " CACHED");
    }

    private Optional<String> expensiveStep(RunResult result) {
        for (String line : result.lines()) {
            Matcher matcher = STEP.matcher(line);
            if (matcher.matches() && line.contains("step-ran-" + marker)) {
                return Optional.of(matcher.group(1));
            }
        }
        return Optional.empty();
    }

    /** As a fresh agent: none of this test's images, and no build cache at all. */
    private void makeTheEngineCold() throws Exception {
        DockerCli.removeLocal(localImages());
        assertThat(localImages()).as("every local name of the built image is gone").isEmpty();
        DockerCli.Result pruned = DockerCli.run(Map.of(), "builder", "prune", "-af");
        assertThat(pruned.exitCode()).as(pruned.output()).isZero();
    }

    /** Every local name of an image of this test's repository. */
    private List<String> localImages() throws Exception {
        DockerCli.Result listed = DockerCli.run(Map.of(), "image", "ls", "--format", "{{.Repository}}:{{.Tag}}",
                testbed.registryHost() + "/" + repository);
        assertThat(listed.exitCode()).as(listed.output()).isZero();
        return listed.output().lines().filter(line -> !line.isBlank()).toList();
    }
}
