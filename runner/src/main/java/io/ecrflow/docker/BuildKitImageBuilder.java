package io.ecrflow.docker;

import io.ecrflow.UserError;
import io.ecrflow.registry.ImageRef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Builds with BuildKit by running the docker CLI ({@code docker buildx build --load}, or
 * {@code DOCKER_BUILDKIT=1 docker build} on a CLI with BuildKit built in). docker-java cannot do this
 * itself: BuildKit needs a gRPC session the Engine API client lacks (docker-java issue #1657).
 * Build-argument values reach the CLI through its environment ({@code --build-arg NAME} without a value
 * makes the CLI read {@code NAME} from there), so they never show in a process listing. Registry
 * credentials for base-image pulls (and the registry cache) sit in a private, temporary DOCKER_CONFIG for the
 * one run. A registry cache is imported from the registry and exported back ({@link #cacheOptions}).
 */
public final class BuildKitImageBuilder implements ImageBuilder {
    /** The build argument that makes BuildKit write its cache into the image's config (docker build reference). */
    static final String INLINE_CACHE_ARG = "BUILDKIT_INLINE_CACHE";

    private final BuildKitCli cli;
    private final Map<String, String> env;
    private final Path temporaryFolder;
    private final CommandRunner runner;
    private final BuildTimeout timeout;

    /** A builder whose builds may take as long as they take. */
    public BuildKitImageBuilder(BuildKitCli cli, Map<String, String> env, Path temporaryFolder) {
        this(cli, env, temporaryFolder, BuildTimeout.NONE);
    }

    /**
     * @param env             the runner's environment; only what the CLI needs is handed on
     * @param temporaryFolder where the private DOCKER_CONFIG folder is made (and removed again)
     * @param timeout         how long one build may run before the CLI (and with it the build) is stopped
     */
    public BuildKitImageBuilder(BuildKitCli cli, Map<String, String> env, Path temporaryFolder, BuildTimeout timeout) {
        this.cli = cli;
        this.env = Map.copyOf(env);
        this.temporaryFolder = temporaryFolder;
        this.runner = new CommandRunner();
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "buildkit";
    }

    @Override
    public BuiltImage build(BuildRequest request, Consumer<String> output) {
        checkBuildArgNames(request);
        try {
            return build(request, firstCacheForm(), output);
        } catch (RegistryCacheExportRefused refused) {
            // buildx here always builds on the engine's default builder (the CLI runs with a config folder of its
            // own), whose docker driver exports only an inline cache unless the engine keeps images in containerd.
            output.accept("This engine's builder cannot export a separate registry cache; building again with the "
                    + "cache inline in the image.");
            return build(request, CacheForm.INLINE, output);
        }
    }

    private BuiltImage build(BuildRequest request, CacheForm form, Consumer<String> output) {
        try (PrivateDockerConfig config = PrivateDockerConfig.create(
                temporaryFolder, request.registryAuth(), CliEnvironment.userConfigDirectory(env))) {
            Path imageIdFile = config.file("image-id");
            List<String> argv = commandLine(request, imageIdFile, form);
            output.accept("Running " + String.join(" ", argv));
            BuildKitLog log = new BuildKitLog();
            int exitCode = run(argv, environment(request, config.directory()), request.context(), line -> {
                log.accept(line);
                output.accept(line);
            });
            if (exitCode != 0) {
                if (form == CacheForm.REGISTRY && log.refusedCacheExport()) {
                    throw new RegistryCacheExportRefused();
                }
                throw failure(exitCode, log, request.context());
            }
            Optional<ImageRef> publishAsCache = form == CacheForm.INLINE ? request.registryCache() : Optional.empty();
            return new BuiltImage(Files.readString(imageIdFile).trim(), request.localName(), publishAsCache);
        } catch (IOException e) {
            throw new UncheckedIOException("the build finished but its image id could not be read", e);
        }
    }

    private int run(List<String> argv, Map<String, String> childEnv, Path directory, Consumer<String> lines) {
        try {
            return runner.run(argv, childEnv, directory, timeout.limit().orElse(null), lines);
        } catch (CommandRunner.TimedOut e) {
            throw timeout.exceeded();
        } catch (IOException e) {
            throw new UserError("Could not start the docker CLI " + cli.executable() + " (" + e.getMessage()
                    + "). Check that it is installed, or build with --builder engine.", "builder", e);
        }
    }

    /** The CLI's arguments, with the cache form this CLI starts with. */
    List<String> commandLine(BuildRequest request, Path imageIdFile) {
        return commandLine(request, imageIdFile, firstCacheForm());
    }

    /** buildx tries the registry cache first; the docker CLI's built-in BuildKit knows only the inline one. */
    private CacheForm firstCacheForm() {
        return cli.mode() == BuildKitCli.Mode.BUILDX ? CacheForm.REGISTRY : CacheForm.INLINE;
    }

    /** The CLI's arguments. Build-argument values are deliberately absent: they travel in the environment. */
    List<String> commandLine(BuildRequest request, Path imageIdFile, CacheForm form) {
        List<String> argv = new ArrayList<>(cli.buildCommand());
        argv.add("--progress=plain");
        argv.add("--file");
        argv.add(request.dockerfile().toAbsolutePath().toString());
        for (String name : request.buildArgs().keySet()) {
            argv.add("--build-arg");
            argv.add(name);
        }
        request.target().ifPresent(target -> argv.addAll(List.of("--target", target)));
        request.labels().forEach((key, value) -> argv.addAll(List.of("--label", key + "=" + value)));
        request.platform().ifPresent(platform -> argv.addAll(List.of("--platform", platform)));
        if (request.pull()) {
            argv.add("--pull");
        }
        if (request.noCache()) {
            argv.add("--no-cache");
        }
        request.registryCache().ifPresent(cache -> argv.addAll(cacheOptions(cache, form)));
        request.secrets().forEach(secret -> argv.addAll(List.of("--secret", secret.cliValue())));
        request.ssh().forEach(forward -> argv.addAll(List.of("--ssh", forward)));
        argv.addAll(List.of("--tag", request.localName(), "--iidfile", imageIdFile.toString()));
        argv.add(request.context().toAbsolutePath().toString());
        return argv;
    }

    /**
     * How BuildKit imports the cache from the registry and exports it back. The inline cache is the image's own
     * config (min mode: the final stage's steps), so exporting it means publishing the image under the cache
     * tag. buildx's registry cache is a manifest of its own, written by the build itself; ECR accepts it only as
     * an OCI image manifest ({@code image-manifest=true,oci-mediatypes=true}), not as the default index. A cache
     * that cannot be written only makes later builds slower, so its export never fails the build
     * ({@code ignore-error=true}); BuildKit's log says why it was not written.
     */
    private List<String> cacheOptions(ImageRef cache, CacheForm form) {
        if (cli.mode() == BuildKitCli.Mode.BUILT_IN) {
            return List.of("--cache-from", cache.toString(), "--build-arg", INLINE_CACHE_ARG + "=1");
        }
        String to = form == CacheForm.REGISTRY
                ? "type=registry,ref=" + cache + ",mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true"
                : "type=inline";
        return List.of("--cache-from", "type=registry,ref=" + cache, "--cache-to", to);
    }

    /** The CLI's whole environment: engine settings, the private config folder and the build-argument values. */
    Map<String, String> environment(BuildRequest request, Path dockerConfig) {
        Map<String, String> childEnv = new HashMap<>(CliEnvironment.inherited(env));
        if (childEnv.containsKey("DOCKER_TLS_VERIFY") && !childEnv.containsKey("DOCKER_CERT_PATH")) {
            // The CLI looks for TLS certificates in DOCKER_CONFIG unless told otherwise; keep the user's folder.
            CliEnvironment.userConfigDirectory(env).ifPresent(dir -> childEnv.put("DOCKER_CERT_PATH", dir.toString()));
        }
        childEnv.put("DOCKER_CONFIG", dockerConfig.toString());
        if (cli.mode() == BuildKitCli.Mode.BUILT_IN) {
            childEnv.put("DOCKER_BUILDKIT", "1");
        }
        childEnv.putAll(request.buildArgs());
        // a secret's value reaches the CLI the way it reached the runner, in the environment, by its own name
        request.secrets().forEach(secret -> secret.environmentVariable().ifPresent(name ->
                Optional.ofNullable(env.get(name)).ifPresent(value -> childEnv.put(name, value))));
        if (!request.ssh().isEmpty()) {
            Optional.ofNullable(env.get("SSH_AUTH_SOCK")).ifPresent(socket -> childEnv.put("SSH_AUTH_SOCK", socket));
        }
        return childEnv;
    }

    /** Which cache a build exports: inline in the image, or buildx's separate registry cache. */
    enum CacheForm {
        INLINE,
        REGISTRY
    }

    /** buildx said its builder cannot export a registry cache; the build did not start. */
    private static final class RegistryCacheExportRefused extends RuntimeException {
        RegistryCacheExportRefused() {
            super(null, null, false, false);
        }
    }

    private static void checkBuildArgNames(BuildRequest request) {
        for (String name : request.buildArgs().keySet()) {
            if (name.isEmpty() || name.contains("=") || CliEnvironment.isReservedForTheCli(name)) {
                throw new UserError("Build argument name '" + name + "' cannot be used with BuildKit here: the "
                        + "docker CLI reads its build-argument values from its environment, and "
                        + (name.isEmpty() || name.contains("=") ? "that is not a variable name"
                        : "the CLI itself uses " + name) + ". Rename the argument, or build with --builder engine.",
                        "buildArgs");
            }
        }
    }

    private static UserError failure(int exitCode, BuildKitLog log, Path context) {
        String step = log.failedStep().map(found -> " at step " + found).orElse("");
        String said = String.join("\n", log.failureLines());
        Optional<String> missing = MissingBuildSources.explain(said, context);
        return new UserError("The image build failed" + step + " (docker CLI exit code " + exitCode + "):\n" + said
                + "\n" + missing.orElse("Fix the Dockerfile or the build context and run again."),
                missing.isPresent() ? "context" : "dockerfile");
    }
}
