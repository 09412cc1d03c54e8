package io.ecrflow.docker;

import io.ecrflow.UserError;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DockerJavaEngineTest {

    @Test
    void pingWithoutAnEngineSaysHowToStartOne() {
        try (DockerJavaEngine engine = DockerJavaEngine.connect(Map.of("DOCKER_HOST", "unix:///nonexistent.sock"))) {
            assertThat(engine.host()).isEqualTo("unix:///nonexistent.sock");
            assertThatThrownBy(engine::ping)
                    .isInstanceOf(UserError.class)
                    .hasMessageStartingWith("No Docker Engine is reachable at unix:///nonexistent.sock (")
                    .hasMessageContaining("Start one (`sudo systemctl start docker`, or `dockerd`)")
                    .hasMessageContaining("point DOCKER_HOST at a running engine");
        }
    }

    @Test
    void withoutDockerHostTheLocalSocketIsUsed() {
        try (DockerJavaEngine engine = DockerJavaEngine.connect(Map.of())) {
            assertThat(engine.host()).isEqualTo("unix:///var/run/docker.sock");
        }
    }

    @Test
    void tlsVerificationWithoutCertificatesIsAUserError() {
        assertThatThrownBy(() -> EngineConnection.open(Map.of("DOCKER_HOST", "tcp://127.0.0.1:2376",
                "DOCKER_TLS_VERIFY", "1", "DOCKER_CERT_PATH", "/nonexistent/certs")))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("DOCKER_CERT_PATH");
    }
}
