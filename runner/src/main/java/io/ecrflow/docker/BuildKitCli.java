package io.ecrflow.docker;

import java.nio.file.Path;
import java.util.List;

/**
 * A docker CLI that can run a BuildKit build, and how to ask it for one.
 *
 * @param version the CLI's own version as it prints it, e.g. {@code 20.10.24+dfsg1}
 */
public record BuildKitCli(Path executable, String version, Mode mode) {

    public enum Mode {
        /** {@code docker buildx build --load}: the buildx plugin is installed. */
        BUILDX,
        /** {@code DOCKER_BUILDKIT=1 docker build}: a CLI from before 23.0 with BuildKit built in. */
        BUILT_IN
    }

    /** The start of the build command line, before any option. */
    List<String> buildCommand() {
        return mode == Mode.BUILDX
                ? List.of(executable.toString(), "buildx", "build", "--load")
                : List.of(executable.toString(), "build");
    }

    /** For messages: {@code docker CLI 20.10.24 at /usr/bin/docker}. */
    public String describe() {
        return "docker CLI " + version + " at " + executable + (mode == Mode.BUILDX ? " with buildx" : "");
    }
}
