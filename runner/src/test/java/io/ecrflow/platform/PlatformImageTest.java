package io.ecrflow.platform;

import io.ecrflow.aws.TagMutability;
import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.aws.Ecr;
import io.ecrflow.aws.RepositoryInfo;
import io.ecrflow.aws.RepositorySettings;
import io.ecrflow.docker.BuiltImage;
import io.ecrflow.docker.Containers;
import io.ecrflow.docker.DockerEngine;
import io.ecrflow.docker.ImageBuilder;
import io.ecrflow.notify.NotificationFailure;
import io.ecrflow.notify.TeamsCard;
import io.ecrflow.notify.TeamsChannel;
import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.PlainPipeline;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.Manifest;
import io.ecrflow.registry.RegistryClient;
import io.ecrflow.registry.RegistryCredential;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ecrflow.publish.BuildSettings;
import io.ecrflow.registry.CacheRef;
import io.ecrflow.tagging.TagPlan;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The guards of the flow that the end-to-end test cannot provoke on demand: a version tag appearing
 * between the check and the push (a parallel run), and a Teams webhook that refuses the card.
 * ECR, the registry and the engine are stand-ins here; the end-to-end test runs the real ones.
 */
class PlatformImageTest {
    private static final String REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
    private static final RepositoryName RUNTIME = new RepositoryName("runtime");
    private static final Digest BASE = Digest.parse("sha256:" + "b".repeat(64));
    private static final Digest PUSHED = Digest.parse("sha256:" + "d".repeat(64));

    @TempDir
    Path folder;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final PlainPipeline pipeline = new PlainPipeline(Environment.of(Map.of()),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
    private final Ecr ecr = mock(Ecr.class);
    private final RegistryClient registry = mock(RegistryClient.class);
    private final DockerEngine engine = mock(DockerEngine.class);
    private final ImageBuilder builder = mock(ImageBuilder.class);
    private final List<TeamsCard> posted = new ArrayList<>();
    private boolean webhookRefuses;
    private final TeamsChannel teams = card -> {
        if (webhookRefuses) {
            throw new NotificationFailure("The Teams webhook refused the card (HTTP 410).");
        }
        posted.add(card);
    };

    @BeforeEach
    void repositoryWithVersion100BuiltOnAnOlderBase() throws Exception {
        Files.writeString(folder.resolve("Dockerfile"), "FROM mcr.microsoft.com/dotnet/runtime:6.0-bullseye-slim\n");
        when(ecr.login()).thenReturn(new RegistryCredential(REGISTRY, "AWS", Secret.of("pw"), Instant.MAX));
        when(ecr.describe(RUNTIME)).thenReturn(Optional.of(new RepositoryInfo(RUNTIME, REGISTRY + "/runtime",
                "arn:aws:ecr:eu-west-1:123456789012:repository/runtime", "123456789012",
                TagMutability.MUTABLE, Optional.of(new RepositoryInfo.PrivateSettings(false, "AES256", Optional.empty())))));
        when(registry.withCredential(any())).thenReturn(registry);
        when(registry.withCredential(any(), any())).thenReturn(registry);
        when(registry.manifestDigest(any())).thenReturn(Optional.of(BASE));
        when(registry.tags(REGISTRY, RUNTIME)).thenReturn(List.of(Tag.of("6.0-bullseye-slim-1.0.0"), Tag.of("latest")));
        byte[] config = "{\"config\":{\"Labels\":{}}}".getBytes(StandardCharsets.UTF_8);
        Digest configDigest = Digest.parse("sha256:" + "c".repeat(64));
        byte[] manifest = ("{\"mediaType\":\"" + Manifest.DOCKER_IMAGE + "\",\"config\":{\"digest\":\"" + configDigest + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        when(registry.manifest(any())).thenReturn(new Manifest(Manifest.DOCKER_IMAGE, PUSHED, manifest));
        when(registry.manifestDigest(org.mockito.ArgumentMatchers.argThat(ref -> ref != null
                && ref.tagOpt().map(tag -> tag.value().equals("6.0-bullseye-slim-1.1.0")).orElse(false))))
                .thenReturn(Optional.of(PUSHED));
        when(registry.configBlob(any(), any())).thenReturn(config);
        when(builder.name()).thenReturn("engine");
        // The classic image store's image id is the config digest: the pushed manifest is this build's.
        when(builder.build(any(), any())).thenReturn(new BuiltImage(configDigest.toString(), "candidate"));
        when(engine.push(any(), any(), any())).thenReturn(PUSHED);
    }

    private PlatformImageOptions options(boolean notifyFatal) {
        RepositorySettings settings = new RepositorySettings(RUNTIME, TagMutability.MUTABLE, true,
                RepositorySettings.Encryption.AES256, Optional.empty(), Map.of(), Optional.empty());
        BuildSettings build = new BuildSettings(folder, folder.resolve("Dockerfile"), Map.of(), Optional.empty(), false,
                true, "engine", false, CacheRef.defaultFor(RUNTIME));
        return new PlatformImageOptions(settings, build, Optional.empty(),
                VersionTags.withPrefix("6.0-bullseye-slim"), Version.Part.MINOR, false,
                TagPlan.forNewVersions(List.of("6.0"), true, name -> Optional.empty()),
                Optional.empty(), Optional.empty(), new PlatformImageOptions.Notifications(true, notifyFatal));
    }

    private PlatformImage flow() {
        return new PlatformImage(pipeline, ecr, registry, engine, mock(Containers.class), () -> builder,
                Optional.of(teams), io.ecrflow.publish.Gate.OPEN,
                io.ecrflow.devops.DependentRuns.none(pipeline), io.ecrflow.devops.BuildTags.none(pipeline),
                Clock.systemUTC());
    }

    @Test
    void aVersionTagThatAppearedMeanwhileIsNeverOverwritten() {
        when(ecr.existingTags(any(), any())).thenReturn(Map.of(Tag.of("6.0-bullseye-slim-1.1.0"), PUSHED));

        assertThatThrownBy(() -> flow().run(options(false)))
                .isInstanceOf(UserError.class).hasMessageContaining("6.0-bullseye-slim-1.1.0 already exists")
                .hasMessageContaining("never overwritten");
        verify(engine, never()).push(any(), any(), any());
        assertThat(posted).singleElement().satisfies(card -> assertThat(card.title()).isEqualTo("Platform image runtime failed"));
    }

    @Test
    void theVersionTagIsPushedFirstAndLatestLast() {
        when(ecr.existingTags(any(), any())).thenReturn(Map.of());

        flow().run(options(false));

        var pushed = org.mockito.ArgumentCaptor.forClass(ImageRef.class);
        verify(engine).push(pushed.capture(), any(), any());
        assertThat(pushed.getValue().tag().value()).isEqualTo("6.0-bullseye-slim-1.1.0");
        var tagged = org.mockito.ArgumentCaptor.forClass(ImageRef.class);
        verify(registry, org.mockito.Mockito.times(2)).putManifest(tagged.capture(), any());
        assertThat(tagged.getAllValues()).extracting(ref -> ref.tag().value()).containsExactly("6.0", "latest");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("updated=true").contains("version=1.1.0")
                .contains("has no org.opencontainers.image.base.digest label");
    }

    @Test
    void aRefusedCardIsAWarningUnlessNotifyFatal() {
        when(ecr.existingTags(any(), any())).thenReturn(Map.of());
        webhookRefuses = true;

        flow().run(options(false));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("warning: The Teams webhook refused the card (HTTP 410).");

        assertThatThrownBy(() -> flow().run(options(true))).isInstanceOf(NotificationFailure.class)
                .hasMessageContaining("The image itself was published");
    }
}
