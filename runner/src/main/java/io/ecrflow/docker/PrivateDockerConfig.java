package io.ecrflow.docker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecrflow.registry.RegistryCredential;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A {@code DOCKER_CONFIG} folder for one docker CLI run: readable by this user only, holding a
 * {@code config.json} with the registry credentials the build may need to pull base images. It is
 * deleted on {@link #close()}, and by a shutdown hook should the runner be stopped before that.
 */
final class PrivateDockerConfig implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;
    private final Thread cleanupOnExit;

    private PrivateDockerConfig(Path directory) {
        this.directory = directory;
        this.cleanupOnExit = new Thread(this::delete, "ecrflow-docker-config-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupOnExit);
    }

    /**
     * @param pluginsFrom the user's own docker config folder; its {@code cli-plugins} (where a per-user
     *                    buildx lives) is linked in, since the CLI looks for plugins under DOCKER_CONFIG
     */
    static PrivateDockerConfig create(Path parent, List<RegistryCredential> credentials, Optional<Path> pluginsFrom) {
        try {
            Files.createDirectories(parent);
            PrivateDockerConfig config = new PrivateDockerConfig(
                    Files.createTempDirectory(parent, "ecrflow-docker-", ownerOnly("rwx------")));
            try {
                config.writeCredentials(credentials);
                Optional<Path> plugins = pluginsFrom.map(dir -> dir.resolve("cli-plugins")).filter(Files::isDirectory);
                if (plugins.isPresent()) {
                    Files.createSymbolicLink(config.directory.resolve("cli-plugins"), plugins.get().toAbsolutePath());
                }
                return config;
            } catch (IOException | RuntimeException e) {
                config.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a private docker config folder under " + parent, e);
        }
    }

    private void writeCredentials(List<RegistryCredential> credentials) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode auths = root.putObject("auths");
        for (RegistryCredential credential : credentials) {
            String userAndPassword = credential.username() + ":" + credential.password().reveal();
            auths.putObject(credential.registry()).put("auth",
                    Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8)));
        }
        Path file = Files.createFile(directory.resolve("config.json"), ownerOnly("rw-------"));
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING)) {
            JSON.writeValue(out, root);
        }
    }

    private static FileAttribute<?>[] ownerOnly(String permissions) {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))}
                : new FileAttribute<?>[0];
    }

    Path directory() {
        return directory;
    }

    /** Where to put other files of this run (the image id file), so they go when the folder goes. */
    Path file(String name) {
        return directory.resolve(name);
    }

    @Override
    public void close() {
        delete();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs anyway and finds nothing left.
        }
    }

    private void delete() {
        if (!Files.exists(directory)) {
            return;
        }
        // Links are deleted, never followed: cli-plugins points at the user's own folder.
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the private docker config folder " + directory, e);
        }
    }
}
