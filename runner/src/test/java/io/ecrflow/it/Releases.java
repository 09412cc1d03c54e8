package io.ecrflow.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * ecrflow's GitHub releases, as the CI set-ups download them: the release folder is made by the packaging
 * script's own step ({@code scripts/lib/release-jar.sh}) from the jar under test, and a {@code curl} in
 * front of the real one serves {@code https://github.com/ecrflow/ecrflow/releases/download/<tag>/<file>}
 * from it. Every other URL is refused: the machine has no network.
 */
final class Releases {
    static final String RELEASES = "https://github.com/ecrflow/ecrflow/releases/download/";

    private Releases() {
    }

    /** The folder of the repository (action.yml, docs/, scripts/) the tests run from. */
    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.isRegularFile(dir.resolve("action.yml")) && Files.isDirectory(dir.resolve("scripts")))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    static Path runnerJar() {
        return Path.of(System.getProperty("ecrflow.runner.jar"));
    }

    /** Runs the release step on the jar under test; returns the folder holding the jar and its .sha256. */
    static Path release(Path jar, Path folder) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("bash", repositoryRoot().resolve("scripts/lib/release-jar.sh").toString(),
                jar.toString(), folder.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("release-jar.sh failed: " + output);
        }
        return folder;
    }

    /** A folder to put first on PATH: its curl serves the release folder for github.com's release URLs. */
    static Path curlServing(Path releaseFolder, Path binFolder) throws IOException {
        Files.createDirectories(binFolder);
        Path curl = binFolder.resolve("curl");
        String realCurl = List.of("/usr/bin/curl", "/bin/curl").stream().filter(p -> Files.isExecutable(Path.of(p)))
                .findFirst().orElseThrow(() -> new IllegalStateException("curl is not installed"));
        Files.writeString(curl, """
                #!/bin/bash
                # github.com's release downloads, served from the test's release folder; no other network
                args=()
                for arg in "$@"; do
                  case $arg in
                    %s*) arg="file://%s/${arg##*/}" ;;
                    http://*|https://*) echo "curl stand-in: no network here ($arg)" >&2; exit 6 ;;
                  esac
                  args+=("$arg")
                done
                exec %s "${args[@]}"
                """.formatted(RELEASES, releaseFolder, realCurl));
        Files.setPosixFilePermissions(curl, PosixFilePermissions.fromString("rwxr-xr-x"));
        return binFolder;
    }
}
