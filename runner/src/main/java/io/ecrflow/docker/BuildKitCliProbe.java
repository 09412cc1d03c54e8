package io.ecrflow.docker;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Looks for a docker CLI that can run BuildKit builds: every {@code docker} on PATH in order, then the
 * usual install places, or only the one {@code ECRFLOW_DOCKER_CLI} names. A CLI qualifies when its buildx
 * plugin answers, or when it is a pre-23 CLI whose built-in BuildKit client accepts
 * {@code DOCKER_BUILDKIT=1 docker build}; CLIs from 23.0 on refuse that without buildx.
 */
public final class BuildKitCliProbe {
    public static final String OVERRIDE = "ECRFLOW_DOCKER_CLI";
    private static final List<Path> USUAL_PLACES = List.of(Path.of("/usr/bin/docker"), Path.of("/usr/local/bin/docker"));
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** The CLI found, if any, and why each other candidate was passed over. */
    public record Result(Optional<BuildKitCli> cli, List<String> rejected) {
        public Result {
            rejected = List.copyOf(rejected);
        }
    }

    private final Map<String, String> env;
    private final CommandRunner runner;

    public BuildKitCliProbe(Map<String, String> env) {
        this(env, new CommandRunner());
    }

    BuildKitCliProbe(Map<String, String> env, CommandRunner runner) {
        this.env = Map.copyOf(env);
        this.runner = runner;
    }

    public Result find() {
        List<String> rejected = new ArrayList<>();
        for (Path candidate : candidates()) {
            Optional<BuildKitCli> cli = examine(candidate, rejected);
            if (cli.isPresent()) {
                return new Result(cli, rejected);
            }
        }
        return new Result(Optional.empty(), rejected);
    }

    /** The executables to try, in order, each real file once. */
    List<Path> candidates() {
        String forced = env.get(OVERRIDE);
        if (forced != null && !forced.isBlank()) {
            return List.of(Path.of(forced.trim()));
        }
        List<Path> places = new ArrayList<>();
        for (String directory : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!directory.isBlank()) {
                places.add(Path.of(directory, "docker"));
            }
        }
        places.addAll(USUAL_PLACES);
        Map<Path, Path> byRealFile = new LinkedHashMap<>();
        for (Path place : places) {
            if (Files.isRegularFile(place) && Files.isExecutable(place)) {
                byRealFile.putIfAbsent(realFile(place), place);
            }
        }
        return List.copyOf(byRealFile.values());
    }

    private Optional<BuildKitCli> examine(Path executable, List<String> rejected) {
        if (!Files.isRegularFile(executable) || !Files.isExecutable(executable)) {
            rejected.add(executable + ": no executable file there");
            return Optional.empty();
        }
        Map<String, String> cliEnv = probeEnvironment(false);
        Optional<CliVersion> version = runner.capture(List.of(executable.toString(), "--version"), cliEnv, TIMEOUT)
                .output().stream().map(CliVersion::fromVersionLine).flatMap(Optional::stream).findFirst();
        if (version.isEmpty()) {
            rejected.add(executable + ": does not answer `--version` like a docker CLI");
            return Optional.empty();
        }
        String described = executable + " (docker CLI " + version.get().text() + ")";
        if (runner.capture(List.of(executable.toString(), "buildx", "version"), cliEnv, TIMEOUT).succeeded()) {
            return Optional.of(new BuildKitCli(executable, version.get().text(), BuildKitCli.Mode.BUILDX));
        }
        if (!version.get().atLeast(18, 9)) {
            rejected.add(described + ": too old for BuildKit, which needs 18.09 or later");
            return Optional.empty();
        }
        if (!version.get().hasBuiltInBuildKit()) {
            rejected.add(described + ": BuildKit needs the buildx plugin on CLIs from 23.0 on, and it is missing");
            return Optional.empty();
        }
        CommandRunner.Result help = runner.capture(
                List.of(executable.toString(), "build", "--help"), probeEnvironment(true), TIMEOUT);
        if (!help.succeeded()) {
            rejected.add(described + ": `DOCKER_BUILDKIT=1 docker build --help` failed"
                    + help.output().stream().filter(line -> !line.isBlank()).findFirst().map(l -> ": " + l).orElse(""));
            return Optional.empty();
        }
        return Optional.of(new BuildKitCli(executable, version.get().text(), BuildKitCli.Mode.BUILT_IN));
    }

    private Map<String, String> probeEnvironment(boolean buildKit) {
        Map<String, String> cliEnv = new HashMap<>(CliEnvironment.inherited(env));
        // The user's own config folder, where a per-user buildx plugin lives.
        CliEnvironment.userConfigDirectory(env).ifPresent(dir -> cliEnv.put("DOCKER_CONFIG", dir.toString()));
        if (buildKit) {
            cliEnv.put("DOCKER_BUILDKIT", "1");
        }
        return cliEnv;
    }

    private static Path realFile(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }
}
