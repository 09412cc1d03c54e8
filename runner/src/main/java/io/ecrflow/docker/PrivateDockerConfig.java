package io.ecrflow.docker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecrflow.UserError;
import io.ecrflow.registry.RegistryCredential;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A {@code DOCKER_CONFIG} folder readable by this user only, holding a {@code config.json} with registry credentials,
 * so the docker CLI logs in without {@code docker login -p}. Either for one docker CLI run ({@link #create}: deleted on
 * {@link #close()}, and by a shutdown hook should the runner be stopped before that), or for the later steps of a job
 * ({@link #writeKept}: it stays until logout deletes it).
 */
public final class PrivateDockerConfig implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;
    private final Thread cleanupOnExit;

    private PrivateDockerConfig(Path directory) {
        this.directory = directory;
        this.cleanupOnExit = new Thread(this::delete, "ecrflow-docker-config-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupOnExit);
    }

    /**
     * A folder for one docker CLI run, deleted when closed.
     *
     * @param pluginsFrom the user's own docker config folder; its {@code cli-plugins} (where a per-user
     *                    buildx lives) is linked in, since the CLI looks for plugins under DOCKER_CONFIG
     */
    static PrivateDockerConfig create(Path parent, List<RegistryCredential> credentials, Optional<Path> pluginsFrom) {
        PrivateDockerConfig config = new PrivateDockerConfig(writeKept(parent, credentials));
        try {
            Optional<Path> plugins = pluginsFrom.map(dir -> dir.resolve("cli-plugins")).filter(Files::isDirectory);
            if (plugins.isPresent()) {
                Files.createSymbolicLink(config.directory.resolve("cli-plugins"), plugins.get().toAbsolutePath());
            }
            return config;
        } catch (IOException | RuntimeException e) {
            config.close();
            throw failure(parent, e);
        }
    }

    /** A new folder {@code <parent>/ecrflow-docker-XXXX} holding the credentials, left in place; returns it. */
    public static Path writeKept(Path parent, List<RegistryCredential> credentials) {
        try {
            Files.createDirectories(parent);
            Path directory = Files.createTempDirectory(parent, "ecrflow-docker-", ownerOnly("rwx------"));
            Path file = Files.createFile(directory.resolve("config.json"), ownerOnly("rw-------"));
            Files.writeString(file, json(credentials), StandardCharsets.UTF_8);
            return directory;
        } catch (IOException e) {
            throw failure(parent, e);
        }
    }

    private static UserError failure(Path parent, Exception e) {
        return new UserError("Could not write a docker config under " + parent + ": " + e.getMessage()
                + ". Check that the agent's temp directory is writable.", null, e);
    }

    private static String json(List<RegistryCredential> credentials) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode auths = root.putObject("auths");
        for (RegistryCredential credential : credentials) {
            String userAndPassword = credential.username() + ":" + credential.password().reveal();
            auths.putObject(credential.registry()).put("auth",
                    Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8)));
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
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
