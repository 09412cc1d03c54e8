package io.ecrflow.cli;

import io.ecrflow.UserError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The build context folder and Dockerfile a command was given, checked to exist before any call. */
final class BuildFiles {
    private BuildFiles() {
    }

    /**
     * @param contextInput the input that named the folder ({@code context}, {@code testContext})
     */
    static Path existingContext(String text, Path workingDirectory, String contextInput) {
        Path dir = workingDirectory.resolve(text).normalize();
        if (!Files.isDirectory(dir)) {
            throw new UserError("Build context '" + text + "' is not a folder (looked at " + dir + "). Set '" + contextInput
                    + "' to the folder the Dockerfile's COPY paths are relative to.", contextInput);
        }
        return dir;
    }

    /** Like {@code docker build -f}, a given path is relative to the working folder; the default sits in the context. */
    static Path existingDockerfile(Optional<String> given, Path contextDir, Path workingDirectory, String dockerfileInput) {
        Path file = given.map(f -> workingDirectory.resolve(f).normalize()).orElse(contextDir.resolve("Dockerfile"));
        if (!Files.isRegularFile(file)) {
            throw new UserError("Dockerfile not found: " + file + ". Set '" + dockerfileInput + "' to its path, or put a "
                    + "file named Dockerfile in the context folder.", dockerfileInput);
        }
        return file;
    }
}
