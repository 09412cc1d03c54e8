package io.ecrflow.testbed;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real docker CLI against the machine's Docker Engine, with its own client configuration
 * folder so logins stay inside the test. Passwords go through stdin, never the command line.
 */
final class DockerCli {

    record Result(int exitCode, String output) {
        boolean succeeded() {
            return exitCode == 0;
        }
    }

    private final Path configDir;

    DockerCli(Path configDir) {
        this.configDir = configDir;
    }

    static String binary() {
        Path debian = Path.of("/usr/bin/docker");
        return Files.isExecutable(debian) ? debian.toString() : "docker";
    }

    Result login(String registryHost, String password) {
        return runWithInput(password, "login", "--username", "AWS", "--password-stdin", registryHost);
    }

    Result run(String... args) {
        return runWithInput(null, args);
    }

    private Result runWithInput(String stdin, String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DOCKER_CONFIG", configDir.toString());
        // the classic builder needs no buildx plugin and is enough for FROM scratch images
        builder.environment().put("DOCKER_BUILDKIT", "0");
        try {
            Process process = builder.start();
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("docker " + args[0] + " did not finish within 2 minutes");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new IllegalStateException("Could not run " + binary() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running docker", e);
        }
    }

    /** Builds a two-layer FROM scratch image: busybox plus a marker file that makes its digest unique. */
    Result buildBusyboxImage(Path context, String marker, String tag) throws IOException {
        Files.createDirectories(context);
        Files.copy(Path.of("/bin/busybox"), context.resolve("busybox"));
        Files.writeString(context.resolve("marker.txt"), marker);
        Files.writeString(context.resolve("Dockerfile"), String.join("\n",
                "FROM scratch",
                "COPY busybox /bin/busybox",
                "COPY marker.txt /marker.txt",
                "CMD [\"/bin/busybox\", \"cat\", \"/marker.txt\"]",
                ""));
        return run("build", "--quiet", "--tag", tag, context.toString());
    }
}
