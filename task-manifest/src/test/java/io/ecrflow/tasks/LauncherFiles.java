package io.ecrflow.tasks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The launcher's files (task-manifest/launcher/*.js): launcher.js and the modules it requires, copied into every task. */
final class LauncherFiles {
    private LauncherFiles() {
    }

    static List<Path> all() {
        try (Stream<Path> files = Files.list(Repo.taskManifests().resolve("launcher"))) {
            return files.filter(file -> file.getFileName().toString().endsWith(".js")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
