package io.ecrflow.it;

import io.ecrflow.testbed.neighbours.EngineFront;
import io.ecrflow.testbed.apps.SampleApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A machine whose docker CLI is set to a docker context (as Colima or rootless Docker set it up) and has
 * no DOCKER_HOST: the build, through the docker CLI, and the push, through the engine API, both go to the
 * context's engine. Here that engine is the real one behind a socket of the test's own ({@link EngineFront}),
 * which notes the requests that pass.
 */
class DockerContextIT extends TestBedTest {
    private EngineFront front;

    @AfterEach
    void closeFront() throws Exception {
        if (front != null) {
            front.close();
        }
    }

    @Test
    void theBuildAndThePushGoToTheEngineOfTheCurrentContext() throws Exception {
        SampleApp.create(work, "context");
        Path home = Files.createDirectories(work.resolve("home"));
        Path contextSocket = work.resolve("engine.sock");
        front = EngineFront.unixSocket(contextSocket);
        writeCurrentContext(home, "ci", "unix://" + contextSocket);
        String repository = "team/context-" + UUID.randomUUID().toString().substring(0, 8);

        RunResult result = runner("build-push", "--repository", repository, "--context", "src", "--tags", "v1",
                "--builder", "buildkit")
                .env(TestBedFixture.awsEnvironment()).env("HOME", home.toString()).in(work).run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(testbed.tagsOf(repository)).containsExactly("v1");
        assertThat(front.requests()).as("the docker CLI's BuildKit build came through the context's socket")
                .anyMatch(request -> request.matches("POST /v[0-9.]+/build\\?.*"));
        assertThat(front.requests()).as("and so did docker-java's push")
                .anyMatch(request -> request.startsWith("POST /images/") && request.contains(repository.replace("/", "%2F") + "/push"));
    }

    @Test
    void aContextWhoseEngineIsNotThereIsNamedInTheError() throws Exception {
        SampleApp.create(work, "context-gone");
        Path home = Files.createDirectories(work.resolve("home"));
        writeCurrentContext(home, "ci", "unix://" + work.resolve("nothing-listens.sock"));

        RunResult result = runner("build-push", "--repository", "team/context-gone", "--context", "src", "--tags", "v1")
                .env(TestBedFixture.awsEnvironment()).env("HOME", home.toString()).in(work).run();

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stdout() + result.stderr()).contains("No Docker Engine is reachable at unix://"
                + work.resolve("nothing-listens.sock") + " (from docker context 'ci')");
    }

    /** As `docker context create ci --docker host=…` and `docker context use ci` leave them. */
    private static void writeCurrentContext(Path home, String name, String host) throws Exception {
        String id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)));
        Path meta = Files.createDirectories(home.resolve(".docker/contexts/meta").resolve(id));
        Files.writeString(meta.resolve("meta.json"), """
                {"Name":"%s","Metadata":{},"Endpoints":{"docker":{"Host":"%s","SkipTLSVerify":false}}}
                """.formatted(name, host));
        Files.writeString(home.resolve(".docker/config.json"), "{\"currentContext\":\"%s\"}".formatted(name));
    }
}
