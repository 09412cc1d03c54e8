package io.ecrflow.platform;

import io.ecrflow.dockerfile.BaseImage;
import io.ecrflow.dockerfile.Dockerfile;

import io.ecrflow.UserError;
import io.ecrflow.docker.BuildRequest;
import io.ecrflow.docker.Containers;
import io.ecrflow.docker.DockerEngine;
import io.ecrflow.docker.ImageBuilder;
import io.ecrflow.docker.RunningContainer;
import io.ecrflow.pipeline.PhaseTimer;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.publish.ImageBuild;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.RegistryCredential;
import io.ecrflow.registry.RepositoryName;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Proves a candidate platform image runs a real application before anything is published: builds the
 * test application on the candidate, starts it, waits for its HTTP endpoint to answer as expected, and
 * removes the container and the test image whatever happened. On failure the container's log is shown.
 */
public final class IntegrationTest {
    static final String INPUT = "testDockerfile";
    private static final int LOG_LINES = 200;

    private final Pipeline pipeline;
    private final DockerEngine engine;
    private final Containers containers;
    private final EndpointProbe probe;

    public IntegrationTest(Pipeline pipeline, DockerEngine engine, Containers containers, Clock clock) {
        this.pipeline = pipeline;
        this.engine = engine;
        this.containers = containers;
        this.probe = new EndpointProbe(clock);
    }

    /**
     * Runs the options' test on {@code candidate}, a version of the platform image built on {@code base}; with no test
     * configured, says so.
     *
     * @param pullAuth credentials for other images the test application's build pulls
     */
    public void prove(PlatformImageOptions options, ImageRef candidate, BaseImage base, ImageBuilder builder,
                      List<RegistryCredential> pullAuth) {
        if (options.test().isEmpty()) {
            pipeline.warning("No integration test is configured (testDockerfile), so " + candidate.tag()
                    + (options.push() ? " is published untested." : " is not tested."));
            return;
        }
        RepositoryName platform = options.repository().name();
        Predicate<ImageRef> namesPlatform = ref -> ref.repository().equals(platform)
                || ref.host().isDockerHub() && ref.repository().value().equals("library/" + platform)
                || ref.registry().equals(base.ref().registry()) && ref.repository().equals(base.ref().repository());
        run(options.test().get(), candidate, namesPlatform, builder, pullAuth);
    }

    /**
     * @param namesPlatform which FROM images stand for the platform image in the test Dockerfile
     * @param pullAuth      credentials for other images the test application's build pulls
     */
    public void run(TestApp app, ImageRef candidate, Predicate<ImageRef> namesPlatform, ImageBuilder builder,
                    List<RegistryCredential> pullAuth) {
        String testImage = "ecrflow-test/" + candidate.repository() + ":" + UUID.randomUUID().toString().substring(0, 8);
        Optional<Path> rewritten = Optional.empty();
        try {
            Dockerfile dockerfile = Dockerfile.read(app.dockerfile(), INPUT);
            Map<String, String> buildArgs = Map.of();
            if (app.baseArg().isPresent()) {
                buildArgs = baseArgument(dockerfile, app, candidate);
            } else {
                rewritten = Optional.of(rewrite(dockerfile, app, candidate, namesPlatform));
            }
            Map<String, String> args = buildArgs;
            Path dockerfileToBuild = rewritten.orElse(app.dockerfile());
            PhaseTimer.time(pipeline, "Test", () -> {
                build(app, dockerfileToBuild, args, testImage, builder, pullAuth);
                runAndProbe(app, testImage);
                return null;
            });
        } finally {
            rewritten.ifPresent(IntegrationTest::deleteQuietly);
            engine.removeImage(testImage);
        }
    }

    private Map<String, String> baseArgument(Dockerfile dockerfile, TestApp app, ImageRef candidate) {
        String name = app.baseArg().get();
        if (!TestDockerfile.declaresArg(dockerfile, name)) {
            throw new UserError("The test Dockerfile " + app.dockerfile() + " declares no ARG " + name + ", so the "
                    + "platform image cannot be passed in as that build argument. Declare it (ARG " + name
                    + " before the first FROM, then FROM ${" + name + "}), or fix testBaseArg.", "testBaseArg");
        }
        pipeline.info("The test application gets the new platform image as build argument " + name + ".");
        return Map.of(name, candidate.toString());
    }

    /** Writes the rewritten Dockerfile next to the original: the engine's builder needs it inside the context. */
    private Path rewrite(Dockerfile dockerfile, TestApp app, ImageRef candidate, Predicate<ImageRef> namesPlatform) {
        String text = TestDockerfile.withBase(dockerfile, candidate.toString(), namesPlatform).orElseThrow(() ->
                new UserError("No FROM in the test Dockerfile " + app.dockerfile() + " names the platform image "
                        + "(its ECR repository, e.g. FROM " + candidate.repository() + ":<tag>) or its base image, so "
                        + "there is nothing to replace with the new version. Name one of them in a FROM, or pass "
                        + "the image as a build argument with testBaseArg.", INPUT));
        Path file = app.dockerfile().resolveSibling(app.dockerfile().getFileName() + ".ecrflow-"
                + UUID.randomUUID().toString().substring(0, 8));
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError("Could not write the test Dockerfile with the new base next to " + app.dockerfile()
                    + ": " + e.getMessage(), INPUT, e);
        }
        pipeline.info("The test application's FROM now names the new platform image " + candidate + ".");
        return file;
    }

    private void build(TestApp app, Path dockerfile, Map<String, String> buildArgs, String testImage,
                       ImageBuilder builder, List<RegistryCredential> pullAuth) {
        try {
            new ImageBuild(pipeline).buildWithin("the test application " + app.dockerfile(), builder,
                    new BuildRequest(app.context(), dockerfile, buildArgs, Optional.empty(), Map.of(), Optional.empty(),
                            false, false, testImage, pullAuth));
        } catch (UserError e) {
            throw new UserError("The integration test failed: the test application did not build on the new platform "
                    + "image. " + e.getMessage(), INPUT, e);
        }
    }

    private void runAndProbe(TestApp app, String testImage) {
        RunningContainer container = containers.start(testImage, app.port());
        try {
            pipeline.info("Started the test application; waiting up to " + app.timeout().toSeconds() + " s for GET "
                    + app.path() + " on port " + app.port() + " to answer " + app.expectedStatus() + ".");
            EndpointProbe.Outcome outcome = probe.await(container.addresses(), app.path(), app.expectedStatus(),
                    app.timeout(), () -> containers.state(container.id()));
            if (!outcome.passed()) {
                showLog(container);
                throw new UserError("The integration test failed: " + outcome.observation() + ". The test "
                        + "application's log is shown above; nothing was published.", INPUT);
            }
            pipeline.info("Integration test passed: " + outcome.observation() + ".");
        } finally {
            containers.remove(container.id());
        }
    }

    private void showLog(RunningContainer container) {
        List<String> lines = containers.logs(container.id(), LOG_LINES);
        pipeline.info("Log of the test application (last " + LOG_LINES + " lines at most):");
        if (lines.isEmpty()) {
            pipeline.info("  (it printed nothing)");
        }
        lines.forEach(line -> pipeline.relay("  | " + line));
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a temporary copy in the checkout; the next checkout cleans it
        }
    }
}
