package io.ecrflow.docker;

import com.github.dockerjava.api.command.BuildImageCmd;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.AuthConfigurations;
import io.ecrflow.UserError;
import io.ecrflow.registry.RegistryCredential;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Builds with the Docker Engine's own (legacy) builder through docker-java. It works with any engine,
 * but knows no BuildKit features ({@code RUN --mount}, secrets, registry cache). docker-java packs the
 * context itself and leaves out what the context's {@code .dockerignore} excludes.
 */
public final class EngineImageBuilder implements ImageBuilder {
    private final EngineConnection connection;
    private final BuildTimeout timeout;

    /** A builder whose builds may take as long as they take. */
    public EngineImageBuilder(EngineConnection connection) {
        this(connection, BuildTimeout.NONE);
    }

    public EngineImageBuilder(EngineConnection connection, BuildTimeout timeout) {
        this.connection = connection;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "engine";
    }

    @Override
    public BuiltImage build(BuildRequest request, Consumer<String> output) {
        if (request.mountsSecrets()) {
            throw new UserError("Build secrets and SSH forwarding need BuildKit, which this build is not using (the "
                    + "engine's own builder was chosen). Set 'builder' to buildkit (or auto, with the docker CLI on the agent).",
                    request.secrets().isEmpty() ? "ssh" : "secrets");
        }
        Path context = request.context().toAbsolutePath().normalize();
        Path dockerfile = request.dockerfile().toAbsolutePath().normalize();
        if (!dockerfile.startsWith(context)) {
            // The Engine API reads the Dockerfile from inside the uploaded context.
            throw new UserError("The Dockerfile " + request.dockerfile() + " is outside the build context "
                    + request.context() + ", which the engine builder cannot use. Move it into the context, "
                    + "or build with BuildKit (--builder buildkit).", "dockerfile");
        }
        if (request.registryCache().isPresent()) {
            // Only reached when --builder auto found no BuildKit: --builder engine with a registry cache is refused
            // while the options are read. The engine's builder can neither import nor export BuildKit's cache.
            output.accept("The Docker Engine's builder cannot use the registry cache " + request.registryCache().get()
                    + " (it needs BuildKit): building without it, and the cache is not updated.");
        }
        EngineBuildCallback callback = new EngineBuildCallback(output);
        try (BuildImageCmd command = command(request, context, dockerfile)) {
            command.exec(callback);
            boolean finished = timeout.limit().isEmpty() ? awaitWithoutLimit(callback)
                    : callback.awaitCompletion(timeout.limit().get().toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                // Closing the connection ends the build: the engine cancels a build whose client went away.
                callback.close();
                throw timeout.exceeded();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the build's connection to the engine could not be closed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("The image build was interrupted.");
        } catch (DockerClientException e) {
            // Raised while packing the context, e.g. "Dockerfile is excluded by pattern … in .dockerignore".
            throw new UserError("The build context could not be prepared: " + e.getMessage(), "context", e);
        } catch (DockerException e) {
            throw failure(callback, e.getMessage(), request.context());
        }
        if (callback.error().isPresent()) {
            throw failure(callback, callback.error().get(), request.context());
        }
        String imageId = connection.client().inspectImageCmd(request.localName()).exec().getId();
        return new BuiltImage(imageId, request.localName());
    }

    private static boolean awaitWithoutLimit(EngineBuildCallback callback) throws InterruptedException {
        callback.awaitCompletion();
        return true;
    }

    private BuildImageCmd command(BuildRequest request, Path context, Path dockerfile) {
        BuildImageCmd command = connection.client().buildImageCmd()
                .withBaseDirectory(context.toFile())
                .withDockerfile(dockerfile.toFile())
                .withTags(Set.of(request.localName()))
                .withBuildAuthConfigs(authConfigurations(request.registryAuth()))
                .withPull(request.pull())
                .withNoCache(request.noCache())
                // Also removes the container of a failed step, so failures leave nothing behind.
                .withForcerm(true);
        request.buildArgs().forEach(command::withBuildArg);
        if (!request.labels().isEmpty()) {
            command.withLabels(request.labels());
        }
        request.target().ifPresent(command::withTarget);
        request.platform().ifPresent(command::withPlatform);
        return command;
    }

    private static AuthConfigurations authConfigurations(List<RegistryCredential> credentials) {
        AuthConfigurations configurations = new AuthConfigurations();
        for (RegistryCredential credential : credentials) {
            configurations.addConfig(new AuthConfig()
                    .withUsername(credential.username())
                    .withPassword(credential.password().reveal())
                    .withRegistryAddress(credential.registry()));
        }
        return configurations;
    }

    private static UserError failure(EngineBuildCallback callback, String engineMessage, Path context) {
        String where = callback.lastStep().map(step -> " at " + step).orElse("");
        String said = engineMessage == null ? "no reason given" : engineMessage.strip().replaceAll("\\.$", "");
        Optional<String> missing = MissingBuildSources.explain(said, context);
        return new UserError("The image build failed" + where + ": " + said + ". " + missing.orElse("The build output "
                + "above shows what the step printed; fix the Dockerfile or the build context and run again."),
                missing.isPresent() ? "context" : "dockerfile");
    }
}
