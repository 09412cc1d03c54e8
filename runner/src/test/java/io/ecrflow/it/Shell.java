package io.ecrflow.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** bash, as a CI starts it for a script step: a fresh shell with the step's environment, stderr in the log. */
final class Shell {
    private Shell() {
    }

    record Result(int exitCode, String output) {
    }

    static Result bash(Map<String, String> env, String script) throws IOException, InterruptedException {
        return bash(env, Path.of(".").toAbsolutePath(), script);
    }

    /** {@code bash -eo pipefail -c script}: CircleCI's default shell, and what CodeBuild and GitHub run steps with. */
    static Result bash(Map<String, String> env, Path directory, String script) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of("bash", "-eo", "pipefail", "-c", script))
                .directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("script did not finish: " + script);
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
