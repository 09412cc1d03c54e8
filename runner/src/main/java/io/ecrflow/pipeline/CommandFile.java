package io.ecrflow.pipeline;

import io.ecrflow.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;

/**
 * A file a CI reads after the step and the variable that names it: GitHub's {@code GITHUB_OUTPUT},
 * {@code GITHUB_ENV} and {@code GITHUB_STEP_SUMMARY}, CircleCI's {@code BASH_ENV}, an env file for CodeBuild.
 * Entries are appended; the CI (or a later shell) may already have written to it.
 */
record CommandFile(String variable, Path path) {

    /** The file the variable names, when it is set. */
    static Optional<CommandFile> named(Environment environment, String variable) {
        return environment.get(variable).map(file -> new CommandFile(variable, Path.of(file)));
    }

    /**
     * GitHub's format: {@code name=value}, or a heredoc with a random delimiter for multi-line values
     * (https://docs.github.com/actions/reference/workflow-commands-for-github-actions#multiline-strings).
     */
    void appendGitHubEntry(String name, String value) {
        if (value.contains("\n") || value.contains("\r")) {
            String delimiter = "ecrflow_" + UUID.randomUUID();
            append(name, name + "<<" + delimiter + "\n" + value + "\n" + delimiter + "\n");
        } else {
            append(name, name + "=" + value + "\n");
        }
    }

    /** {@code export NAME='value'}: a line bash, dash and zsh all read back as it was. */
    void appendExport(String name, String value) {
        append(name, "export " + name + "=" + ShellWords.quoted(value) + "\n");
    }

    void append(String what, String text) {
        try {
            Files.writeString(path, text, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UserError("Could not write '" + what + "' to the file named by " + variable + " (" + path
                    + "): " + e.getMessage() + ". Check that the variable points to a writable file, or unset it.",
                    variable, e);
        }
    }
}
