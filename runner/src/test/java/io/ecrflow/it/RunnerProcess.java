package io.ecrflow.it;

import io.ecrflow.testbed.net.TestbedTls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts the packaged runner jar the way a CI step does: a fresh JVM, a chosen environment (nothing
 * inherited but PATH and HOME), a working folder, and arguments.
 */
final class RunnerProcess {
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> args = new ArrayList<>();
    private Path workingDirectory = Path.of(".").toAbsolutePath();

    static RunnerProcess runner(String... arguments) {
        RunnerProcess process = new RunnerProcess();
        process.args.addAll(List.of(arguments));
        return process;
    }

    RunnerProcess env(String name, String value) {
        env.put(name, value);
        return this;
    }

    RunnerProcess env(Map<String, String> values) {
        env.putAll(values);
        return this;
    }

    RunnerProcess in(Path directory) {
        workingDirectory = directory;
        return this;
    }

    RunResult run() throws IOException, InterruptedException {
        String jar = System.getProperty("ecrflow.runner.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("runner jar not found (" + jar + "); run through `mvn verify`");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().put("HOME", System.getenv().getOrDefault("HOME", "/root"));
        // the engine under test and its CLI (the current-engine tests name them; the classic ones use the defaults)
        for (String engine : List.of("DOCKER_HOST", "DOCKER_CONFIG", "ECRFLOW_DOCKER_CLI")) {
            Optional.ofNullable(System.getenv(engine)).ifPresent(value -> builder.environment().put(engine, value));
        }
        // the test bed's registries speak HTTPS with a test CA; the runner trusts it as the aws CLI does
        TestbedTls tls = TestbedTls.fromEnvironment();
        builder.environment().put("AWS_CA_BUNDLE", tls.caFile().toString());
        builder.environment().put(TestbedTls.ENVIRONMENT_VARIABLE, tls.folder().toString());
        builder.environment().putAll(env);
        Path out = Files.createTempFile("ecrflow-it-out", ".txt");
        Path err = Files.createTempFile("ecrflow-it-err", ".txt");
        try {
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("runner did not finish in 5 minutes: " + command);
            }
            return new RunResult(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
