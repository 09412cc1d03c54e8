package io.ecrflow.login;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrflow.Secret;
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

import static org.assertj.core.api.Assertions.assertThat;

class DockerConfigWriterTest {

    @Test
    void writesOneAuthEntryPerRegistryIntoAFolderOnlyTheUserCanRead(@TempDir Path temp) throws Exception {
        RegistryCredential credential = new RegistryCredential("123456789012.dkr.ecr.eu-west-1.amazonaws.com", "AWS",
                Secret.of("pa:ss"), Instant.now());

        Path dir = DockerConfigWriter.writeFresh(temp, List.of(credential));

        assertThat(dir.getParent()).isEqualTo(temp);
        assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        Path config = dir.resolve("config.json");
        assertThat(Files.getPosixFilePermissions(config)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String auth = new ObjectMapper().readTree(config.toFile())
                .path("auths").path("123456789012.dkr.ecr.eu-west-1.amazonaws.com").path("auth").asText();
        assertThat(new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8)).isEqualTo("AWS:pa:ss");
    }

    @Test
    void eachLoginGetsItsOwnFolder(@TempDir Path temp) {
        RegistryCredential credential = new RegistryCredential("r", "AWS", Secret.of("p"), Instant.now());
        assertThat(DockerConfigWriter.writeFresh(temp, List.of(credential)))
                .isNotEqualTo(DockerConfigWriter.writeFresh(temp, List.of(credential)));
    }
}
