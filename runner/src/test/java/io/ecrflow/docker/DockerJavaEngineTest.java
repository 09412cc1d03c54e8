package io.ecrflow.docker;

import io.ecrflow.UserError;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(RealEngine.class)
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

    @Test
    void tagsInspectsAndRemovesImages(RealEngine.Fixture fixture) {
        DockerJavaEngine engine = fixture.engine;
        String baseId = engine.inspectImage(fixture.baseImage).orElseThrow().id();
        ImageRef ref = ImageRef.tagged("127.0.0.1:5999", new RepositoryName("ecrflow-test/tagged"),
                Tag.of("t-" + RealEngine.uniqueSuffix()));

        engine.tag(baseId, ref);
        try {
            assertThat(engine.imageExists(ref.toString())).isTrue();
            assertThat(engine.inspectImage(ref.toString())).get()
                    .satisfies(info -> assertThat(info.id()).isEqualTo(baseId));
        } finally {
            engine.removeImage(ref.toString());
        }

        assertThat(engine.imageExists(ref.toString())).isFalse();
        assertThat(engine.imageExists(fixture.baseImage)).as("the other name keeps the image").isTrue();
        assertThatCode(() -> engine.removeImage(ref.toString())).doesNotThrowAnyException();
    }

    @Test
    void anUnknownImageIsReportedAbsent(RealEngine.Fixture fixture) {
        assertThat(fixture.engine.inspectImage("ecrflow-test/never-built:" + RealEngine.uniqueSuffix())).isEmpty();
    }
}
