package io.ecrflow.publish;

import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.docker.BuiltImage;
import io.ecrflow.docker.DockerEngine;
import io.ecrflow.docker.ImmutableTagTaken;
import io.ecrflow.docker.ManifestAnswerLost;
import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.PlainPipeline;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.Manifest;
import io.ecrflow.registry.ManifestRefused;
import io.ecrflow.registry.RegistryClient;
import io.ecrflow.registry.RegistryCredential;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;
import io.ecrflow.tagging.TagPlan;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The order of the writes, the check of what the engine pushed and what an error says about the tags
 * already there. Engine and registry are seams here; the end-to-end tests publish through the real ones.
 */
class TagPublisherTest {
    private static final String CONFIG = "sha256:" + "b".repeat(64);
    private static final BuiltImage IMAGE = new BuiltImage(CONFIG, "team/web");
    private static final RegistryCredential LOGIN = new RegistryCredential("123456789012.dkr.ecr.eu-west-1.amazonaws.com",
            "AWS", Secret.of("password"), Instant.parse("2026-01-01T00:00:00Z"));

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final PlainPipeline pipeline = new PlainPipeline(Environment.of(Map.of()),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
    private final DockerEngine engine = mock(DockerEngine.class);
    private final RegistryClient registry = mock(RegistryClient.class);
    /** A version tag that stays with the image, and two tags that move on to later ones. */
    private static final TagPlan TAGS = TagPlan.of(List.of(Tag.of("1.4.0")), List.of(Tag.of("6.0"), Tag.of("latest")));

    private final List<ImageRef> refs = Stream.of("1.4.0", "6.0", "latest")
            .map(tag -> ImageRef.tagged(LOGIN.registry(), new RepositoryName("team/web"), Tag.of(tag))).toList();

    @Test
    void theGateJudgesTheImageOnceTheTagsThatStayAreWrittenAndBeforeTheFirstTagThatMoves() {
        Manifest manifest = manifestWithConfig(CONFIG);
        enginePushes(manifest);
        List<String> events = recordEvents(manifest);
        TagPlan tags = TagPlan.of(List.of(Tag.of("1.4.0"), Tag.of("1.4")), List.of(Tag.of("latest")));

        new TagPublisher(pipeline, engine, registry).publish(IMAGE, refs.get(0), tags, LOGIN, recordingGate(events));

        assertThat(events).containsExactly("push 1.4.0", "write 1.4", "gate on " + manifest.digest() + " holding latest",
                "write latest");
    }

    @Test
    void tagsThatMoveArePublishedAfterTheOnesThatStayWhateverOrderTheyWereGivenIn() {
        Manifest manifest = manifestWithConfig(CONFIG);
        enginePushes(manifest);
        List<String> events = recordEvents(manifest);
        TagPlan tags = TagPlan.of(List.of(Tag.of("1.4.0")), List.of(Tag.of("latest"), Tag.of("6.0")));

        Published published = new TagPublisher(pipeline, engine, registry)
                .publish(IMAGE, refs.get(2), tags, LOGIN, recordingGate(events));

        assertThat(events).containsExactly("push 1.4.0", "gate on " + manifest.digest() + " holding latest, 6.0",
                "write latest", "write 6.0");
        assertThat(published.refs()).extracting(ref -> ref.tag().value()).containsExactly("1.4.0", "latest", "6.0");
    }

    @Test
    void withNoTagThatMovesTheGateComesLastAndHoldsNoTagBack() {
        Manifest manifest = manifestWithConfig(CONFIG);
        enginePushes(manifest);
        List<String> events = recordEvents(manifest);
        TagPlan tags = TagPlan.of(List.of(Tag.of("1.4.0"), Tag.of("6.0"), Tag.of("latest")), List.of());

        new TagPublisher(pipeline, engine, registry).publish(IMAGE, refs.get(0), tags, LOGIN, recordingGate(events));

        assertThat(events).containsExactly("push 1.4.0", "write 6.0", "write latest",
                "gate on " + manifest.digest() + " holding nothing");
    }

    @Test
    void aGateThatRefusesTheImageKeepsEveryTagThatMovesOffIt() {
        Manifest manifest = manifestWithConfig(CONFIG);
        enginePushes(manifest);
        List<ImageRef> written = recordManifestWrites(manifest);
        TagPlan tags = TagPlan.of(List.of(Tag.of("1.4.0"), Tag.of("1.4")), List.of(Tag.of("6.0"), Tag.of("latest")));
        Gate refusing = (image, judged, held) -> {
            throw new UserError("critical findings; " + held.whenFailed());
        };

        assertThatThrownBy(() -> new TagPublisher(pipeline, engine, registry)
                .publish(IMAGE, refs.get(0), tags, LOGIN, refusing))
                .isInstanceOf(UserError.class).hasMessageContaining("the tags that move (6.0, latest) were not published");
        assertThat(written).extracting(ref -> ref.tag().value()).containsExactly("1.4");
    }

    @Test
    void finishingAnEarlierPublicationPassesTheGateBeforeTheMovingTagsItAdds() {
        Manifest manifest = manifestWithConfig(CONFIG);
        List<String> events = recordEvents(manifest);

        Published published = TagPublisher.ofManifests(pipeline, registry).addTags(manifest, refs.get(0), TAGS,
                Set.of(Tag.of("1.4.0")), recordingGate(events));

        assertThat(events).containsExactly("gate on " + manifest.digest() + " holding 6.0, latest", "write 6.0",
                "write latest");
        assertThat(published.refs()).containsExactlyElementsOf(refs);
    }

    @Test
    void theEnginePushesTheFirstTagAndEveryOtherTagGetsTheSameManifest() {
        Manifest manifest = manifestWithConfig(CONFIG);
        enginePushes(manifest);
        List<ImageRef> written = recordManifestWrites(manifest);

        Published published = new TagPublisher(pipeline, engine, registry).publish(IMAGE, refs.get(0), TAGS, LOGIN, Gate.OPEN);

        assertThat(published.digest()).isEqualTo(manifest.digest());
        assertThat(published.refs()).containsExactlyElementsOf(refs);
        verify(engine, times(1)).push(any(), any(), any());
        assertThat(written).containsExactly(refs.get(1), refs.get(2));
        assertThat(out.toString(StandardCharsets.UTF_8)).containsSubsequence("Pushing " + refs.get(0) + " (1 of 3)",
                "Tagged " + refs.get(1) + " (2 of 3)", "Tagged " + refs.get(2) + " (3 of 3)", "Published 3 tag(s)");
    }

    @Test
    void anImageReTaggedByAnotherRunIsPushedAgainUnderThisRunsImage() {
        Manifest foreign = manifestWithConfig("sha256:" + "f".repeat(64));
        Manifest ours = manifestWithConfig(CONFIG);
        when(engine.push(eq(refs.get(0)), eq(LOGIN), any())).thenReturn(foreign.digest(), ours.digest());
        when(registry.manifest(refs.get(0).withDigest(foreign.digest()))).thenReturn(foreign);
        when(registry.manifest(refs.get(0).withDigest(ours.digest()))).thenReturn(ours);
        when(registry.manifestDigest(refs.get(0))).thenReturn(Optional.of(ours.digest()));
        recordManifestWrites(ours);

        Published published = new TagPublisher(pipeline, engine, registry).publish(IMAGE, refs.get(0), TAGS, LOGIN, Gate.OPEN);

        assertThat(published.digest()).isEqualTo(ours.digest());
        verify(engine, times(2)).tag(CONFIG, refs.get(0));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("another run on this Docker Engine re-tagged it");
    }

    @Test
    void anEngineThatKeepsPushingAnotherImageFailsBeforeAnyOtherTag() {
        Manifest foreign = manifestWithConfig("sha256:" + "f".repeat(64));
        enginePushes(foreign);

        assertThatThrownBy(() -> new TagPublisher(pipeline, engine, registry).publish(IMAGE, refs.get(0), TAGS, LOGIN, Gate.OPEN))
                .isInstanceOf(UserError.class).hasMessageContaining("keeps re-tagging");
        verify(registry, times(0)).putManifest(any(), any());
    }

    @Test
    void aFirstTagThatAnotherRunOverwroteAtTheSameMomentStopsBeforeAnyOtherTag() {
        Manifest manifest = manifestWithConfig(CONFIG);
        enginePushes(manifest);
        when(registry.manifestDigest(refs.get(0))).thenReturn(Optional.of(manifestWithConfig("sha256:" + "f".repeat(64)).digest()));

        assertThatThrownBy(() -> new TagPublisher(pipeline, engine, registry).publish(IMAGE, refs.get(0), TAGS, LOGIN, Gate.OPEN))
                .isInstanceOf(UserError.class).hasMessageContaining("another run published the same tag at the same moment");
        verify(registry, times(0)).putManifest(any(), any());
    }

    @Test
    void aFailedLaterTagNamesTheTagsAlreadyThereAndStopsThere() {
        Manifest manifest = manifestWithConfig(CONFIG);
        enginePushes(manifest);
        doThrow(new UserError("The registry refused.")).when(registry).putManifest(refs.get(1), manifest);

        assertThatThrownBy(() -> new TagPublisher(pipeline, engine, registry).publish(IMAGE, refs.get(0), TAGS, LOGIN, Gate.OPEN))
                .isInstanceOf(UserError.class)
                .hasMessage("The registry refused. Tags already in the registry, on " + manifest.digest()
                        + ": 1.4.0. Run the step again to add the tags still missing.");
        verify(registry, times(0)).putManifest(eq(refs.get(2)), any());
    }

    @Test
    void theInlineCacheGoesUnderItsTagAfterTheUserTagsAndIsNotReported() {
        Manifest manifest = manifestWithConfig(CONFIG);
        enginePushes(manifest);
        List<ImageRef> written = recordManifestWrites(manifest);
        ImageRef cache = refs.get(0).withTag(Tag.of("buildcache"));

        Published published = new TagPublisher(pipeline, engine, registry)
                .publish(new BuiltImage(CONFIG, "team/web", Optional.of(cache)), refs.get(0), TAGS, LOGIN, Gate.OPEN);

        assertThat(written).containsExactly(refs.get(1), refs.get(2), cache);
        assertThat(published.refs()).doesNotContain(cache);
    }

    @Test
    void aCacheTheRegistryRefusesIsAWarningNotAFailure() {
        Manifest manifest = manifestWithConfig(CONFIG);
        enginePushes(manifest);
        ImageRef cache = refs.get(0).withTag(Tag.of("buildcache"));
        doThrow(new UserError("immutable")).when(registry).putManifest(cache, manifest);

        Published published = new TagPublisher(pipeline, engine, registry)
                .publish(new BuiltImage(CONFIG, "team/web", Optional.of(cache)), refs.get(0), TAGS, LOGIN, Gate.OPEN);

        assertThat(published.refs()).containsExactlyElementsOf(refs);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("The build cache could not be exported to " + cache);
    }

    @Test
    void addingTagsToAnEarlierPublicationUploadsNothing() {
        Manifest manifest = manifestWithConfig(CONFIG);
        List<ImageRef> written = recordManifestWrites(manifest);

        Published published = new TagPublisher(pipeline, engine, registry)
                .addTags(manifest, refs.get(0), TAGS, Set.of(Tag.of("1.4.0")), Gate.OPEN);

        assertThat(written).containsExactly(refs.get(1), refs.get(2));
        assertThat(published.refs()).containsExactlyElementsOf(refs);
        verify(engine, times(0)).push(any(), any(), any());
    }

    @Test
    void anImmutableTagThatRefusesTheManifestItHoldsAlreadyIsWrittenAndTheLogSaysTheAnswerWasLost() {
        Manifest manifest = manifestWithConfig(CONFIG);
        enginePushes(manifest);
        List<ImageRef> written = recordManifestWrites(manifest);
        doThrow(tagInvalid(refs.get(1))).when(registry).putManifest(refs.get(1), manifest);
        when(registry.manifestDigest(refs.get(1))).thenReturn(Optional.of(manifest.digest()));

        Published published = new TagPublisher(pipeline, engine, registry).publish(IMAGE, refs.get(0), TAGS, LOGIN, Gate.OPEN);

        assertThat(published.refs()).containsExactlyElementsOf(refs);
        assertThat(written).containsExactly(refs.get(2));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Tag 6.0 already holds " + manifest.digest()
                + " (an earlier answer was lost").doesNotContain("Tagged " + refs.get(1));
    }

    @Test
    void anImmutableTagThatHoldsAnotherImageStaysRefusedAndNamesTheTagsAlreadyThere() {
        Manifest manifest = manifestWithConfig(CONFIG);
        enginePushes(manifest);
        doThrow(tagInvalid(refs.get(1))).when(registry).putManifest(refs.get(1), manifest);
        when(registry.manifestDigest(refs.get(1))).thenReturn(Optional.of(manifestWithConfig("sha256:" + "f".repeat(64)).digest()));

        assertThatThrownBy(() -> new TagPublisher(pipeline, engine, registry).publish(IMAGE, refs.get(0), TAGS, LOGIN, Gate.OPEN))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("this tag already holds another image")
                .hasMessageContaining("Tags already in the registry, on " + manifest.digest() + ": 1.4.0.");
        verify(registry, times(0)).putManifest(eq(refs.get(2)), any());
    }

    @Test
    void aRefusalForAnotherReasonIsNotReadBack() {
        Manifest manifest = manifestWithConfig(CONFIG);
        enginePushes(manifest);
        doThrow(new ManifestRefused(refs.get(1), 403, ": DENIED", 1)).when(registry).putManifest(refs.get(1), manifest);

        assertThatThrownBy(() -> new TagPublisher(pipeline, engine, registry).publish(IMAGE, refs.get(0), TAGS, LOGIN, Gate.OPEN))
                .isInstanceOf(UserError.class).hasMessageContaining("ecr:PutImage");
        verify(registry, times(0)).manifestDigest(refs.get(1));
    }

    @Test
    void tagsAddedToAManifestInTheRegistryAreReadBackAfterARefusalTooAsPromoteWritesThem() {
        Manifest manifest = manifestWithConfig(CONFIG);
        TagPublisher publisher = TagPublisher.ofManifests(pipeline, registry);
        List<ImageRef> written = recordManifestWrites(manifest);
        doThrow(tagInvalid(refs.get(0))).when(registry).putManifest(refs.get(0), manifest);
        when(registry.manifestDigest(refs.get(0))).thenReturn(Optional.of(manifest.digest()));

        Published published = publisher.addTags(manifest, refs.get(0), TAGS, Set.of(), Gate.OPEN);

        assertThat(published.refs()).containsExactlyElementsOf(refs);
        assertThat(written).containsExactly(refs.get(1), refs.get(2));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Tag 1.4.0 already holds " + manifest.digest());
    }

    @Test
    void anEnginePushRefusedOnAnImmutableTagThatHoldsThisImageIsDoneAndEveryOtherTagGetsItsManifest() {
        Manifest manifest = manifestWithConfig(CONFIG);
        when(engine.push(eq(refs.get(0)), eq(LOGIN), any())).thenThrow(new ImmutableTagTaken("Tag '1.4.0' already exists"));
        when(registry.manifestDigest(refs.get(0))).thenReturn(Optional.of(manifest.digest()));
        when(registry.manifest(refs.get(0).withDigest(manifest.digest()))).thenReturn(manifest);
        List<ImageRef> written = recordManifestWrites(manifest);

        Published published = new TagPublisher(pipeline, engine, registry).publish(IMAGE, refs.get(0), TAGS, LOGIN, Gate.OPEN);

        assertThat(published.digest()).isEqualTo(manifest.digest());
        assertThat(written).containsExactly(refs.get(1), refs.get(2));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Tag 1.4.0 already holds " + manifest.digest()
                + ", the image " + CONFIG + " this run pushed (an earlier answer was lost");
    }

    @Test
    void anEnginePushRefusedOnAnImmutableTagThatHoldsAnotherImageStaysRefused() {
        Manifest foreign = manifestWithConfig("sha256:" + "f".repeat(64));
        when(engine.push(eq(refs.get(0)), eq(LOGIN), any())).thenThrow(new ImmutableTagTaken("Tag '1.4.0' already exists"));
        when(registry.manifestDigest(refs.get(0))).thenReturn(Optional.of(foreign.digest()));
        when(registry.manifest(refs.get(0).withDigest(foreign.digest()))).thenReturn(foreign);

        assertThatThrownBy(() -> new TagPublisher(pipeline, engine, registry).publish(IMAGE, refs.get(0), TAGS, LOGIN, Gate.OPEN))
                .isInstanceOf(ImmutableTagTaken.class).hasMessage("Tag '1.4.0' already exists");
        verify(registry, times(0)).putManifest(any(), any());
    }

    @Test
    void anEnginePushWhoseManifestAnswerWasLostIsDoneWhenTheTagHoldsThisImage() {
        Manifest manifest = manifestWithConfig(CONFIG);
        when(engine.push(eq(refs.get(0)), eq(LOGIN), any())).thenThrow(new ManifestAnswerLost("Could not reach the registry"));
        when(registry.manifestDigest(refs.get(0))).thenReturn(Optional.of(manifest.digest()));
        when(registry.manifest(refs.get(0).withDigest(manifest.digest()))).thenReturn(manifest);
        List<ImageRef> written = recordManifestWrites(manifest);

        Published published = new TagPublisher(pipeline, engine, registry).publish(IMAGE, refs.get(0), TAGS, LOGIN, Gate.OPEN);

        assertThat(published.digest()).isEqualTo(manifest.digest());
        assertThat(written).containsExactly(refs.get(1), refs.get(2));
        verify(engine, times(1)).push(any(), any(), any());
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Tag 1.4.0 already holds " + manifest.digest());
    }

    @Test
    void anEnginePushWhoseManifestAnswerWasLostKeepsItsErrorWhenTheTagCannotBeReadOrHoldsNothing() {
        when(engine.push(eq(refs.get(0)), eq(LOGIN), any())).thenThrow(new ManifestAnswerLost("Could not reach the registry"));
        when(registry.manifestDigest(refs.get(0))).thenThrow(new UserError("Could not reach the registry in 5 attempts."))
                .thenReturn(Optional.empty());
        TagPublisher publisher = new TagPublisher(pipeline, engine, registry);

        assertThatThrownBy(() -> publisher.publish(IMAGE, refs.get(0), TAGS, LOGIN, Gate.OPEN)).isInstanceOf(ManifestAnswerLost.class)
                .hasMessage("Could not reach the registry");
        assertThatThrownBy(() -> publisher.publish(IMAGE, refs.get(0), TAGS, LOGIN, Gate.OPEN)).isInstanceOf(ManifestAnswerLost.class);
        verify(registry, times(0)).putManifest(any(), any());
    }

    private static ManifestRefused tagInvalid(ImageRef ref) {
        return new ManifestRefused(ref, 400, ": TAG_INVALID: The image tag '" + ref.tag().value() + "' already exists in "
                + "the 'team/web' repository and cannot be overwritten because the repository is immutable.", 1);
    }

    private void enginePushes(Manifest manifest) {
        when(engine.push(eq(refs.get(0)), eq(LOGIN), any())).thenReturn(manifest.digest());
        when(registry.manifest(refs.get(0).withDigest(manifest.digest()))).thenReturn(manifest);
        when(registry.manifestDigest(refs.get(0))).thenReturn(Optional.of(manifest.digest()));
    }

    /** Records the manifest writes, by tag, beside the gate's checks of {@link #recordingGate}. */
    private List<String> recordEvents(Manifest manifest) {
        List<String> events = new ArrayList<>();
        org.mockito.Mockito.doAnswer(call -> events.add("write " + ((ImageRef) call.getArgument(0)).tag().value()))
                .when(registry).putManifest(any(), eq(manifest));
        when(engine.push(eq(refs.get(0)), eq(LOGIN), any())).thenAnswer(call -> {
            events.add("push 1.4.0");
            return manifest.digest();
        });
        return events;
    }

    private static Gate recordingGate(List<String> events) {
        return (image, manifest, held) -> events.add("gate on " + image.digestOpt().orElseThrow() + " holding "
                + (held.refs().isEmpty() ? "nothing"
                : held.refs().stream().map(ref -> ref.tag().value()).collect(java.util.stream.Collectors.joining(", "))));
    }

    private List<ImageRef> recordManifestWrites(Manifest manifest) {
        List<ImageRef> written = new ArrayList<>();
        org.mockito.Mockito.doAnswer(call -> written.add(call.getArgument(0))).when(registry).putManifest(any(), eq(manifest));
        return written;
    }

    private static Manifest manifestWithConfig(String config) {
        byte[] content = ("{\"schemaVersion\":2,\"mediaType\":\"" + Manifest.DOCKER_IMAGE + "\",\"config\":{\"digest\":\""
                + config + "\"},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
        return new Manifest(Manifest.DOCKER_IMAGE, sha256(content), content);
    }

    private static Digest sha256(byte[] content) {
        try {
            return new Digest("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
