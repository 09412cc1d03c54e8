package io.ecrflow.tasks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The extension laid out by scripts/stage-extension.sh, as the .vsix holds it and the agent downloads
 * it: each task folder with its launcher and the packed runner, which the launcher unpacks on a task's
 * first step. Staged once per test run.
 */
final class StagedExtension {
    static final String RUNNER_JAR = "ecrflow-runner.jar";
    static final String PACKED_RUNNER = RUNNER_JAR + ".br";
    private static Path stage;

    private StagedExtension() {
    }

    /** The staged folder of a task, e.g. .../task-manifest/EcrLoginV1. */
    static Path taskFolder(TaskManifest task) {
        return root().resolve("task-manifest").resolve(task.folder().getFileName());
    }

    /**
     * A fresh copy of a task's staged folder as the agent downloads it: the runner still packed, even if
     * steps run from the shared folder have unpacked it there already.
     */
    static Path copyOfTaskFolder(TaskManifest task, Path into) throws IOException {
        Path copy = Files.createDirectories(into.resolve(task.folder().getFileName()));
        try (Stream<Path> files = Files.list(taskFolder(task))) {
            for (Path file : files.filter(f -> !f.getFileName().toString().equals(RUNNER_JAR)).toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        return copy;
    }

    static synchronized Path root() {
        if (stage == null) {
            try {
                Path dir = Files.createTempDirectory("ecrflow-stage");
                Process process = new ProcessBuilder("bash", Repo.root().resolve("scripts/stage-extension.sh").toString(),
                        Repo.runnerJar().toString(), dir.toString()).redirectErrorStream(true).start();
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                    throw new IllegalStateException("scripts/stage-extension.sh failed:\n" + output);
                }
                Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
                stage = dir;
            } catch (IOException e) {
                throw new IllegalStateException("could not stage the extension", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return stage;
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind holds no secrets: only manifests, scripts and the jar
        }
    }
}
