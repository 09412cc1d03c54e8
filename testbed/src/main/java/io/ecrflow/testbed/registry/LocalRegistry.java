package io.ecrflow.testbed.registry;

import io.ecrflow.testbed.net.TestbedNames;
import io.ecrflow.testbed.net.TestbedTls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Debian's docker-registry (the reference distribution server) on a free loopback port with its own
 * storage folder, standing in for an upstream registry such as MCR: HTTPS under {@link TestbedNames#UPSTREAM}
 * with the test bed's certificate ({@link TestbedTls}), so clients meet it as they meet a public registry.
 */
public final class LocalRegistry implements AutoCloseable {
    private final RegistryProcess process;
    private final HttpClient http;

    private LocalRegistry(RegistryProcess process, HttpClient http) {
        this.process = process;
        this.http = http;
    }

    public static LocalRegistry start(Path folder) throws IOException {
        TestbedNames.requireLoopback(TestbedNames.UPSTREAM);
        TestbedTls tls = TestbedTls.fromEnvironment();
        HttpClient http = tls.httpClient().build();
        RegistryProcess process = RegistryProcess.start(Optional.empty(), folder, new RegistryProcess.Listener(
                Optional.empty(), Optional.of(tls), port -> URI.create("https://" + TestbedNames.UPSTREAM + ":" + port)),
                http);
        return new LocalRegistry(process, http);
    }

    /** {@code upstream.ecrflow.test:<port>}, as image references use it. */
    public String host() {
        return process.baseUri().getAuthority();
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
    public void close() {
        process.close();
    }
}
