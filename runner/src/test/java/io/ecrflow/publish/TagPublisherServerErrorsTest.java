package io.ecrflow.publish;

import io.ecrflow.ManualClock;
import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.docker.BuiltImage;
import io.ecrflow.docker.DockerEngine;
import io.ecrflow.docker.RegistryServerError;
import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.PlainPipeline;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.Manifest;
import io.ecrflow.registry.RegistryClient;
import io.ecrflow.registry.RegistryCredential;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;
import io.ecrflow.tagging.TagPlan;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * A push the registry answers with a server error the engine does not retry (the image config, the manifest) is
 * pushed again, three times at most, a second and then two apart: on a clock that moves only when the publisher pauses.
 */
class TagPublisherServerErrorsTest {
    private static final String CONFIG = "sha256:" + "c".repeat(64);
    private static final RegistryCredential LOGIN = new RegistryCredential("123456789012.dkr.ecr.eu-west-1.amazonaws.com",
            "AWS", Secret.of("password"), Instant.parse("2026-01-01T00:00:00Z"));
    private static final ImageRef FIRST = ImageRef.tagged(LOGIN.registry(), new RepositoryName("team/api"), Tag.of("2.0.0"));

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final DockerEngine engine = mock(DockerEngine.class);
    private final RegistryClient registry = mock(RegistryClient.class);
    private final ManualClock clock = new ManualClock();
    private final RegistryServerError manifestWrite503 = mock(RegistryServerError.class);

    private TagPublisher publisher() {
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        return new TagPublisher(new PlainPipeline(Environment.of(Map.of()), out, out), engine, registry)
                .pausingOn(clock, clock.sleeper());
    }

    private Manifest image() {
        byte[] content = ("{\"schemaVersion\":2,\"mediaType\":\"" + Manifest.DOCKER_IMAGE + "\",\"config\":{\"digest\":\""
                + CONFIG + "\"},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
        Manifest manifest = new Manifest(Manifest.DOCKER_IMAGE, Digest.parse("sha256:" + "d".repeat(64)), content);
        when(registry.manifest(FIRST.withDigest(manifest.digest()))).thenReturn(manifest);
        when(registry.manifestDigest(FIRST)).thenReturn(Optional.of(manifest.digest()));
        when(manifestWrite503.worthPushingAgain()).thenReturn(true);
        when(manifestWrite503.happened()).thenReturn("The registry answered the manifest write with 503");
        when(manifestWrite503.afterPushes(3)).thenReturn(new UserError("503 on each of 3 pushes"));
        return manifest;
    }

    @Test
    void aPushMeetingTwoServerErrorsGoesThroughOnTheThirdAfterPausesOfOneThenTwoSeconds() {
        Manifest manifest = image();
        when(engine.push(any(), any(), any())).thenThrow(manifestWrite503, manifestWrite503).thenReturn(manifest.digest());

        Published published = publisher().publish(new BuiltImage(CONFIG, "team/api"), FIRST, TagPlan.of(List.of(FIRST.tag()), List.of()), LOGIN, Gate.OPEN);

        assertThat(published.digest()).isEqualTo(manifest.digest());
        assertThat(clock.pauses()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("Pushing again (2 of 3)", "Pushing again (3 of 3)");
    }

    @Test
    void aPushThatKeepsMeetingServerErrorsStopsAfterTheThird() {
        image();
        when(engine.push(any(), any(), any())).thenThrow(manifestWrite503);

        assertThatThrownBy(() -> publisher().publish(new BuiltImage(CONFIG, "team/api"), FIRST, TagPlan.of(List.of(FIRST.tag()), List.of()), LOGIN, Gate.OPEN))
                .isInstanceOf(UserError.class).hasMessage("503 on each of 3 pushes");

        verify(engine, times(3)).push(any(), any(), any());
        assertThat(clock.pauses()).hasSize(2);
    }
}
