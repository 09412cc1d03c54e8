package io.ecrflow.buildpush;

import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.aws.Ecr;
import io.ecrflow.aws.RepositoryInfo;
import io.ecrflow.aws.RepositorySettings;
import io.ecrflow.aws.TagMutability;
import io.ecrflow.docker.BuiltImage;
import io.ecrflow.docker.DockerEngine;
import io.ecrflow.docker.ImageBuilder;
import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.PlainPipeline;
import io.ecrflow.publish.BuildSettings;
import io.ecrflow.publish.Gate;
import io.ecrflow.publish.Published;
import io.ecrflow.registry.CacheRef;
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
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The decisions of the build-push story: when the repository is created, when nothing is built, and what a run
 * that publishes nothing leaves. ECR, the registry, the engine and the builder are seams here; the end-to-end
 * tests publish through the real ones.
 */
class BuildPushTest {
    private static final String REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
    private static final RepositoryName WEB = new RepositoryName("team/web");
    private static final RegistryCredential LOGIN = new RegistryCredential(REGISTRY, "AWS", Secret.of("pw"), Instant.MAX);
    private static final TagPlan TAGS = TagPlan.of(List.of(Tag.of("1a2b3c4d"), Tag.of("42")), List.of());
    private static final String CONFIG = "sha256:" + "c".repeat(64);

    @TempDir
    Path folder;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final PlainPipeline pipeline = new PlainPipeline(Environment.of(Map.of("GITHUB_SHA", "1a2b3c4d5e",
            "GITHUB_RUN_ID", "77")), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(out, true, StandardCharsets.UTF_8));
    private final Ecr ecr = mock(Ecr.class);
    private final RegistryClient registry = mock(RegistryClient.class);
    private final DockerEngine engine = mock(DockerEngine.class);
    private final ImageBuilder builder = mock(ImageBuilder.class);

    @BeforeEach
    void anEngineAndALogin() throws Exception {
        Files.writeString(folder.resolve("Dockerfile"), "FROM scratch\n");
        when(ecr.login()).thenReturn(LOGIN);
        when(ecr.describe(WEB)).thenReturn(Optional.empty());
        when(registry.withCredential(any(), any())).thenReturn(registry);
        when(builder.name()).thenReturn("BuildKit");
    }

    @Test
    void aFailedBuildLeavesEcrUntouched() {
        when(builder.build(any(), any())).thenThrow(new UserError("The build failed: no such file."));

        assertThatThrownBy(() -> story().run(options(dockerfile(false))))
                .isInstanceOf(UserError.class).hasMessageContaining("The build failed");
        verify(ecr, never()).create(any());
        verify(registry, never()).putManifest(any(), any());
        verify(engine, never()).push(any(), any(), any());
    }

    @Test
    void aRegistryCacheInTheRepositoryHasTheRepositoryCreatedBeforeTheBuildWritesIt() {
        when(ecr.create(any())).thenReturn(repository(TagMutability.MUTABLE));
        when(builder.build(any(), any())).thenThrow(new UserError("The build failed: no such file."));

        assertThatThrownBy(() -> story().run(options(dockerfile(true)))).isInstanceOf(UserError.class);
        verify(ecr).create(any());
    }

    @Test
    void aRerunOfARunThatPublishedSomeTagsGivesTheOthersItsImageWithoutBuilding() {
        Manifest earlier = immutableTagHoldsAnImageOf("1a2b3c4d", "1a2b3c4d5e", "77");

        Published published = story().run(options(dockerfile(false)));

        verify(builder, never()).build(any(), any());
        verify(engine, never()).push(any(), any(), any());
        verify(registry).putManifest(ref("42"), earlier);
        verify(registry, never()).putManifest(eq(ref("1a2b3c4d")), any());
        assertThat(published.refs()).containsExactly(ref("1a2b3c4d"), ref("42"));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("published by an earlier attempt of this run; adding 42");
    }

    @Test
    void anImmutableTagHoldingAnotherRunsImageStopsTheRunBeforeTheBuild() {
        immutableTagHoldsAnImageOf("42", "0000000000", "76");

        assertThatThrownBy(() -> story().run(options(dockerfile(false))))
                .isInstanceOf(UserError.class).hasMessageContaining("'42' with an image of another run");
        verify(builder, never()).build(any(), any());
        verify(ecr, never()).create(any());
    }

    @Test
    void withoutPushingTheImageIsBuiltUnderEveryTagInTheEngineAndNothingReachesEcr() {
        when(builder.build(any(), any())).thenReturn(new BuiltImage(CONFIG, ref("1a2b3c4d").toString()));

        BuiltImage image = story().buildOnly(options(dockerfile(true)));

        assertThat(image.imageId()).isEqualTo(CONFIG);
        verify(engine).tag(CONFIG, ref("42"));
        verify(ecr, never()).create(any());
        verify(ecr, never()).describe(any());
        verify(engine, never()).push(any(), any(), any());
        verify(registry, never()).putManifest(any(), any());
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("the registry cache is neither read nor written")
                .contains("nothing is published");
    }

    private BuildPush story() {
        return new BuildPush(pipeline, ecr, registry, engine, () -> builder, Gate.OPEN);
    }

    private BuildPushOptions options(ImageSource source) {
        RepositorySettings settings = new RepositorySettings(WEB, TagMutability.MUTABLE, true,
                RepositorySettings.Encryption.AES256, Optional.empty(), Map.of(), Optional.empty());
        return new BuildPushOptions(settings, true, TAGS, false, source);
    }

    private ImageSource.Dockerfile dockerfile(boolean registryCache) {
        return new ImageSource.Dockerfile(new BuildSettings(folder, folder.resolve("Dockerfile"), Map.of(), Optional.empty(),
                false, false, "auto", registryCache, CacheRef.defaultFor(WEB)), Map.of());
    }

    private static RepositoryInfo repository(TagMutability mutability) {
        return new RepositoryInfo(WEB, REGISTRY + "/team/web", "arn:aws:ecr:eu-west-1:123456789012:repository/team/web",
                "123456789012", mutability, Optional.of(new RepositoryInfo.PrivateSettings(false, "AES256", Optional.empty())));
    }

    /** An immutable repository whose {@code tag} holds an image built by the run {@code runId} of {@code revision}. */
    private Manifest immutableTagHoldsAnImageOf(String tag, String revision, String runId) {
        Manifest image = manifestWithConfig();
        when(ecr.describe(WEB)).thenReturn(Optional.of(repository(TagMutability.IMMUTABLE)));
        when(ecr.existingTags(eq(WEB), any())).thenReturn(Map.of(Tag.of(tag), image.digest()));
        imageWithLabels(image, Map.of("org.opencontainers.image.revision", revision, "io.ecrflow.run-id", runId));
        return image;
    }

    private void imageWithLabels(Manifest manifest, Map<String, String> labels) {
        when(registry.manifest(any())).thenReturn(manifest);
        String json = labels.entrySet().stream().map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
                .reduce((a, b) -> a + "," + b).orElse("");
        when(registry.configBlob(any(), any())).thenReturn(("{\"config\":{\"Labels\":{" + json + "}}}")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static ImageRef ref(String tag) {
        return ImageRef.tagged(REGISTRY, WEB, Tag.of(tag));
    }

    private static Manifest manifestWithConfig() {
        byte[] content = ("{\"schemaVersion\":2,\"mediaType\":\"" + Manifest.DOCKER_IMAGE + "\",\"config\":{\"digest\":\""
                + CONFIG + "\"},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
        return new Manifest(Manifest.DOCKER_IMAGE, Digest.parse("sha256:" + "e".repeat(64)), content);
    }
}
