package io.ecrflow.testbed;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsServer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.ExecutorService;

/**
 * The registry endpoint clients push to: HTTPS under the account's registry name
 * ({@code <account>.dkr.ecr.us-east-1.ecrflow.test:<port>}), as ECR's. It guards the distribution registry
 * the way ECR does (Basic auth as user {@code AWS}, repositories must exist, an immutable tag once written takes no
 * manifest at all, a manifest GET carries no digest header) and streams everything else through unchanged.
 */
final class RegistryFront implements AutoCloseable {

    /** ECR refuses manifests over 4 MiB; buffering them for the immutability check is safe below that. */
    private static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    /** Not part of any registry API: where the benchmark reads (GET) and clears (DELETE) the request log. */
    static final String REQUESTS_PATH = "/_testbed/registry-requests";
    /** Not part of any registry API: POST ?repository=NAME runs that repository's lifecycle policy now. */
    static final String LIFECYCLE_PATH = "/_testbed/lifecycle-expiry";

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding", "te",
            "trailer", "upgrade", "proxy-authorization", "proxy-authenticate", "host", "content-length", "expect",
            "authorization", "date");
    /**
     * ECR answers a manifest GET without {@code Docker-Content-Digest}; only HEAD carries it (aws/containers-roadmap
     * #1931): a client must hash what it got.
     */
    private static final Set<String> MANIFEST_GET_DROPPED = java.util.stream.Stream.concat(HOP_BY_HOP.stream(),
            java.util.stream.Stream.of("docker-content-digest")).collect(java.util.stream.Collectors.toUnmodifiableSet());

    private final String name;
    private final HttpsServer server;
    private final ExecutorService executor;
    private final List<DeniedRequest> denied = new CopyOnWriteArrayList<>();
    /** Numbers every front's requests in one sequence, so the requests of all accounts can be put in order. */
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private final List<Numbered> requests = new CopyOnWriteArrayList<>();
    private final ManifestWriteFaults faults = new ManifestWriteFaults();
    private final LostManifestAnswers lostAnswers = new LostManifestAnswers();
    private final PushFaults pushFaults = new PushFaults();
    private final BlobUploadFaults uploadFaults = new BlobUploadFaults();
    /** When set, cross-repository mounts are declined as a registry without them does: a plain upload starts. */
    private volatile boolean declineMounts;
    /** repository:tag → the tag whose manifest replaces it right after the next write (another run's push). */
    private final Map<String, String> overwrites = new java.util.concurrent.ConcurrentHashMap<>();
    private DistributionRegistry registry;
    private Repositories repositories;
    private Optional<PublicRegistry> publicRegistry = Optional.empty();
    private RegistryPasswords passwords;
    private LifecycleExpiry lifecycle;

    private RegistryFront(String name, HttpsServer server, ExecutorService executor) {
        this.name = name;
        this.server = server;
        this.executor = executor;
    }

    /** Binds the port first: the registry must know the front's address before it starts. */
    static RegistryFront bind(String accountId, TestbedTls tls) throws IOException {
        String name = TestbedNames.requireLoopback(TestbedNames.registry(accountId));
        HttpsServer server = tls.httpsServer(64);
        ExecutorService executor = DaemonThreads.pool("ecrflow-testbed-registry");
        server.setExecutor(executor);
        return new RegistryFront(name, server, executor);
    }

    /** {@code <account>.dkr.ecr.us-east-1.ecrflow.test:<port>}, as image references use it. */
    String host() {
        return name + ":" + server.getAddress().getPort();
    }

    String url() {
        return "https://" + host();
    }

    /** Serves the account's repositories and, when given, its ECR Public repositories under their alias. */
    void start(DistributionRegistry backend, Repositories repos, Optional<PublicRegistry> publicRepos,
            RegistryPasswords issued) {
        this.registry = backend;
        this.repositories = repos;
        this.publicRegistry = publicRepos;
        this.passwords = issued;
        this.lifecycle = new LifecycleExpiry(repos, backend);
        server.createContext("/", this::handle);
        server.start();
    }

    LifecycleExpiry lifecycle() {
        return lifecycle;
    }

    List<DeniedRequest> denied() {
        return List.copyOf(denied);
    }

    /** A request and its place among the requests of every front. */
    record Numbered(long number, RegistryRequest request) {
    }

    /** Every repository-scoped request so far, in order. */
    List<RegistryRequest> requests() {
        return requests.stream().map(Numbered::request).toList();
    }

    /** The same, numbered across fronts. */
    List<Numbered> numberedRequests() {
        return List.copyOf(requests);
    }

    void clearRequests() {
        requests.clear();
    }

    ManifestWriteFaults faults() {
        return faults;
    }

    LostManifestAnswers lostAnswers() {
        return lostAnswers;
    }

    PushFaults pushFaults() {
        return pushFaults;
    }

    BlobUploadFaults uploadFaults() {
        return uploadFaults;
    }

    void declineMounts(boolean decline) {
        declineMounts = decline;
    }

    void overwriteAfterNextWrite(String repository, String tag, String withTag) {
        overwrites.put(repository + ":" + tag, withTag);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            if (path.equals(REQUESTS_PATH)) {
                sendRequests(exchange);
                return;
            }
            if (path.equals(LIFECYCLE_PATH)) {
                runLifecyclePolicy(exchange);
                return;
            }
            if (!path.equals("/v2") && !path.startsWith("/v2/")) {
                sendError(exchange, 404, "NOT_FOUND", "Not Found");
                return;
            }
            if (!authorized(exchange)) {
                return;
            }
            Optional<RegistryRoute> route = RegistryRoute.of(path);
            if (route.isPresent()) {
                Optional<Repository> repository = repositories.find(route.get().repository())
                        .or(() -> publicRegistry.flatMap(p -> p.find(route.get().repository())));
                if (pushFaults.down(route.get())) {
                    // the connection ends without an answer, as a killed registry's does
                    record(exchange, route.get(), 0);
                    return;
                }
                if (repository.isEmpty()) {
                    deny(exchange, 404, "NAME_UNKNOWN", "The repository with name '" + route.get().repository()
                            + "' does not exist in the registry with id '" + repositories.accountId() + "'");
                    return;
                }
                if (route.get().kind() == RegistryRoute.Kind.MANIFEST && exchange.getRequestMethod().equals("PUT")) {
                    Optional<Integer> fault = faults.take(route.get().repository(), route.get().reference());
                    if (fault.isPresent()) {
                        record(exchange, route.get(), fault.get());
                        deny(exchange, fault.get(), "UNKNOWN", "The registry failed (a fault the test bed was told to inject).");
                        return;
                    }
                    putManifest(exchange, route.get(), repository.get());
                    return;
                }
                if (route.get().kind() == RegistryRoute.Kind.UPLOAD && uploadFaults.armed(route.get().repository())
                        && carriesBlobData(exchange)) {
                    uploadWithFaults(exchange, route.get());
                    return;
                }
                boolean manifestGet = route.get().kind() == RegistryRoute.Kind.MANIFEST
                        && exchange.getRequestMethod().equals("GET");
                forward(exchange, streamedBody(exchange, exchange.getRequestBody()),
                        status -> record(exchange, route.get(), status), manifestGet ? MANIFEST_GET_DROPPED : HOP_BY_HOP);
                return;
            }
            forward(exchange, streamedBody(exchange, exchange.getRequestBody()));
        } catch (IOException | RuntimeException e) {
            // the response may already be under way; a client sees the connection end
            if (exchange.getResponseCode() == -1) {
                sendError(exchange, 502, "UNKNOWN", "The registry behind the front failed: " + e.getMessage());
            }
        }
    }

    /** Basic auth as ECR does it: user {@code AWS}, a password GetAuthorizationToken issued and not yet expired. */
    private boolean authorized(HttpExchange exchange) throws IOException {
        Optional<String[]> userAndPassword = basicCredentials(exchange.getRequestHeaders().getFirst("Authorization"));
        if (userAndPassword.isEmpty()) {
            challenge(exchange, "authentication required");
            return false;
        }
        String user = userAndPassword.get()[0];
        RegistryPasswords.Verdict verdict = "AWS".equals(user)
                ? passwords.check(userAndPassword.get()[1])
                : RegistryPasswords.Verdict.UNKNOWN;
        switch (verdict) {
            case VALID:
                return true;
            case EXPIRED:
                deny(exchange, 403, "DENIED", "Your authorization token has expired. Reauthenticate and try again.");
                return false;
            default:
                challenge(exchange, "Your authorization token is invalid.");
                return false;
        }
    }

    private static Optional<String[]> basicCredentials(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? Optional.empty()
                    : Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }

    private void challenge(HttpExchange exchange, String message) throws IOException {
        exchange.getResponseHeaders().set("WWW-Authenticate",
                "Basic realm=\"" + url() + "/\",service=\"ecr.amazonaws.com\"");
        deny(exchange, 401, "UNAUTHORIZED", message);
    }

    /**
     * Writes a manifest through to the registry; the request is recorded before the client hears the answer. A tag
     * the repository keeps immutable refuses every manifest once it exists, the very one it holds too, as ECR's
     * does (aws/containers-roadmap#2179, moby/buildkit#3776): a writer that lost the answer of its write meets the
     * refusal when it tries again.
     */
    private void putManifest(HttpExchange exchange, RegistryRoute route, Repository repository) throws IOException {
        byte[] manifest = readManifest(exchange);
        if (manifest == null) {
            record(exchange, route, 400);
            deny(exchange, 400, "MANIFEST_INVALID", "The manifest is larger than " + MAX_MANIFEST_BYTES + " bytes.");
            return;
        }
        String digest = Manifest.digestOf(manifest);
        synchronized (repository.manifestWrites()) {
            if (route.isTaggedManifest() && repository.immutable(route.reference())
                    && registry.digestOf(route.repository(), route.reference()).isPresent()) {
                record(exchange, route, 400);
                deny(exchange, 400, "TAG_INVALID", "The image tag '" + route.reference() + "' already exists in the '"
                        + route.repository() + "' repository and cannot be overwritten because the repository is immutable.");
                return;
            }
            HttpResponse<InputStream> response = send(exchange, HttpRequest.BodyPublishers.ofByteArray(manifest));
            int status = response.statusCode();
            // the knobs act before the client hears the 201: its next request already meets what they did
            Optional<LostAnswer> lost = Optional.empty();
            if (status == 201) {
                repository.recordPush(digest, Instant.now());
                if (pushFaults.expiresAfterWrite(route.repository(), route.reference())) {
                    passwords.expireAll();
                }
                String replacement = overwrites.remove(route.repository() + ":" + route.reference());
                if (replacement != null) {
                    Manifest other = registry.manifest(route.repository(), replacement).orElseThrow();
                    registry.putManifest(route.repository(), route.reference(), other.content(), other.mediaType());
                }
                lost = lostAnswers.take(route.repository(), route.reference());
            }
            if (lost.isPresent()) {
                response.body().close();
                loseAnswer(exchange, route, lost.get());
                return;
            }
            record(exchange, route, status);
            Forwarding.relay(exchange, response, HOP_BY_HOP);
        }
    }

    /** The registry stored the write; its client hears a proxy's 502 instead, or nothing (the request log says so). */
    private void loseAnswer(HttpExchange exchange, RegistryRoute route, LostAnswer how) throws IOException {
        switch (how) {
            case RESET -> record(exchange, route, 0);
            case BAD_GATEWAY -> {
                record(exchange, route, 502);
                byte[] body = "<html><body><h1>502 Bad Gateway</h1></body></html>".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/html");
                exchange.sendResponseHeaders(502, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    /** A PATCH with data, or the PUT of a monolithic upload: the requests that carry a blob's bytes. */
    private static boolean carriesBlobData(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        return method.equals("PATCH") || method.equals("PUT") && length != null && !length.trim().equals("0");
    }

    /** Peeks at the first bytes to tell a layer from the image config, then fails the upload or streams it on. */
    private void uploadWithFaults(HttpExchange exchange, RegistryRoute route) throws IOException {
        BufferedInputStream body = new BufferedInputStream(exchange.getRequestBody());
        body.mark(2);
        byte[] head = body.readNBytes(2);
        body.reset();
        Optional<Integer> fault = uploadFaults.take(route.repository(), BlobUploadFaults.Kind.of(head));
        if (fault.isPresent()) {
            record(exchange, route, fault.get());
            deny(exchange, fault.get(), "UNKNOWN", "The registry failed (a fault the test bed was told to inject).");
            return;
        }
        forward(exchange, streamedBody(exchange, body), status -> record(exchange, route, status));
    }

    private void record(HttpExchange exchange, RegistryRoute route, int status) {
        requests.add(new Numbered(SEQUENCE.incrementAndGet(), new RegistryRequest(exchange.getRequestMethod(),
                route.kind().name(), route.repository(), route.reference(), status)));
    }

    /** The request log as JSON, for the benchmark script, which runs the test server as its own process. */
    private void sendRequests(HttpExchange exchange) throws IOException {
        if (exchange.getRequestMethod().equals("DELETE")) {
            requests.clear();
            exchange.sendResponseHeaders(204, -1);
            return;
        }
        byte[] body = requests.stream().map(Numbered::request).map(RegistryRequest::toJson)
                .collect(java.util.stream.Collectors.joining(",", "[", "]")).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Answers the images expired: [{"imageDigest": ..., "imageTags": [...], "rulePriority": n}], oldest first. */
    private void runLifecyclePolicy(HttpExchange exchange) throws IOException {
        String query = Optional.ofNullable(exchange.getRequestURI().getQuery()).orElse("");
        Optional<String> name = java.util.Arrays.stream(query.split("&")).filter(p -> p.startsWith("repository="))
                .map(p -> p.substring("repository=".length())).findFirst();
        if (!exchange.getRequestMethod().equals("POST") || name.isEmpty() || repositories.find(name.get()).isEmpty()) {
            sendError(exchange, 400, "UNSUPPORTED", "POST " + LIFECYCLE_PATH + "?repository=<an existing repository>");
            return;
        }
        com.fasterxml.jackson.databind.node.ArrayNode expired = Json.MAPPER.createArrayNode();
        for (LifecyclePolicyEvaluator.Expiry expiry : lifecycle.run(name.get(), Instant.now())) {
            var image = expired.addObject().put("imageDigest", expiry.image().digest());
            expiry.image().tags().forEach(image.putArray("imageTags")::add);
            image.put("rulePriority", expiry.rulePriority());
        }
        byte[] body = Json.MAPPER.writeValueAsBytes(expired);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] readManifest(HttpExchange exchange) throws IOException {
        try (InputStream body = exchange.getRequestBody()) {
            byte[] content = body.readNBytes(MAX_MANIFEST_BYTES + 1);
            return content.length > MAX_MANIFEST_BYTES ? null : content;
        }
    }

    /** Streams the request to the registry and its answer back; returns the registry's status. */
    private int forward(HttpExchange exchange, HttpRequest.BodyPublisher body) throws IOException {
        return forward(exchange, body, status -> { });
    }

    private int forward(HttpExchange exchange, HttpRequest.BodyPublisher body, java.util.function.IntConsumer beforeRelay)
            throws IOException {
        return forward(exchange, body, beforeRelay, HOP_BY_HOP);
    }

    /**
     * Forwards the request; {@code beforeRelay} sees the registry's status before the client gets the answer, which
     * carries the registry's headers but the {@code dropped} ones (lower case).
     */
    private int forward(HttpExchange exchange, HttpRequest.BodyPublisher body, java.util.function.IntConsumer beforeRelay,
            Set<String> dropped) throws IOException {
        HttpResponse<InputStream> response = send(exchange, body);
        beforeRelay.accept(response.statusCode());
        Forwarding.relay(exchange, response, dropped);
        return response.statusCode();
    }

    /** Sends the request on to the registry; the answer is the caller's to relay. */
    private HttpResponse<InputStream> send(HttpExchange exchange, HttpRequest.BodyPublisher body) throws IOException {
        String query = exchange.getRequestURI().getRawQuery();
        if (declineMounts && query != null && query.contains("mount=") && exchange.getRequestMethod().equals("POST")) {
            query = null;
        }
        URI target = registry.baseUri().resolve(exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query));
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .timeout(Duration.ofMinutes(10))
                .method(exchange.getRequestMethod(), body);
        return Forwarding.send(registry.http(), request, exchange, HOP_BY_HOP);
    }

    private static HttpRequest.BodyPublisher streamedBody(HttpExchange exchange, InputStream content) {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        String encoding = exchange.getRequestHeaders().getFirst("Transfer-Encoding");
        if (declared != null) {
            long length = Long.parseLong(declared.trim());
            return length == 0 ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(() -> content), length);
        }
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            return HttpRequest.BodyPublishers.ofInputStream(() -> content);
        }
        return HttpRequest.BodyPublishers.noBody();
    }

    private void deny(HttpExchange exchange, int status, String code, String message) throws IOException {
        denied.add(new DeniedRequest(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), status, code,
                message, Instant.now()));
        drain(exchange);
        sendError(exchange, status, code, message);
    }

    /** Reads what is left of a refused upload so the client sees the answer, not a reset. */
    private static void drain(HttpExchange exchange) {
        try (InputStream body = exchange.getRequestBody()) {
            body.transferTo(OutputStream.nullOutputStream());
        } catch (IOException ignored) {
            // the answer is sent either way
        }
    }

    private static void sendError(HttpExchange exchange, int status, String code, String message) throws IOException {
        byte[] body = ("{\"errors\":[{\"code\":\"" + code + "\",\"message\":" + JsonText.quote(message) + "}]}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set("Docker-Distribution-Api-Version", "registry/2.0");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
