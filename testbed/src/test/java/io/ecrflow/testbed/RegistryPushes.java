package io.ecrflow.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecrflow.testbed.net.TestbedTls;
import io.ecrflow.testbed.registry.Manifest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import software.amazon.awssdk.services.ecr.EcrClient;

/** What a registry client sends a test bed's registry front, over TLS with a password GetAuthorizationToken issued. */
public final class RegistryPushes {
    private final Testbed testbed;
    private final EcrClient ecr;
    private final HttpClient http = TestbedTls.fromEnvironment().httpClient().build();

    public RegistryPushes(Testbed testbed, EcrClient ecr) {
        this.testbed = testbed;
        this.ecr = ecr;
    }

    /** {@code Basic AWS:<password>} with a fresh password. */
    String authorization() {
        String token = ecr.getAuthorizationToken().authorizationData().get(0).authorizationToken();
        String password = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8).substring("AWS:".length());
        return "Basic " + Base64.getEncoder().encodeToString(("AWS:" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Uploads {@code blob} in one PUT, as a monolithic upload; returns its digest. */
    public String uploadBlob(String repository, byte[] blob) throws IOException, InterruptedException {
        String auth = authorization();
        HttpResponse<String> started = http.send(request("/v2/" + repository + "/blobs/uploads/").header("Authorization", auth)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        String location = started.headers().firstValue("Location").orElseThrow();
        String digest = Manifest.digestOf(blob);
        HttpResponse<String> finished = http.send(HttpRequest.newBuilder(URI.create(location
                + (location.contains("?") ? "&" : "?") + "digest=" + digest)).header("Authorization", auth)
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(blob)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(finished.statusCode()).as(finished.body()).isEqualTo(201);
        return digest;
    }

    public HttpResponse<String> putManifest(String repository, String reference, String mediaType, String manifest)
            throws IOException, InterruptedException {
        return http.send(request("/v2/" + repository + "/manifests/" + reference).header("Authorization", authorization())
                .header("Content-Type", mediaType).PUT(HttpRequest.BodyPublishers.ofString(manifest)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A GET of {@code path} on the account's registry front, authenticated. */
    public HttpResponse<String> get(String path, String accept) throws IOException, InterruptedException {
        return http.send(request(path).header("Authorization", authorization()).header("Accept", accept).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("https://" + testbed.registryHost() + path));
    }
}
