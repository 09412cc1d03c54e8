package io.ecrflow.registry;

import io.ecrflow.http.CaBundle;
import io.ecrflow.testbed.registry.LocalRegistry;
import io.ecrflow.testbed.net.TestbedTls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client against the reference distribution server (Debian's docker-registry), HTTPS with the test bed's
 * certificate under upstream.ecrflow.test, trusted as a run trusts it: AWS_CA_BUNDLE's way.
 */
class HttpRegistryClientTest {
    @TempDir
    static Path folder;
    private static LocalRegistry registry;
    private static String pushedDigest;
    private static CaBundle.Installation trust;
    private final RegistryClient client = HttpRegistryClient.create(Set.of(), line -> { });

    @BeforeAll
    static void startRegistryWithOneImage() throws Exception {
        trust = CaBundle.from(Optional.empty(), Optional.of(TestbedTls.fromEnvironment().caFile().toString()), folder)
                .orElseThrow().install();
        registry = LocalRegistry.start(folder);
        pushedDigest = push("dotnet/runtime", "6.0", "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":"
                + "{\"org.opencontainers.image.base.digest\":\"sha256:" + "12".repeat(32) + "\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
        push("dotnet/runtime", "6.0-bullseye-slim", "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        registry.close();
        trust.close();
    }

    /** Uploads a config blob and a manifest naming it, as a client pushing an image does. Returns the manifest digest. */
    private static String push(String repository, String tag, String config) throws IOException, InterruptedException {
        HttpClient http = TestbedTls.fromEnvironment().httpClient().build();
        byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
        String configDigest = TokenAuthRegistry.digestOf(configBytes);
        String base = registry.url() + "/v2/" + repository;
        HttpResponse<Void> started = http.send(HttpRequest.newBuilder(URI.create(base + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        URI upload = URI.create(base).resolve(started.headers().firstValue("Location").orElseThrow());
        String separator = upload.getQuery() == null ? "?" : "&";
        HttpResponse<Void> stored = http.send(HttpRequest.newBuilder(URI.create(upload + separator + "digest=" + configDigest))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(configBytes)).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(stored.statusCode()).isEqualTo(201);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + Manifest.DOCKER_IMAGE + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.docker.container.image.v1+json\",\"size\":" + configBytes.length + ",\"digest\":\""
                + configDigest + "\"},\"layers\":[]}";
        HttpResponse<Void> put = http.send(HttpRequest.newBuilder(URI.create(base + "/manifests/" + tag))
                .header("Content-Type", Manifest.DOCKER_IMAGE)
                .PUT(HttpRequest.BodyPublishers.ofString(manifest)).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(put.statusCode()).isEqualTo(201);
        return put.headers().firstValue("Docker-Content-Digest").orElseThrow();
    }

    private ImageRef ref(String tag) {
        return ImageRef.tagged(registry.host(), new RepositoryName("dotnet/runtime"), Tag.of(tag));
    }

    @Test
    void theDigestOfATagIsWhatTheRegistryStoredItUnder() {
        assertThat(client.manifestDigest(ref("6.0"))).hasValueSatisfying(d -> assertThat(d).hasToString(pushedDigest));
    }

    @Test
    void labelsAreReadFromTheConfigBlobWithoutAPull() {
        ImageLabels labels = ImageLabels.read(client, ref("6.0"));

        assertThat(labels.digest()).hasToString(pushedDigest);
        assertThat(labels.labels()).containsEntry("org.opencontainers.image.base.digest", "sha256:" + "12".repeat(32));
        assertThat(ImageLabels.read(client, ref("6.0-bullseye-slim")).labels()).isEmpty();
    }

    @Test
    void tagsListEveryTagAndAnUnknownRepositoryHasNone() {
        assertThat(client.tags(registry.host(), new RepositoryName("dotnet/runtime")))
                .extracting(Tag::value).containsExactlyInAnyOrder("6.0", "6.0-bullseye-slim");
        assertThat(client.tags(registry.host(), new RepositoryName("dotnet/unknown"))).isEmpty();
    }

    @Test
    void aTagThatDoesNotExistHasNoDigest() {
        assertThat(client.manifestDigest(ref("7.0"))).isEmpty();
    }
}
