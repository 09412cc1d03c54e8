package io.ecrflow.buildpush;

import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.docker.BuiltImage;
import io.ecrflow.docker.DockerEngine;
import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.PlainPipeline;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.RegistryCredential;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The order of the pushes and what an error says about the tags already pushed. The engine is a seam
 * here; PushTest and the end-to-end tests push through the real one.
 */
class TagPusherTest {
    private static final Digest DIGEST = Digest.parse("sha256:" + "a".repeat(64));
    private static final BuiltImage IMAGE = new BuiltImage("sha256:" + "b".repeat(64), "team/web");
    private static final RegistryCredential LOGIN = new RegistryCredential("123456789012.dkr.ecr.eu-west-1.amazonaws.com",
            "AWS", Secret.of("password"), Instant.parse("2026-01-01T00:00:00Z"));

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final PlainPipeline pipeline = new PlainPipeline(Environment.of(Map.of()),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
    private final DockerEngine engine = mock(DockerEngine.class);
    private final List<ImageRef> refs = Stream.of("1.4.0", "6.0", "latest")
            .map(tag -> ImageRef.tagged(LOGIN.registry(), new RepositoryName("team/web"), Tag.of(tag))).toList();

    @Test
    void pushesEveryTagInOrderAndReturnsTheirDigest() {
        refs.forEach(ref -> when(engine.push(eq(ref), eq(LOGIN), any())).thenReturn(DIGEST));

        assertThat(new TagPusher(pipeline, engine).pushAll(IMAGE, refs, LOGIN)).isEqualTo(DIGEST);

        assertThat(out.toString(StandardCharsets.UTF_8)).containsSubsequence("Pushing " + refs.get(0) + " (1 of 3)",
                "Pushing " + refs.get(1) + " (2 of 3)", "Pushing " + refs.get(2) + " (3 of 3)", "Pushed 3 tag(s)");
    }

    @Test
    void aFailedLaterTagNamesTheTagsAlreadyPushedAndStopsThere() {
        when(engine.push(eq(refs.get(0)), eq(LOGIN), any())).thenReturn(DIGEST);
        when(engine.push(eq(refs.get(1)), eq(LOGIN), any())).thenThrow(new UserError("The registry denied the push.", "tags"));

        assertThatThrownBy(() -> new TagPusher(pipeline, engine).pushAll(IMAGE, refs, LOGIN))
                .isInstanceOf(UserError.class)
                .hasMessage("The registry denied the push. Tags pushed before this one stay in the registry, on "
                        + DIGEST + ": 1.4.0.")
                .satisfies(e -> assertThat(((UserError) e).input()).contains("tags"));
        verify(engine, never()).push(eq(refs.get(2)), any(), any());
    }

    @Test
    void aFailedFirstTagIsTheEnginesErrorAsItIs() {
        UserError denied = new UserError("The registry denied the push.", "tags");
        when(engine.push(eq(refs.get(0)), eq(LOGIN), any())).thenThrow(denied);

        assertThatThrownBy(() -> new TagPusher(pipeline, engine).pushAll(IMAGE, refs, LOGIN)).isSameAs(denied);
    }

    @Test
    void tagsThatEndUpOnDifferentDigestsAreAnError() {
        when(engine.push(eq(refs.get(0)), eq(LOGIN), any())).thenReturn(DIGEST);
        when(engine.push(eq(refs.get(1)), eq(LOGIN), any())).thenReturn(Digest.parse("sha256:" + "c".repeat(64)));

        assertThatThrownBy(() -> new TagPusher(pipeline, engine).pushAll(IMAGE, refs, LOGIN))
                .isInstanceOf(UserError.class).hasMessageContaining("the image changed during the push");
    }
}
