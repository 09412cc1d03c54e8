package io.ecrflow.testbed.registry;

import io.ecrflow.testbed.net.TestbedNames;
import io.ecrflow.testbed.net.TestbedTls;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Debian's docker-registry (the reference distribution server) on a free loopback port with its own
 * storage folder, standing in for an upstream registry such as MCR: HTTPS under {@link TestbedNames#UPSTREAM}
 * with the test bed's certificate ({@link TestbedTls}), so clients meet it as they meet a public registry.
 */
public final class LocalRegistry implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/docker-registry");

    private final Process process;
    private final int port;
    private final HttpClient http;

    private LocalRegistry(Process process, int port, HttpClient http) {
        this.process = process;
        this.port = port;
        this.http = http;
    }

    public static LocalRegistry start(Path folder) throws IOException, InterruptedException {
        TestbedNames.requireLoopback(TestbedNames.UPSTREAM);
        TestbedTls tls = TestbedTls.fromEnvironment();
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path storage = Files.createDirectories(folder.resolve("storage"));
        Path config = folder.resolve("config.yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: error
                storage:
                  filesystem:
                    rootdirectory: %s
                http:
                  addr: 127.0.0.1:%d
                  tls:
                    certificate: %s
                    key: %s
                """.formatted(storage, port, tls.certificateFile(), tls.keyFile()));
        Process process = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(folder.resolve("registry.log").toFile()).start();
        LocalRegistry registry = new LocalRegistry(process, port, tls.httpClient().build());
        registry.awaitReady();
        return registry;
    }

    private void awaitReady() throws InterruptedException, IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited with " + process.exitValue());
            }
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(URI.create(url() + "/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        close();
        throw new IllegalStateException("docker-registry did not answer on " + host());
    }

    /** {@code upstream.ecrflow.test:<port>}, as image references use it. */
    public String host() {
        return TestbedNames.UPSTREAM + ":" + port;
    }

    /** {@code https://upstream.ecrflow.test:<port>}. */
    public String url() {
        return "https://" + host();
    }

    /** The digest the registry serves for {@code repository:tag}, from its Docker-Content-Digest header. */
    public Optional<String> manifestDigest(String repository, String tag) throws IOException, InterruptedException {
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(
                        URI.create(url() + "/v2/" + repository + "/manifests/" + tag))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                // every type: an engine with containerd's image store pushes an index (the image and its attestation)
                .header("Accept", String.join(", ", Manifest.ACCEPTED_TYPES))
                .build(), HttpResponse.BodyHandlers.discarding());
        return response.statusCode() == 200 ? response.headers().firstValue("Docker-Content-Digest") : Optional.empty();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
