package io.ecrflow.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The docker CLI, for checking from the outside what the runner left in the engine and the registry. */
final class DockerCli {
    private DockerCli() {
    }

    record Result(int exitCode, String output) {
    }

    static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        // the current-engine tests drive that engine with the CLI its buildx plugin goes with
        command.add(System.getenv().getOrDefault("ECRFLOW_DOCKER_CLI", "docker"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("docker " + args[0] + " did not finish");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    /** The id of the image the engine knows by this name; empty when it knows none. */
    static java.util.Optional<String> imageId(String reference) throws IOException, InterruptedException {
        Result inspect = run(Map.of(), "image", "inspect", "--format", "{{.Id}}", reference);
        return inspect.exitCode() == 0 ? java.util.Optional.of(inspect.output().trim()) : java.util.Optional.empty();
    }

    /** Removes every local name of the image, so that a later pull must really fetch it. */
    static void removeLocal(List<String> references) throws IOException, InterruptedException {
        for (String reference : references) {
            run(Map.of(), "rmi", "--force", reference);
        }
    }
}
