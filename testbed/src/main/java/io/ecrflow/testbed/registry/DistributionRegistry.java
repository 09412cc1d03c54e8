package io.ecrflow.testbed.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The reference OCI distribution server (Debian's {@code docker-registry}) running on a free
 * loopback port with its own storage, and the few calls the testbed makes to it directly.
 */
public final class DistributionRegistry implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A tag or a digest as the distribution spec allows them; anything else cannot name a manifest. */
    private static final java.util.regex.Pattern REFERENCE = java.util.regex.Pattern.compile(
            "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[A-Za-z0-9=_-]+");

    private final RegistryProcess process;
    private final Path workDir;
    private final URI baseUri;
    private final String publicUrl;
    private final HttpClient http;

    private DistributionRegistry(RegistryProcess process, Path workDir, String publicUrl, HttpClient http) {
        this.process = process;
        this.workDir = workDir;
        this.baseUri = process.baseUri();
        this.publicUrl = publicUrl;
        this.http = http;
    }

    /**
     * Starts the registry so that the upload locations it hands out point at {@code publicUrl}
     * (the front), since clients must keep talking to the front.
     */
    public static DistributionRegistry start(Optional<Path> configuredBinary, String publicUrl) throws IOException {
        Path workDir = Files.createTempDirectory("ecrflow-testbed-registry-");
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        try {
            RegistryProcess process = RegistryProcess.start(configuredBinary, workDir, new RegistryProcess.Listener(
                    Optional.of(publicUrl), Optional.empty(), port -> URI.create("http://127.0.0.1:" + port)), http);
            return new DistributionRegistry(process, workDir, publicUrl, http);
        } catch (IOException | RuntimeException e) {
            deleteTree(workDir);
            throw e;
        }
    }

    /** The front the upload locations the registry hands out point at. */
    String publicUrl() {
        return publicUrl;
    }

    URI baseUri() {
        return baseUri;
    }

    HttpClient http() {
        return http;
    }

    /** The tags of a repository, sorted; empty when the registry has never seen it. */
    public List<String> tags(String repository) {
        HttpResponse<byte[]> response = send(request("/v2/" + repository + "/tags/list").GET().build());
        if (response.statusCode() == 404) {
            return List.of();
        }
        expectSuccess(response, "list tags of " + repository);
        List<String> tags = new ArrayList<>();
        readTree(response.body()).path("tags").forEach(tag -> tags.add(tag.asText()));
        tags.sort(Comparator.naturalOrder());
        return tags;
    }

    /** The digest a tag (or digest) currently resolves to. */
    public Optional<String> digestOf(String repository, String reference) {
        if (!REFERENCE.matcher(reference).matches()) {
            return Optional.empty();
        }
        HttpResponse<byte[]> response = send(manifestRequest(repository, reference)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        expectSuccess(response, "resolve " + repository + ":" + reference);
        return response.headers().firstValue("Docker-Content-Digest");
    }

    public Optional<Manifest> manifest(String repository, String reference) {
        if (!REFERENCE.matcher(reference).matches()) {
            return Optional.empty();
        }
        HttpResponse<byte[]> response = send(manifestRequest(repository, reference).GET().build());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        expectSuccess(response, "read manifest " + repository + ":" + reference);
        byte[] content = response.body();
        String mediaType = response.headers().firstValue("Content-Type").orElse(Manifest.DOCKER_V2);
        String digest = response.headers().firstValue("Docker-Content-Digest").orElse(Manifest.digestOf(content));
        return Optional.of(new Manifest(digest, mediaType, content));
    }

    /** Stores a manifest; a refusal comes back as the registry's distribution-spec error. */
    public void putManifest(String repository, String reference, byte[] content, String mediaType) {
        if (!REFERENCE.matcher(reference).matches()) {
            throw new RegistryRejection(400, "TAG_INVALID", "invalid tag '" + reference + "'");
        }
        HttpResponse<byte[]> response = send(request("/v2/" + repository + "/manifests/" + reference)
                .header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content))
                .build());
        if (response.statusCode() != 201) {
            JsonNode error = readTree(response.body()).path("errors").path(0);
            throw new RegistryRejection(response.statusCode(), error.path("code").asText("UNKNOWN"),
                    error.path("message").asText("status " + response.statusCode()));
        }
    }

    /** Digests of every manifest the repository holds, tagged or not, read from the registry's storage. */
    public List<String> manifestDigests(String repository) {
        Path revisions = repositoryDir(repository).resolve("_manifests/revisions/sha256");
        if (!Files.isDirectory(revisions)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(revisions)) {
            return entries.filter(dir -> Files.exists(dir.resolve("link")))
                    .map(dir -> "sha256:" + dir.getFileName())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tags of each tagged manifest of the repository. */
    public Map<String, List<String>> tagsByDigest(String repository) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        for (String tag : tags(repository)) {
            digestOf(repository, tag).ifPresent(digest -> result.computeIfAbsent(digest, d -> new ArrayList<>()).add(tag));
        }
        return result;
    }

    /** Deletes a manifest by digest, and with it every tag that points at it. */
    public void deleteManifest(String repository, String digest) {
        HttpResponse<byte[]> response = send(request("/v2/" + repository + "/manifests/" + digest).DELETE().build());
        expectSuccess(response, "delete manifest " + repository + "@" + digest);
    }

    /** When the registry first stored a manifest in this repository. */
    public Optional<Instant> storedAt(String repository, String digest) {
        Path link = repositoryDir(repository)
                .resolve("_manifests/revisions/sha256").resolve(digest.substring("sha256:".length())).resolve("link");
        try {
            return Optional.of(Files.getLastModifiedTime(link).toInstant());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Forgets a repository's manifests, layers links and uploads, so that a repository created
     * again under the same name starts empty. Nested repositories live in sub-folders and stay.
     */
    public void forget(String repository) {
        Path dir = repositoryDir(repository);
        for (String part : List.of("_manifests", "_layers", "_uploads")) {
            deleteTree(dir.resolve(part));
        }
    }

    private Path repositoryDir(String repository) {
        return workDir.resolve("storage/docker/registry/v2/repositories").resolve(repository);
    }

    private HttpRequest.Builder manifestRequest(String repository, String reference) {
        return request("/v2/" + repository + "/manifests/" + reference)
                .header("Accept", String.join(", ", Manifest.ACCEPTED_TYPES));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(baseUri.resolve(path)).timeout(Duration.ofSeconds(30));
    }

    private HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("The distribution registry did not answer " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while calling the distribution registry", e);
        }
    }

    private static void expectSuccess(HttpResponse<byte[]> response, String what) {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("The distribution registry could not " + what + ": HTTP "
                    + response.statusCode() + " " + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private static JsonNode readTree(byte[] body) {
        try {
            return body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    @Override
    public void close() {
        process.close();
        deleteTree(workDir);
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // best effort: a temp folder the OS will clean anyway
                }
            });
        } catch (IOException ignored) {
            // best effort, as above
        }
    }

    /** The registry refused a request; {@code code} is the distribution-spec error code. */
    public static final class RegistryRejection extends RuntimeException {
        private final int status;
        private final String code;

        RegistryRejection(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }

        int status() {
            return status;
        }

        public String code() {
            return code;
        }
    }
}
