package io.ecrflow.cli;

import io.ecrflow.UserError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The build context folder and Dockerfile a command was given, found the way Docker@2 finds them and checked
 * to exist before any call: the Dockerfile may be a pattern ({@code **}/Dockerfile) that must match exactly one
 * file, and without a context the build runs in the Dockerfile's folder (Docker@2's {@code buildContext: **}).
 *
 * @param context    the build context folder
 * @param dockerfile the Dockerfile
 */
record BuildFiles(Path context, Path dockerfile) {
    private static final String GLOB_CHARACTERS = "*?[{";
    // Folders no Dockerfile pattern means to search, and which can be large.
    private static final Set<String> NOT_SEARCHED = Set.of(".git", "node_modules");

    /**
     * @param contextInput    the input that names the folder ({@code context}, {@code testContext})
     * @param dockerfileInput the input that names the Dockerfile ({@code dockerfile}, {@code testDockerfile})
     */
    static BuildFiles find(Optional<String> context, Optional<String> dockerfile, Path workingDirectory,
                           String contextInput, String dockerfileInput) {
        Optional<Path> file = dockerfile.map(given -> isPattern(given)
                ? onlyMatch(given, workingDirectory, dockerfileInput)
                : workingDirectory.resolve(given).normalize());
        Optional<String> folder = context.filter(given -> !given.equals("**"));
        Path contextDir;
        if (folder.isPresent()) {
            contextDir = existingContext(folder.get(), workingDirectory, contextInput);
        } else if (file.isPresent()) {
            // a missing Dockerfile is what to fix then, not the folder derived from it
            Path parent = existingDockerfile(file, workingDirectory, dockerfileInput).getParent();
            contextDir = existingContext(parent == null ? "." : parent.toString(), workingDirectory, contextInput);
        } else {
            contextDir = existingContext(".", workingDirectory, contextInput);
        }
        return new BuildFiles(contextDir, existingDockerfile(file, contextDir, dockerfileInput));
    }

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
        return existingDockerfile(given.map(f -> workingDirectory.resolve(f).normalize()), contextDir, dockerfileInput);
    }

    private static Path existingDockerfile(Optional<Path> given, Path contextDir, String dockerfileInput) {
        Path file = given.orElse(contextDir.resolve("Dockerfile"));
        if (!Files.isRegularFile(file)) {
            throw new UserError("Dockerfile not found: " + file + ". Set '" + dockerfileInput + "' to its path, or put a "
                    + "file named Dockerfile in the context folder.", dockerfileInput);
        }
        return file;
    }

    private static boolean isPattern(String text) {
        return text.chars().anyMatch(c -> GLOB_CHARACTERS.indexOf(c) >= 0);
    }

    /**
     * The one file under the working folder the glob matches. {@code **}/ at the start also matches at the top, as
     * in Docker@2 (minimatch), where Java's glob wants a folder first.
     */
    private static Path onlyMatch(String pattern, Path workingDirectory, String input) {
        String glob = pattern.replace('\\', '/');
        List<PathMatcher> matchers = Stream.of(glob, glob.startsWith("**/") ? glob.substring(3) : glob).distinct()
                .map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
        List<Path> matches;
        try (Stream<Path> files = Files.walk(workingDirectory)) {
            matches = files.filter(path -> !searchedPast(workingDirectory.relativize(path)))
                    .filter(Files::isRegularFile)
                    .filter(path -> matchers.stream().anyMatch(m -> m.matches(workingDirectory.relativize(path))))
                    .sorted().limit(6).toList();
        } catch (IOException | UncheckedIOException e) {
            throw new UserError("Could not search " + workingDirectory + " for the Dockerfile pattern '" + pattern + "': "
                    + e.getMessage(), input, e);
        }
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.isEmpty()) {
            throw new UserError("The Dockerfile pattern '" + pattern + "' (input '" + input + "') matches no file under "
                    + workingDirectory + ". Fix the pattern, or give the Dockerfile's path.", input);
        }
        String found = matches.stream().limit(5).map(path -> workingDirectory.relativize(path).toString())
                .collect(Collectors.joining(", "));
        throw new UserError("The Dockerfile pattern '" + pattern + "' (input '" + input + "') matches more than one file ("
                + found + (matches.size() > 5 ? ", ..." : "") + "), so which image to build is a guess. Give the "
                + "Dockerfile's path, or a pattern that matches one file.", input);
    }

    private static boolean searchedPast(Path relative) {
        for (Path part : relative) {
            if (NOT_SEARCHED.contains(part.toString())) {
                return true;
            }
        }
        return false;
    }
}
