package io.ecrflow.tasks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A task folder carries the runner packed; its launcher unpacks it on the task's first step on an agent,
 * reuses it after that, and turns a damaged download into an error that says how to get a good one.
 */
class PackedRunnerIT {
    @TempDir
    Path sources;
    @TempDir
    Path tasks;

    @Test
    void theFirstStepUnpacksTheRunnerOnceAndLaterStepsUseIt() throws Exception {
        Path folder = StagedExtension.copyOfTaskFolder(TaskManifest.named("EcrLogin"), tasks);
        assertThat(folder.resolve(StagedExtension.RUNNER_JAR)).doesNotExist();

        StepResult first = loginStep(folder).run();

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.stdout()).contains("Unpacking the ecrflow runner");
        Path jar = folder.resolve(StagedExtension.RUNNER_JAR);
        try (JarFile unpacked = new JarFile(jar.toFile()); JarFile built = new JarFile(Repo.runnerJar().toFile())) {
            assertThat(unpacked.getManifest().getMainAttributes()).isEqualTo(built.getManifest().getMainAttributes());
            assertThat(unpacked.stream().filter(e -> !e.isDirectory()).map(e -> e.getName() + " " + e.getCrc()).sorted())
                    .containsExactlyElementsOf(built.stream().filter(e -> !e.isDirectory()).map(e -> e.getName() + " " + e.getCrc())
                            .sorted().toList());
        }
        assertThat(Files.size(folder.resolve(StagedExtension.PACKED_RUNNER))).as("packed runner against the built jar")
                .isLessThan(Files.size(Repo.runnerJar()) * 6 / 10);

        StepResult second = loginStep(folder).run();

        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.stdout()).doesNotContain("Unpacking");
        assertThat(filesIn(folder)).noneMatch(name -> name.endsWith(".partial"));
    }

    @Test
    void aDamagedDownloadFailsTheStepWithHowToGetAGoodOneAndLeavesNoJar() throws Exception {
        Path folder = StagedExtension.copyOfTaskFolder(TaskManifest.named("EcrLogin"), tasks);
        Path packed = folder.resolve(StagedExtension.PACKED_RUNNER);
        byte[] bytes = Files.readAllBytes(packed);
        Files.write(packed, Arrays.copyOf(bytes, bytes.length / 2));

        StepResult step = loginStep(folder).run();

        assertThat(step.exitCode()).isNotZero();
        assertThat(step.result()).contains("Failed");
        assertThat(step.errors()).singleElement().asString().contains("The task folder is damaged").contains("_work/_tasks");
        assertThat(filesIn(folder)).noneMatch(name -> name.endsWith(".jar") || name.endsWith(".partial"));
    }

    private AgentStep loginStep(Path folder) {
        return AgentStep.main("EcrLogin", sources)
                .fromTaskFolder(folder)
                .serviceConnection(ServiceConnection.withExampleKeys())
                .variables(SharedTestbed.endpointVariables());
    }

    private static List<String> filesIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).toList();
        }
    }
}
