package io.ecrflow.publish;

import io.ecrflow.ManualClock;
import io.ecrflow.UserError;
import io.ecrflow.Waiting;
import io.ecrflow.docker.DockerEngine;
import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.PlainPipeline;
import io.ecrflow.registry.Blob;
import io.ecrflow.registry.BlobUploadFailed;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.Manifest;
import io.ecrflow.registry.RegistryClient;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.mockito.invocation.InvocationOnMock;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * What goes up, and in which order, from an image layout as containerd's store saves it: an index with one image
 * and BuildKit's attestation beside it. The engine and the registry are seams; the end-to-end tests publish from a
 * real engine into the test bed.
 */
class DigestUploadTest {
    private static final String IMAGE_ID = "sha256:" + "c".repeat(64);
    private static final ImageRef REPOSITORY = ImageRef.tagged("123456789012.dkr.ecr.us-east-1.amazonaws.com",
            new RepositoryName("team/web"), Tag.of("1"));

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final PlainPipeline pipeline = new PlainPipeline(Environment.of(Map.of()),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
    private final DockerEngine engine = mock(DockerEngine.class);
    private final RegistryClient registry = mock(RegistryClient.class);
    private final Map<String, byte[]> layout = new LinkedHashMap<>();
    private final Map<Digest, byte[]> uploaded = new LinkedHashMap<>();
    private final ManualClock clock = new ManualClock();

    private final byte[] bigLayer = new byte[(int) DigestUpload.HELD_IN_MEMORY + 1];
    private final byte[] smallLayer = "a small layer".getBytes(StandardCharsets.UTF_8);
    private final byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    private final byte[] statement = "{\"_type\":\"https://in-toto.io/Statement/v0.1\"}".getBytes(StandardCharsets.UTF_8);
    private final byte[] attestationConfig = "{}".getBytes(StandardCharsets.UTF_8);
    private byte[] image;
    private byte[] attestation;
    private byte[] index;

    DigestUploadTest() {
        bigLayer[0] = 7;
    }

    @Test
    void blobsTheRepositoryLacksGoUpThenTheImagesByDigestThenTheIndex() throws Exception {
        saveLayout();
        when(registry.hasBlob(any(), eq(digest(config)))).thenReturn(true);
        recordUploads();

        Manifest top = upload().upload(IMAGE_ID, REPOSITORY);

        assertThat(top.digest()).isEqualTo(digest(index));
        assertThat(top.isIndex()).isTrue();
        assertThat(uploaded.keySet()).as("only what the repository lacks, each once")
                .containsExactly(digest(bigLayer), digest(smallLayer), digest(attestationConfig), digest(statement));
        assertThat(uploaded.get(digest(bigLayer))).as("the large layer straight from the stream").isEqualTo(bigLayer);
        verify(registry, never()).uploadBlob(any(), eq(new Blob(digest(config), config.length, "")), any());
        InOrder order = inOrder(registry);
        order.verify(registry).putManifest(eq(REPOSITORY.withDigest(digest(image))), any());
        order.verify(registry).putManifest(eq(REPOSITORY.withDigest(digest(attestation))), any());
        order.verify(registry).putManifest(eq(REPOSITORY.withDigest(digest(index))), any());
        verify(registry, never()).putManifest(eq(REPOSITORY), any());
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Uploaded 4 blob(s)", "1 already there",
                "wrote 3 manifest(s) by digest");
    }

    @Test
    void aLayoutWithoutTheIndexsImageAndWithoutItInTheRepositoryIsRefused() throws Exception {
        saveLayout();
        layout.remove("blobs/sha256/" + digest(image).hex());
        when(registry.manifestDigest(any())).thenReturn(Optional.empty());

        assertThatThrownBy(() -> upload().upload(IMAGE_ID, REPOSITORY))
                .isInstanceOf(UserError.class).hasMessageContaining("linux/amd64")
                .hasMessageContaining("docker pull --platform");
        verify(registry, never()).putManifest(any(), any());
    }

    @Test
    void aSmallBlobWhoseUploadMeetsAServerErrorIsSentAgainFromMemoryAfterAPause() throws Exception {
        saveLayout();
        recordUploads();
        doThrow(serverError(digest(config))).doAnswer(this::record)
                .when(registry).uploadBlob(any(), eq(new Blob(digest(config), config.length, "application/vnd.oci.image.config.v1+json")), any());

        Manifest top = upload().upload(IMAGE_ID, REPOSITORY);

        assertThat(top.digest()).isEqualTo(digest(index));
        assertThat(uploaded).containsKey(digest(config));
        assertThat(clock.pauses()).containsExactly(Duration.ofSeconds(1));
        verify(engine, times(1)).save(IMAGE_ID);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("answered 500", "Uploading 1 blob(s) again (attempt 2 of 3)");
    }

    @Test
    void aLargeLayerWhoseUploadMeetsAServerErrorIsSentAgainFromTheImageSavedOnceMore() throws Exception {
        saveLayout();
        recordUploads();
        doThrow(serverError(digest(bigLayer))).doAnswer(this::record)
                .when(registry).uploadBlob(any(), eq(new Blob(digest(bigLayer), bigLayer.length, "")), any());

        upload().upload(IMAGE_ID, REPOSITORY);

        verify(engine, times(2)).save(IMAGE_ID);
        assertThat(uploaded.get(digest(bigLayer))).as("the whole layer, from the second reading").isEqualTo(bigLayer);
        verify(registry, times(1)).uploadBlob(any(), eq(new Blob(digest(smallLayer), smallLayer.length,
                "application/vnd.oci.image.layer.v1.tar")), any());
        verify(registry).putManifest(eq(REPOSITORY.withDigest(digest(index))), any());
    }

    @Test
    void aBlobThatFailsOnEveryAttemptEndsInOneErrorAndNoManifestIsWritten() throws Exception {
        saveLayout();
        recordUploads();
        doThrow(serverError(digest(bigLayer)))
                .when(registry).uploadBlob(any(), eq(new Blob(digest(bigLayer), bigLayer.length, "")), any());

        assertThatThrownBy(() -> upload().upload(IMAGE_ID, REPOSITORY)).isInstanceOf(UserError.class)
                .hasMessageContaining("failed while the layers of " + IMAGE_ID + " were uploaded")
                .hasMessageContaining("on each of 3 attempts").hasMessageContaining("No tag was written");
        verify(engine, times(3)).save(IMAGE_ID);
        assertThat(clock.pauses()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        verify(registry, never()).putManifest(any(), any());
    }

    private DigestUpload upload() {
        return new DigestUpload(pipeline, engine, registry, Waiting.linear(3, Duration.ofSeconds(1)).on(clock, clock.sleeper()));
    }

    private static BlobUploadFailed serverError(Digest blob) {
        return new BlobUploadFailed("Could not upload " + blob + ": the registry answered 500 (UNKNOWN: storage).",
                REPOSITORY.registry(), 500);
    }

    private void saveLayout() throws IOException {
        image = json("""
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},
                 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%d},
                           {"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%d}]}""",
                digest(config), config.length, digest(bigLayer), bigLayer.length, digest(smallLayer), smallLayer.length);
        attestation = json("""
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},
                 "layers":[{"mediaType":"application/vnd.in-toto+json","digest":"%s","size":%d}]}""",
                digest(attestationConfig), attestationConfig.length, digest(statement), statement.length);
        index = json("""
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
                 {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%d,
                  "platform":{"architecture":"amd64","os":"linux"}},
                 {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%d,
                  "platform":{"architecture":"unknown","os":"unknown"},
                  "annotations":{"vnd.docker.reference.type":"attestation-manifest"}}]}""",
                digest(image), image.length, digest(attestation), attestation.length);
        // docker save writes the blobs first, then the layout's own files
        for (byte[] blob : List.of(config, bigLayer, smallLayer, image, statement, attestationConfig, attestation, index)) {
            layout.put("blobs/sha256/" + digest(blob).hex(), blob);
        }
        layout.put("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        layout.put("index.json", json("""
                {"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"%s",
                 "size":%d,"annotations":{"io.containerd.image.name":"docker.io/library/web:latest"}}]}""",
                digest(index), index.length));
        when(engine.save(IMAGE_ID)).thenAnswer(call -> tar());
    }

    private void recordUploads() {
        doAnswer(this::record).when(registry).uploadBlob(any(), any(), any());
    }

    private Object record(InvocationOnMock call) throws IOException {
        Blob blob = call.getArgument(1);
        try (InputStream content = call.getArgument(2)) {
            uploaded.put(blob.digest(), content.readNBytes((int) blob.size()));
        }
        return null;
    }

    private InputStream tar() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> file : layout.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                entry.setSize(file.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(file.getValue());
                tar.closeArchiveEntry();
            }
        }
        return new ByteArrayInputStream(bytes.toByteArray());
    }

    private static byte[] json(String template, Object... values) {
        return template.formatted(values).replaceAll("\\s*\\n\\s*", "").getBytes(StandardCharsets.UTF_8);
    }

    private static Digest digest(byte[] content) {
        try {
            return new Digest("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
