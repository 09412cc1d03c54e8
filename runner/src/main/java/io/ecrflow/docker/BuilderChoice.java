package io.ecrflow.docker;

import io.ecrflow.UserError;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Picks the image builder for {@code --builder auto|buildkit|engine}. {@code auto} prefers BuildKit when a
 * capable docker CLI is found and falls back to the engine's builder, saying which it took and why.
 */
public final class BuilderChoice {
    private final BuildKitCliProbe probe;
    private final EngineConnection engine;
    private final Map<String, String> env;
    private final Path temporaryFolder;
    private final BuildTimeout timeout;

    /** A choice of builders whose builds may take as long as they take. */
    public BuilderChoice(EngineConnection engine, Map<String, String> env, Path temporaryFolder) {
        this(engine, env, temporaryFolder, BuildTimeout.NONE);
    }

    /**
     * @param temporaryFolder where a BuildKit build keeps its private DOCKER_CONFIG while it runs
     * @param timeout         how long each build may run before it is stopped
     */
    public BuilderChoice(EngineConnection engine, Map<String, String> env, Path temporaryFolder, BuildTimeout timeout) {
        this.probe = new BuildKitCliProbe(env);
        this.engine = engine;
        // The CLI builds with a config folder of its own, where no docker context is set: point it at the
        // engine docker-java uses, which then holds the image it tags and pushes.
        Map<String, String> cliEnv = new HashMap<>(env);
        cliEnv.keySet().removeAll(List.of("DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONTEXT"));
        cliEnv.putAll(engine.endpoint().cliVariables());
        this.env = Map.copyOf(cliEnv);
        this.temporaryFolder = temporaryFolder;
        this.timeout = timeout;
    }

    /** Chooses with the system's temporary folder for BuildKit's private files. */
    public static ImageBuilder choose(String mode, Map<String, String> env, DockerJavaEngine engine, Consumer<String> say) {
        Path temporaryFolder = Path.of(System.getProperty("java.io.tmpdir"));
        return new BuilderChoice(engine.connection(), env, temporaryFolder).choose(mode, say);
    }

    /**
     * Starts choosing on another thread — looking for a capable docker CLI takes a few process starts —
     * while the run goes on logging in; the supplier waits for the choice and only then says which it is,
     * so the log reads in order. A choice that fails throws from the supplier.
     */
    public Supplier<ImageBuilder> chooseInBackground(String mode, Consumer<String> say) {
        List<String> said = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<ImageBuilder> choice = CompletableFuture.supplyAsync(() -> choose(mode, said::add));
        return () -> {
            try {
                return choice.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException failure ? failure : e;
            } finally {
                said.forEach(say);
            }
        };
    }

    /**
     * @param mode {@code auto}, {@code buildkit} or {@code engine} (blank means {@code auto})
     * @param say  receives one line saying which builder was taken
     */
    public ImageBuilder choose(String mode, Consumer<String> say) {
        String wanted = mode == null || mode.isBlank() ? "auto" : mode.trim().toLowerCase(Locale.ROOT);
        switch (wanted) {
            case "engine" -> {
                say.accept("Building with the Docker Engine's builder.");
                return new EngineImageBuilder(engine, timeout);
            }
            case "buildkit", "auto" -> {
                BuildKitCliProbe.Result found = probe.find();
                if (found.cli().isPresent()) {
                    BuildKitCli cli = found.cli().get();
                    say.accept("Building with BuildKit (" + cli.describe() + ").");
                    return new BuildKitImageBuilder(cli, env, temporaryFolder, timeout);
                }
                if (wanted.equals("buildkit")) {
                    throw new UserError("No docker CLI that can build with BuildKit was found" + reasons(found)
                            + ". Install the docker buildx plugin (the 'docker-buildx-plugin' or 'docker-buildx' "
                            + "package), point " + BuildKitCliProbe.OVERRIDE + " at a docker CLI that has it, "
                            + "or build with --builder engine.", "builder");
                }
                say.accept("No docker CLI with BuildKit found" + reasons(found)
                        + "; building with the Docker Engine's builder.");
                return new EngineImageBuilder(engine, timeout);
            }
            default -> throw new UserError("Builder '" + mode + "' is not known. Use auto, buildkit or engine.", "builder");
        }
    }

    private static String reasons(BuildKitCliProbe.Result found) {
        return found.rejected().isEmpty() ? " (no docker CLI on PATH)" : " (" + String.join("; ", found.rejected()) + ")";
    }
}
