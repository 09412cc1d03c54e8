package io.ecrflow.docker;

import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** The engine client against the real Docker Engine: names given, inspected and removed. */
@ExtendWith(RealEngine.class)
class DockerJavaEngineIT {
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
