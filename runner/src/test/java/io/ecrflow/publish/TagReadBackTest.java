package io.ecrflow.publish;

import io.ecrflow.docker.BuiltImage;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.Manifest;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A refused write of an immutable tag is done exactly when the tag holds what this run wrote. */
class TagReadBackTest {
    private static final ImageRef TAG = ImageRef.tagged("123456789012.dkr.ecr.us-east-1.amazonaws.com",
            new RepositoryName("team/web"), Tag.of("1.2.0"));
    private static final String CONFIG = "sha256:" + "b".repeat(64);
    private static final Manifest OURS = manifestWithConfig(CONFIG);
    private static final Manifest OTHER = manifestWithConfig("sha256:" + "f".repeat(64));

    @Test
    void aTagThatHoldsTheWrittenDigestIsDoneAndTheLineSaysAnAnswerWasLost() {
        assertThat(TagReadBack.writeDone(TAG, OURS.digest(), Optional.of(OURS.digest())))
                .hasValue("Tag 1.2.0 already holds " + OURS.digest() + " (an earlier answer was lost): nothing to write.");
    }

    @Test
    void aTagThatHoldsAnotherDigestOrNothingLeavesTheRefusalStanding() {
        assertThat(TagReadBack.writeDone(TAG, OURS.digest(), Optional.of(OTHER.digest()))).isEmpty();
        assertThat(TagReadBack.writeDone(TAG, OURS.digest(), Optional.empty())).isEmpty();
    }

    @Test
    void aRefusedPushIsDoneWhenTheTagHoldsTheManifestOfThePushedImage() {
        BuiltImage classic = new BuiltImage(CONFIG, "team/web");
        BuiltImage containerd = new BuiltImage(OURS.digest().toString(), "team/web");

        assertThat(TagReadBack.pushDone(TAG, classic, Optional.of(OURS))).hasValueSatisfying(line -> assertThat(line)
                .startsWith("Tag 1.2.0 already holds " + OURS.digest() + ", the image " + CONFIG + " this run pushed"));
        assertThat(TagReadBack.pushDone(TAG, containerd, Optional.of(OURS))).isPresent();
    }

    @Test
    void aRefusedPushStandsWhenTheTagHoldsAnotherImageOrNothing() {
        BuiltImage image = new BuiltImage(CONFIG, "team/web");

        assertThat(TagReadBack.pushDone(TAG, image, Optional.of(OTHER))).isEmpty();
        assertThat(TagReadBack.pushDone(TAG, image, Optional.empty())).isEmpty();
    }

    private static Manifest manifestWithConfig(String config) {
        return Manifest.of(("{\"schemaVersion\":2,\"mediaType\":\"" + Manifest.DOCKER_IMAGE + "\",\"config\":{\"digest\":\""
                + config + "\"},\"layers\":[]}").getBytes(StandardCharsets.UTF_8));
    }
}
