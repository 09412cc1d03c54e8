package io.ecrflow.tasks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On an agent that keeps its tools directory, the launcher makes a start-up archive of the runner's
 * classes on a task's first step and starts Java with it on every later one; where the tools directory
 * is new every job (Microsoft-hosted agents) it makes none, as it would not pay back.
 */
class StartupArchiveIT {
    @TempDir
    Path sources;
    @TempDir
    Path tasks;
    @TempDir
    Path tools;

    @Test
    void aSelfHostedAgentMakesTheArchiveOnceAndLaterStepsStartWithIt() throws Exception {
        Path folder = StagedExtension.copyOfTaskFolder(TaskManifest.named("EcrLogin"), tasks);

        StepResult first = loginStep(folder).variable("AGENT_ISSELFHOSTED", "1").run();

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.result()).contains("Succeeded");
        assertThat(first.stdout()).contains("Making a Java start-up archive").contains("Java start-up archive ready");
        List<Path> archives = filesUnder(tools);
        assertThat(archives).as("one archive, nothing half-written").singleElement()
                // an AppCDS archive before JDK 25, an AOT cache from it on
                .satisfies(archive -> assertThat(archive.getFileName().toString()).matches("login-[0-9a-f]{16}\\.(jsa|aot)"))
                .satisfies(archive -> assertThat(archive).startsWith(tools.resolve("ecrflow").resolve("EcrLogin")));

        StepResult second = loginStep(folder).variable("AGENT_ISSELFHOSTED", "1").run();

        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.result()).contains("Succeeded");
        assertThat(second.outputs()).containsKey("registry");
        assertThat(second.stdout()).contains("Starting Java with the start-up archive " + archives.get(0))
                .doesNotContain("Making a Java start-up archive");
        assertThat(filesUnder(tools)).containsExactlyElementsOf(archives);
    }

    @ParameterizedTest(name = "self-hosted {0}, ecrflow.javaArchive ''{1}''")
    @CsvSource({"0, ''", "0, auto", "1, false"})
    void noArchiveWhereItWouldNotPayBackOrIsTurnedOff(String selfHosted, String choice) throws Exception {
        Path folder = StagedExtension.copyOfTaskFolder(TaskManifest.named("EcrLogin"), tasks);

        StepResult step = loginStep(folder).variable("AGENT_ISSELFHOSTED", selfHosted).variable("ECRFLOW_JAVAARCHIVE", choice).run();

        assertThat(step.exitCode()).as(step.toString()).isZero();
        assertThat(step.stdout()).doesNotContain("start-up archive");
        assertThat(filesUnder(tools)).isEmpty();
    }

    @Test
    void aHostedAgentCanAskForTheArchive() throws Exception {
        Path folder = StagedExtension.copyOfTaskFolder(TaskManifest.named("EcrLogin"), tasks);

        StepResult step = loginStep(folder).variable("AGENT_ISSELFHOSTED", "0").variable("ECRFLOW_JAVAARCHIVE", "true").run();

        assertThat(step.exitCode()).as(step.toString()).isZero();
        assertThat(filesUnder(tools)).hasSize(1);
    }

    @Test
    void anUnknownChoiceFailsTheStepWithTheValuesThatWork() throws Exception {
        StepResult step = loginStep(StagedExtension.copyOfTaskFolder(TaskManifest.named("EcrLogin"), tasks))
                .variable("AGENT_ISSELFHOSTED", "1").variable("ECRFLOW_JAVAARCHIVE", "sometimes").run();

        assertThat(step.exitCode()).isNotZero();
        assertThat(step.errors()).singleElement().asString()
                .contains("ecrflow.javaArchive is 'sometimes'").contains("true").contains("false").contains("auto");
        assertThat(filesUnder(tools)).isEmpty();
    }

    @Test
    void aNewArchiveReplacesThoseOfOtherTaskVersionsAndOfAnotherJavaButNoOtherCommandsOrPartialOnes() throws Exception {
        Path folder = StagedExtension.copyOfTaskFolder(TaskManifest.named("EcrLogin"), tasks);
        StepResult first = loginStep(folder).variable("AGENT_ISSELFHOSTED", "1").run();
        assertThat(first.exitCode()).as(first.toString()).isZero();
        Path archive = filesUnder(tools).get(0);
        Path versionFolder = archive.getParent();
        String extension = archive.getFileName().toString().replaceAll(".*\\.", "");
        // what earlier task versions, an earlier Java and other steps left on this agent
        Path olderVersion = Files.createDirectories(versionFolder.resolveSibling("0.9.0")).resolve("login-0123456789abcdef.jsa");
        Path otherJava = versionFolder.resolve("login-00000000000000ff." + extension);
        Path otherCommand = versionFolder.resolve("build-push-0123456789abcdef." + extension);
        Path beingWritten = versionFolder.resolve("login-00000000000000ee." + extension + ".4242.partial");
        for (Path file : List.of(olderVersion, otherJava, otherCommand, beingWritten)) {
            Files.writeString(file, "an archive");
        }
        // the runner jar or Java changed: this step makes the archive anew
        Files.delete(archive);

        StepResult next = loginStep(folder).variable("AGENT_ISSELFHOSTED", "1").run();

        assertThat(next.exitCode()).as(next.toString()).isZero();
        assertThat(next.stdout()).contains("Java start-up archive ready").contains("Removed 2 outdated start-up archives");
        assertThat(filesUnder(tools)).containsExactlyInAnyOrder(archive, otherCommand, beingWritten);
        assertThat(versionFolder.resolveSibling("0.9.0")).doesNotExist();
    }

    private AgentStep loginStep(Path folder) {
        return AgentStep.main("EcrLogin", sources)
                .fromTaskFolder(folder)
                .serviceConnection(ServiceConnection.withExampleKeys())
                .variables(SharedTestbed.endpointVariables())
                .variable("AGENT_TOOLSDIRECTORY", tools.toString());
    }

    private static List<Path> filesUnder(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
