package io.ecrflow.login;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecrflow.UserError;
import io.ecrflow.registry.RegistryCredential;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;

/**
 * Writes a docker client config ({@code config.json} with {@code auths}) into a fresh folder only the
 * current user can read, so later steps can use {@code DOCKER_CONFIG} without {@code docker login -p}.
 */
public final class DockerConfigWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DockerConfigWriter() {
    }

    /** Creates {@code <parent>/ecrflow-docker-XXXX/config.json} and returns the folder. */
    public static Path writeFresh(Path parent, List<RegistryCredential> credentials) {
        try {
            Files.createDirectories(parent);
            Path dir = privateDirectory(parent);
            Path config = dir.resolve("config.json");
            createPrivateFile(config);
            Files.writeString(config, json(credentials), StandardCharsets.UTF_8);
            return dir;
        } catch (IOException e) {
            throw new UserError("Could not write a docker config under " + parent + ": " + e.getMessage()
                    + ". Check that the agent's temp directory is writable.", null, e);
        }
    }

    static String json(List<RegistryCredential> credentials) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode auths = root.putObject("auths");
        for (RegistryCredential c : credentials) {
            String pair = c.username() + ":" + c.password().reveal();
            auths.putObject(c.registry()).put("auth", Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private static Path privateDirectory(Path parent) throws IOException {
        try {
            return Files.createTempDirectory(parent, "ecrflow-docker-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException notPosix) {
            return Files.createTempDirectory(parent, "ecrflow-docker-");
        }
    }

    private static void createPrivateFile(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
    }
}
