package io.ecrflow.registry;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The digest of a manifest read by tag is the hash of the bytes read: ECR answers a manifest GET without
 * Docker-Content-Digest, and a header that disagrees with the bytes is never what the tag holds.
 */
class ManifestReadTest {
    private static final byte[] MANIFEST = ("{\"schemaVersion\":2,\"mediaType\":\"" + Manifest.OCI_IMAGE + "\",\"config\":{"
            + "\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:" + "c".repeat(64)
            + "\",\"size\":2},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);

    private HttpServer server;
    /** The Docker-Content-Digest the GET is answered with; none when empty. */
    private final AtomicReference<Optional<String>> header = new AtomicReference<>(Optional.empty());

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v2/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", Manifest.OCI_IMAGE);
            header.get().ifPresent(value -> exchange.getResponseHeaders().set("Docker-Content-Digest", value));
            exchange.sendResponseHeaders(200, MANIFEST.length);
            exchange.getResponseBody().write(MANIFEST);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aManifestReadWithoutADigestHeaderHasTheDigestOfItsBytes() {
        assertThat(read().digest()).isEqualTo(Manifest.sha256(MANIFEST));
    }

    @Test
    void aDigestHeaderThatDisagreesWithTheBytesReadIsNotTaken() {
        header.set(Optional.of("sha256:" + "d".repeat(64)));

        assertThat(read().digest()).isEqualTo(Manifest.sha256(MANIFEST));
    }

    private Manifest read() {
        String host = "127.0.0.1:" + server.getAddress().getPort();
        return HttpRegistryClient.create(Set.of(host), line -> { })
                .manifest(ImageRef.tagged(host, new RepositoryName("team/web"), Tag.of("v1")));
    }
}
