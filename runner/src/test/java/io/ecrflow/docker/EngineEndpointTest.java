package io.ecrflow.docker;

import io.ecrflow.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine is chosen as the docker CLI chooses it; contexts are laid out as `docker context create` writes them. */
class EngineEndpointTest {
    @TempDir
    Path home;

    @Test
    void dockerHostWinsOverAnyContext() throws Exception {
        writeContext("colima", "unix:///home/ci/.colima/default/docker.sock", false);

        EngineEndpoint endpoint = EngineEndpoint.resolve(Map.of("HOME", home.toString(), "DOCKER_CONTEXT", "colima",
                "DOCKER_HOST", "tcp://10.0.0.5:2375"));

        assertThat(endpoint.host()).isEqualTo("tcp://10.0.0.5:2375");
        assertThat(endpoint.source()).isEqualTo("DOCKER_HOST");
        assertThat(endpoint.tlsFolder()).isEmpty();
    }

    @Test
    void dockerContextNamesTheContextWhoseEngineIsUsed() throws Exception {
        writeContext("colima", "unix:///home/ci/.colima/default/docker.sock", false);

        EngineEndpoint endpoint = EngineEndpoint.resolve(Map.of("HOME", home.toString(), "DOCKER_CONTEXT", "colima"));

        assertThat(endpoint.host()).isEqualTo("unix:///home/ci/.colima/default/docker.sock");
        assertThat(endpoint.source()).isEqualTo("docker context 'colima'");
        assertThat(endpoint.cliVariables()).containsExactly(Map.entry("DOCKER_HOST", "unix:///home/ci/.colima/default/docker.sock"));
    }

    @Test
    void theCurrentContextOfTheCliConfigurationServesWithoutDockerContext() throws Exception {
        writeContext("rootless", "unix:///run/user/1000/docker.sock", false);
        Files.writeString(home.resolve(".docker/config.json"), "{\"auths\":{},\"currentContext\":\"rootless\"}");

        assertThat(EngineEndpoint.resolve(Map.of("HOME", home.toString())).host()).isEqualTo("unix:///run/user/1000/docker.sock");
    }

    @Test
    void aContextWithTlsFilesIsReachedOverVerifiedTlsUnlessItSkipsVerification() throws Exception {
        writeContext("remote", "tcp://build-host.example.com:2376", false);
        Path tls = Files.createDirectories(home.resolve(".docker/contexts/tls").resolve(sha256("remote")).resolve("docker"));
        Files.writeString(tls.resolve("ca.pem"), "");

        EngineEndpoint verified = EngineEndpoint.resolve(Map.of("HOME", home.toString(), "DOCKER_CONTEXT", "remote"));

        assertThat(verified.tlsFolder()).contains(tls);
        assertThat(verified.cliVariables()).containsEntry("DOCKER_TLS_VERIFY", "1").containsEntry("DOCKER_CERT_PATH", tls.toString());

        writeContext("remote", "tcp://build-host.example.com:2376", true);
        assertThat(EngineEndpoint.resolve(Map.of("HOME", home.toString(), "DOCKER_CONTEXT", "remote")).tlsFolder()).isEmpty();
    }

    @Test
    void theDefaultContextAndNoContextMeanTheDefaultSocket() {
        assertThat(EngineEndpoint.resolve(Map.of("HOME", home.toString(), "DOCKER_CONTEXT", "default")).host())
                .isEqualTo("unix:///var/run/docker.sock");
        assertThat(EngineEndpoint.resolve(Map.of("HOME", home.toString())).source()).isEqualTo("the default");
    }

    @Test
    void aContextThatDoesNotExistIsNamedWithHowToFixIt() {
        assertThatThrownBy(() -> EngineEndpoint.resolve(Map.of("HOME", home.toString(), "DOCKER_CONTEXT", "gone")))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("docker context 'gone'").hasMessageContaining("docker context create")
                .hasMessageContaining("DOCKER_HOST");
    }

    private void writeContext(String name, String host, boolean skipTlsVerify) throws IOException {
        Path meta = Files.createDirectories(home.resolve(".docker/contexts/meta").resolve(sha256(name)));
        Files.writeString(meta.resolve("meta.json"), """
                {"Name":"%s","Metadata":{"Description":""},"Endpoints":{"docker":{"Host":"%s","SkipTLSVerify":%s}}}
                """.formatted(name, host, skipTlsVerify));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
