package io.ecrflow.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.registry.RegistryCredential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrivateDockerConfigTest {
    private static final RegistryCredential ECR = new RegistryCredential(
            "123456789012.dkr.ecr.us-east-1.amazonaws.com", "AWS", Secret.of("ecr-password"), Instant.now());
    private static final RegistryCredential OTHER = new RegistryCredential(
            "registry.example.com", "robot", Secret.of("other:password"), Instant.now());

    @TempDir
    Path temp;

    @Test
    void holdsEachRegistryLoginReadableByTheOwnerOnly() throws Exception {
        try (PrivateDockerConfig config = PrivateDockerConfig.create(temp, List.of(ECR, OTHER), Optional.empty())) {
            Path file = config.directory().resolve("config.json");

            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config.directory()))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            JsonNode auths = new ObjectMapper().readTree(file.toFile()).get("auths");
            assertThat(decoded(auths.get(ECR.registry()).get("auth").asText())).isEqualTo("AWS:ecr-password");
            assertThat(decoded(auths.get(OTHER.registry()).get("auth").asText())).isEqualTo("robot:other:password");
        }
    }

    @Test
    void leavesNothingBehindWhenClosed() {
        PrivateDockerConfig config = PrivateDockerConfig.create(temp, List.of(ECR), Optional.empty());
        assertThat(config.directory().resolve("config.json")).isRegularFile();

        config.close();

        assertThat(temp).isEmptyDirectory();
    }

    @Test
    void linksTheUsersCliPluginsSoAPerUserBuildxIsStillFoundAndLeavesThemAlone() throws Exception {
        Path userConfig = Files.createDirectories(temp.resolve("home/.docker/cli-plugins")).getParent();
        Files.writeString(userConfig.resolve("cli-plugins/docker-buildx"), "plugin");
        Path parent = Files.createDirectories(temp.resolve("private"));

        try (PrivateDockerConfig config = PrivateDockerConfig.create(parent, List.of(), Optional.of(userConfig))) {
            assertThat(config.directory().resolve("cli-plugins/docker-buildx")).hasContent("plugin");
        }

        assertThat(parent).isEmptyDirectory();
        assertThat(userConfig.resolve("cli-plugins/docker-buildx")).hasContent("plugin");
    }

    @Test
    void aLoginsFolderStaysForLaterStepsWithTheSameOwnerOnlyConfig() throws Exception {
        Path directory = PrivateDockerConfig.writeKept(temp, List.of(ECR));

        assertThat(directory.getParent()).isEqualTo(temp);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwx------");
        Path file = directory.resolve("config.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        JsonNode auths = new ObjectMapper().readTree(file.toFile()).get("auths");
        assertThat(decoded(auths.get(ECR.registry()).get("auth").asText())).isEqualTo("AWS:ecr-password");
    }

    @Test
    void eachLoginGetsItsOwnFolder() {
        assertThat(PrivateDockerConfig.writeKept(temp, List.of(ECR))).isNotEqualTo(PrivateDockerConfig.writeKept(temp, List.of(ECR)));
    }

    @Test
    void aFolderThatCannotBeWrittenIsAUserErrorSayingWhatToCheck() throws Exception {
        Path notAFolder = Files.writeString(temp.resolve("a-file"), "");

        assertThatThrownBy(() -> PrivateDockerConfig.writeKept(notAFolder, List.of(ECR))).isInstanceOf(UserError.class)
                .hasMessageContaining("Could not write a docker config under " + notAFolder)
                .hasMessageContaining("Check that the agent's temp directory is writable.");
        assertThatThrownBy(() -> PrivateDockerConfig.create(notAFolder, List.of(ECR), Optional.empty()))
                .isInstanceOf(UserError.class);
    }

    private static String decoded(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
