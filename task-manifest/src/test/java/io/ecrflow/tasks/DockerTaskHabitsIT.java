package io.ecrflow.tasks;

import io.ecrflow.testbed.apps.SampleApp;
import io.ecrflow.testbed.Testbed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pipeline written the Docker@2 way, run as the agent runs EcrBuildPush@1 against the real engine: the
 * Dockerfile in a subfolder and no context (its folder is the context), a {@code **}/Dockerfile pattern, and
 * the error a context without the COPY sources gets (docs/coming-from-docker-task.md).
 */
class DockerTaskHabitsIT {
    private final Testbed testbed = SharedTestbed.get();

    @TempDir
    Path sources;

    @Test
    void aDockerfileInASubfolderWithoutAContextBuildsInItsFolder() throws Exception {
        SampleApp.create(sources, "docker2");
        String repository = unique("team/docker2");

        StepResult step = push(repository).input("dockerfile", "src/Dockerfile").run();

        assertThat(step.exitCode()).as(step.toString()).isZero();
        assertThat(testbed.tagsOf(repository)).containsExactly("91");
    }

    @Test
    void aPatternThatMatchesOneDockerfileIsThatDockerfile() throws Exception {
        SampleApp.create(sources, "pattern");
        String repository = unique("team/pattern");

        StepResult step = push(repository).input("dockerfile", "**/Dockerfile").run();

        assertThat(step.exitCode()).as(step.toString()).isZero();
        assertThat(testbed.tagsOf(repository)).containsExactly("91");
    }

    @Test
    void aContextWithoutTheCopySourcesIsNamedInTheError() throws Exception {
        SampleApp.create(sources, "wrong-context");
        String repository = unique("team/wrong-context");

        // the sources folder as context, while the Dockerfile's COPY paths are relative to src/
        StepResult step = push(repository).input("dockerfile", "src/Dockerfile").input("context", ".").run();

        assertThat(step.exitCode()).isNotZero();
        assertThat(step.errors()).singleElement().asString()
                .contains("is not in the build context " + sources.toRealPath())
                .contains("Set 'context' to the folder they are relative to");
        assertThat(testbed.repository(repository)).as("a failed build leaves ECR untouched").isEmpty();
    }

    @Test
    void removeLocalImageLeavesNoNameOfTheRunInTheEngine() throws Exception {
        SampleApp.create(sources, "remove-local");
        String repository = unique("team/remove-local");

        StepResult step = push(repository).input("dockerfile", "src/Dockerfile").input("removeLocalImage", "true").run();

        assertThat(step.exitCode()).as(step.toString()).isZero();
        assertThat(testbed.tagsOf(repository)).containsExactly("91");
        String pushed = step.outputs().get("imageUri");
        assertThat(engineKnows(pushed)).as("the engine still has " + pushed).isFalse();
        assertThat(step.stdout()).contains("from the Docker Engine (removeLocalImage)");
    }

    @Test
    void docker2sInputNamesAndArgumentsCarryOver() throws Exception {
        SampleApp.create(sources, "docker2-inputs");
        String repository = unique("team/docker2-inputs");

        // the inputs as a Docker@2 step has them: Dockerfile, buildContext, arguments
        StepResult step = push(repository).input("Dockerfile", "src/Dockerfile").input("buildContext", "src")
                .input("arguments", "--build-arg GREETING=hello --label team=web --no-cache --pull").run();

        assertThat(step.exitCode()).as(step.toString()).isZero();
        assertThat(testbed.tagsOf(repository)).containsExactly("91");
        String labels = inspect(step.outputs().get("imageUri"), "{{json .Config.Labels}}");
        assertThat(labels).contains("\"team\":\"web\"");
    }

    @Test
    void anArgumentEcrflowHasAnInputForIsRefusedNamingTheInput() throws Exception {
        SampleApp.create(sources, "docker2-refused");
        String repository = unique("team/docker2-refused");

        StepResult step = push(repository).input("dockerfile", "src/Dockerfile").input("arguments", "-t web:1 --quiet").run();

        assertThat(step.exitCode()).isNotZero();
        assertThat(step.errors()).singleElement().asString()
                .contains("-t (give the tags in 'tags'; the repository in 'repository')")
                .contains("--quiet (ecrflow shows the build's log in a group of its own)");
        assertThat(testbed.repository(repository)).as("nothing was built or pushed").isEmpty();
    }

    /** What {@code docker image inspect --format} says of an image the agent's engine has. */
    private static String inspect(String image, String format) throws Exception {
        Process inspect = new ProcessBuilder("docker", "image", "inspect", "--format", format, image)
                .redirectErrorStream(true).start();
        String out = new String(inspect.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(inspect.waitFor()).as(out).isZero();
        return out;
    }

    /** Whether the agent's Docker Engine has an image of this name (docker image inspect, as a user would ask). */
    private static boolean engineKnows(String image) throws Exception {
        Process inspect = new ProcessBuilder("docker", "image", "inspect", image).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return inspect.waitFor() == 0;
    }

    private AgentStep push(String repository) {
        return AgentStep.main("EcrBuildPush", sources).serviceConnection(ServiceConnection.withExampleKeys())
                .input("repository", repository)
                .input("tags", "$(Build.BuildId)")
                .variables(Pipelines.build("91", "main")).variables(SharedTestbed.endpointVariables());
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
