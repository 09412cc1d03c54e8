package io.ecrflow.promote;

import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.aws.Ecr;
import io.ecrflow.aws.RepositoryInfo;
import io.ecrflow.aws.RepositorySettings;
import io.ecrflow.aws.TagMutability;
import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.PlainPipeline;
import io.ecrflow.publish.ScanGateSettings;
import io.ecrflow.publish.ScanThresholds;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.Manifest;
import io.ecrflow.registry.RegistryClient;
import io.ecrflow.registry.RegistryCredential;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;
import io.ecrflow.tagging.TagPlan;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The decisions of the promote story within one registry: which tags are written, which are left as they are, and
 * when the promotion is refused before anything is written. ECR and the registry are seams here; the end-to-end
 * tests promote through the real ones.
 */
class PromoteTest {
    private static final String REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
    private static final RepositoryName WEB = new RepositoryName("team/web");
    private static final RepositoryName RELEASES = new RepositoryName("team/releases");
    private static final Manifest IMAGE = manifest("c");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final PlainPipeline pipeline = new PlainPipeline(Environment.of(Map.of()),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
    private final Ecr ecr = mock(Ecr.class);
    private final RegistryClient registry = mock(RegistryClient.class);
    private final List<ImageRef> written = new ArrayList<>();

    @BeforeEach
    void aSourceImageAndAnImmutableTargetRepository() {
        when(ecr.login()).thenReturn(new RegistryCredential(REGISTRY, "AWS", Secret.of("pw"), Instant.MAX));
        when(ecr.describe(WEB)).thenReturn(Optional.of(repository(WEB, TagMutability.MUTABLE)));
        when(ecr.describe(RELEASES)).thenReturn(Optional.of(repository(RELEASES, TagMutability.IMMUTABLE)));
        when(registry.withCredential(any(), any())).thenReturn(registry);
        when(registry.manifestDigest(any())).thenReturn(Optional.of(IMAGE.digest()));
        when(registry.manifest(any())).thenReturn(IMAGE);
        doAnswer(call -> written.add(call.getArgument(0))).when(registry).putManifest(any(), eq(IMAGE));
    }

    @Test
    void everyTagIsWrittenOnTheSourceImagesManifestTheMovingOnesLast() {
        when(ecr.existingTags(eq(RELEASES), any())).thenReturn(Map.of());

        promote(TagPlan.of(List.of(Tag.of("1.4.0")), List.of(Tag.of("stable"))));

        assertThat(written).containsExactly(target("1.4.0"), target("stable"));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Published " + target("1.4.0"), "Published " + target("stable"));
    }

    @Test
    void anImmutableTagThatHoldsThisImageAlreadyIsLeftAsItIs() {
        when(ecr.existingTags(eq(RELEASES), any())).thenReturn(Map.of(Tag.of("1.4.0"), IMAGE.digest()));

        promote(TagPlan.of(List.of(Tag.of("1.4.0"), Tag.of("1.4")), List.of()));

        assertThat(written).containsExactly(target("1.4"));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("1.4.0 already holds " + IMAGE.digest() + "; left as they are");
    }

    @Test
    void anImmutableTagThatHoldsAnotherImageRefusesThePromotionBeforeAnythingIsWritten() {
        Digest other = manifest("f").digest();
        when(ecr.existingTags(eq(RELEASES), any())).thenReturn(Map.of(Tag.of("1.4"), other));

        assertThatThrownBy(() -> promote(TagPlan.of(List.of(Tag.of("1.4.0"), Tag.of("1.4")), List.of())))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("'1.4' already holds another image (" + other + ")")
                .hasMessageContaining("nothing was promoted");
        assertThat(written).isEmpty();
        verify(ecr, never()).create(any());
    }

    @Test
    void aSourceImageThatIsNotThereIsNamedAndNothingIsWritten() {
        when(registry.manifestDigest(ImageRef.tagged(REGISTRY, WEB, Tag.of("1a2b3c4d")))).thenReturn(Optional.empty());

        assertThatThrownBy(() -> promote(TagPlan.of(List.of(Tag.of("1.4.0")), List.of())))
                .isInstanceOf(UserError.class).hasMessageContaining("The source image " + REGISTRY + "/team/web:1a2b3c4d "
                        + "does not exist. Check sourceTag.");
        assertThat(written).isEmpty();
        verify(ecr, never()).create(any());
    }

    private void promote(TagPlan tags) {
        RepositorySettings settings = new RepositorySettings(RELEASES, TagMutability.IMMUTABLE, true,
                RepositorySettings.Encryption.AES256, Optional.empty(), Map.of(), Optional.empty());
        PromoteOptions.Source source = new PromoteOptions.Source(WEB, Optional.of(Tag.of("1a2b3c4d")), Optional.empty());
        // one registry: its registry targets are not used by the story, whose ECR is the seam
        new Promote(pipeline, ecr, ecr, registry).run(new PromoteOptions(null, source, null, settings, true, tags,
                new ScanGateSettings(false, new ScanThresholds(Map.of()), Duration.ofMinutes(10), false)));
    }

    private static ImageRef target(String tag) {
        return ImageRef.tagged(REGISTRY, RELEASES, Tag.of(tag));
    }

    private static RepositoryInfo repository(RepositoryName name, TagMutability mutability) {
        return new RepositoryInfo(name, REGISTRY + "/" + name, "arn:aws:ecr:eu-west-1:123456789012:repository/" + name,
                "123456789012", mutability, Optional.of(new RepositoryInfo.PrivateSettings(false, "AES256", Optional.empty())));
    }

    private static Manifest manifest(String config) {
        byte[] content = ("{\"schemaVersion\":2,\"mediaType\":\"" + Manifest.DOCKER_IMAGE + "\",\"config\":{\"digest\":\"sha256:"
                + config.repeat(64) + "\"},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
        return new Manifest(Manifest.DOCKER_IMAGE, Digest.parse("sha256:" + config.repeat(63) + "0"), content);
    }
}
