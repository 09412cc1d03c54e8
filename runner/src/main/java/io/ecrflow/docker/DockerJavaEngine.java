package io.ecrflow.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import io.ecrflow.UserError;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.RegistryCredential;

import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** {@link DockerEngine} over the Engine API through docker-java. */
public final class DockerJavaEngine implements DockerEngine {
    private final EngineConnection connection;

    public DockerJavaEngine(EngineConnection connection) {
        this.connection = connection;
    }

    /** Connects to the engine the environment names ({@code DOCKER_HOST} etc.); nothing is sent yet. */
    public static DockerJavaEngine connect(Map<String, String> env) {
        return new DockerJavaEngine(EngineConnection.open(env));
    }

    /** The connection, for the engine's image builder. */
    public EngineConnection connection() {
        return connection;
    }

    @Override
    public void ping() {
        try {
            client().pingCmd().exec();
        } catch (RuntimeException e) {
            String cause = rootMessage(e);
            String hint = cause.toLowerCase(Locale.ROOT).contains("permission denied")
                    ? " If it is running, give this user access to its socket (e.g. add it to the 'docker' group)."
                    : "";
            String from = connection.endpoint().source().startsWith("docker context")
                    ? " (from " + connection.endpoint().source() + ")" : "";
            throw new UserError("No Docker Engine is reachable at " + host() + from + " (" + cause + "). Start one "
                    + "(`sudo systemctl start docker`, or `dockerd`) or point DOCKER_HOST at a running engine." + hint,
                    null, e);
        }
    }

    @Override
    public String host() {
        return connection.host();
    }

    @Override
    public void tag(String imageId, ImageRef ref) {
        String tag = ref.tagOpt().orElseThrow(() -> new IllegalArgumentException("a tag is needed: " + ref)).value();
        try {
            client().tagImageCmd(imageId, ref.repositoryUri(), tag).exec();
        } catch (NotFoundException e) {
            throw new UserError("The engine has no image " + imageId + " to tag as " + ref + ".", null, e);
        }
    }

    @Override
    public Digest push(ImageRef ref, RegistryCredential credential, PushProgress progress) {
        String tag = ref.tagOpt().orElseThrow(() -> new IllegalArgumentException("a tag is needed: " + ref)).value();
        AuthConfig auth = new AuthConfig()
                .withUsername(credential.username())
                .withPassword(credential.password().reveal())
                .withRegistryAddress(credential.registry());
        PushCallback callback = new PushCallback(ref, progress);
        try {
            client().pushImageCmd(ref.repositoryUri()).withTag(tag).withAuthConfig(auth).exec(callback).awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("The push of " + ref + " was interrupted.");
        } catch (NotFoundException e) {
            throw new UserError("The engine has no image named " + ref + " to push.", null, e);
        } catch (DockerException e) {
            // Never hand on the exception itself: its message comes from outside and is scrubbed first.
            throw PushFailure.explain(ref, withoutSecret(e.getMessage(), credential));
        }
        try {
            return callback.result();
        } catch (UserError e) {
            String message = withoutSecret(e.getMessage(), credential);
            throw message.equals(e.getMessage()) ? e : new UserError(message, e.input().orElse(null));
        }
    }

    /** A registry should never echo a password, but the message goes to a log, so make sure. */
    private static String withoutSecret(String message, RegistryCredential credential) {
        String password = credential.password().reveal();
        return message == null || password.isEmpty() ? message : message.replace(password, "***");
    }

    @Override
    public boolean keepsImagesInContainerd() {
        List<List<String>> status = client().infoCmd().exec().getDriverStatuses();
        return status != null && status.stream().anyMatch(pair -> pair.size() == 2
                && pair.get(0).equals("driver-type") && pair.get(1).startsWith("io.containerd.snapshotter"));
    }

    @Override
    public InputStream save(String imageId) {
        try {
            return client().saveImageCmd(imageId).exec();
        } catch (NotFoundException e) {
            throw new UserError("The engine has no image " + imageId + " to publish.", null, e);
        }
    }

    @Override
    public void removeImage(String nameOrId) {
        try {
            client().removeImageCmd(nameOrId).withForce(true).exec();
        } catch (NotFoundException e) {
            // Already gone: that is what was asked for.
        }
    }

    @Override
    public Optional<ImageInfo> inspectImage(String nameOrId) {
        try {
            InspectImageResponse image = client().inspectImageCmd(nameOrId).exec();
            Map<String, String> labels = image.getConfig() == null || image.getConfig().getLabels() == null
                    ? Map.of() : image.getConfig().getLabels();
            List<String> repoDigests = image.getRepoDigests() == null ? List.of() : image.getRepoDigests();
            return Optional.of(new ImageInfo(image.getId(), labels, repoDigests));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    public boolean imageExists(String nameOrId) {
        return inspectImage(nameOrId).isPresent();
    }

    private DockerClient client() {
        return connection.client();
    }

    private static String rootMessage(Throwable error) {
        Throwable deepest = error;
        while (deepest.getCause() != null && deepest.getCause() != deepest) {
            deepest = deepest.getCause();
        }
        String message = deepest.getMessage();
        return message == null || message.isBlank() ? deepest.getClass().getSimpleName() : message;
    }

    @Override
    public void close() {
        connection.close();
    }
}
