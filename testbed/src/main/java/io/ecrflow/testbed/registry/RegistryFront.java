package io.ecrflow.testbed.registry;

import io.ecrflow.testbed.aws.EcrAction;
import io.ecrflow.testbed.aws.Json;
import io.ecrflow.testbed.aws.JsonText;
import io.ecrflow.testbed.aws.Permissions;
import io.ecrflow.testbed.ecr.AccountSettings;
import io.ecrflow.testbed.ecr.LifecycleExpiry;
import io.ecrflow.testbed.ecr.LifecyclePolicyEvaluator;
import io.ecrflow.testbed.ecr.PublicRegistry;
import io.ecrflow.testbed.ecr.RegistryPasswords;
import io.ecrflow.testbed.ecr.Repositories;
import io.ecrflow.testbed.ecr.Repository;
import io.ecrflow.testbed.faults.BlobUploadFaults;
import io.ecrflow.testbed.faults.LostAnswer;
import io.ecrflow.testbed.faults.RegistryFaults;
import io.ecrflow.testbed.net.DaemonThreads;
import io.ecrflow.testbed.net.TestbedNames;
import io.ecrflow.testbed.net.TestbedTls;
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
 * manifest at all, a manifest GET carries no digest header, an upload into a missing repository or by a caller denied
 * the upload actions gets no answer, mounts only with the account's {@code BLOB_MOUNTING} on, upload parts by ECR's
 * rules) and streams everything else through unchanged. The account's ECR Public registry has a front of its own
 * ({@link #bindPublic}), as public.ecr.aws is a host of its own: it takes bearer tokens only, which its token service
 * ({@value #TOKEN_PATH}) hands out for a password ECR Public's GetAuthorizationToken issued.
 */
public final class RegistryFront implements AutoCloseable {

    /** ECR refuses manifests over 4 MiB; buffering them for the immutability check is safe below that. */
    private static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    /** Not part of any registry API: where the benchmark reads (GET) and clears (DELETE) the request log. */
    static final String REQUESTS_PATH = "/_testbed/registry-requests";
    /** Not part of any registry API: POST ?repository=NAME runs that repository's lifecycle policy now. */
    static final String LIFECYCLE_PATH = "/_testbed/lifecycle-expiry";

    /** ECR Public's token service, as public.ecr.aws's challenge names it ({@code realm="https://public.ecr.aws/token/"}). */
    static final String TOKEN_PATH = "/token/";

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding", "te",
            "trailer", "upgrade", "proxy-authorization", "proxy-authenticate", "host", "content-length", "expect",
            "authorization", "date");
    /** A tag list's Link is the front's own. */
    private static final Set<String> TAG_LIST_DROPPED = java.util.stream.Stream.concat(HOP_BY_HOP.stream(),
            java.util.stream.Stream.of("link")).collect(java.util.stream.Collectors.toUnmodifiableSet());
    /** ECR's largest tag list page (n); a larger one is refused. */
    static final int MAX_TAGS_PAGE = 1000;
    /** ECR's tag list page without n. */
    static final int DEFAULT_TAGS_PAGE = 100;
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
    private final RegistryFaults faults = RegistryFaults.none();
    private final Referrers referrers = new Referrers();
    private final UploadParts parts = new UploadParts();
    /** repository:tag → the tag whose manifest replaces it right after the next write (another run's push). */
    private final Map<String, String> overwrites = new java.util.concurrent.ConcurrentHashMap<>();
    private DistributionRegistry registry;
    private Repositories repositories;
    private Optional<PublicRegistry> publicRegistry = Optional.empty();
    private RegistryPasswords passwords;
    /** ECR Public's front only: the bearer tokens its token service issued (an hour each, as public.ecr.aws's). */
    private final Optional<RegistryPasswords> tokens;
    private Permissions permissions;
    private AccountSettings settings;
    private LifecycleExpiry lifecycle;

    private RegistryFront(String name, HttpsServer server, ExecutorService executor, Optional<RegistryPasswords> tokens) {
        this.name = name;
        this.server = server;
        this.executor = executor;
        this.tokens = tokens;
    }

    /** Binds the port first: the registry must know the front's address before it starts. */
    public static RegistryFront bind(String accountId, TestbedTls tls) throws IOException {
        return bind(accountId, tls, Optional.empty());
    }

    /**
     * ECR Public's registry front for the account: the account's registry name (the test bed has no other name for
     * 127.0.0.1) on a port of its own, so that clients meet it as a registry of its own, with its own challenge.
     */
    public static RegistryFront bindPublic(String accountId, TestbedTls tls) throws IOException {
        return bind(accountId, tls, Optional.of(new RegistryPasswords(Duration.ofHours(1))));
    }

    private static RegistryFront bind(String accountId, TestbedTls tls, Optional<RegistryPasswords> tokens)
            throws IOException {
        String name = TestbedNames.requireLoopback(TestbedNames.registry(accountId));
        HttpsServer server = tls.httpsServer(64);
        ExecutorService executor = DaemonThreads.pool("ecrflow-testbed-registry");
        server.setExecutor(executor);
        return new RegistryFront(name, server, executor, tokens);
    }

    /** {@code <account>.dkr.ecr.us-east-1.ecrflow.test:<port>}, as image references use it. */
    public String host() {
        return name + ":" + server.getAddress().getPort();
    }

    public String url() {
        return "https://" + host();
    }

    /** Serves the account's repositories. */
    public void start(DistributionRegistry backend, Repositories repos, RegistryPasswords issued, Permissions iam,
            AccountSettings accountSettings) {
        this.registry = backend;
        this.repositories = repos;
        this.passwords = issued;
        this.permissions = iam;
        this.settings = accountSettings;
        this.lifecycle = new LifecycleExpiry(repos, backend);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Serves ECR Public's repositories under their alias ({@code /v2/<alias>/<name>/...}); a front from {@link #bindPublic}. */
    public void startPublic(DistributionRegistry backend, PublicRegistry publicRepos, RegistryPasswords issued,
            Permissions iam, AccountSettings accountSettings) {
        this.publicRegistry = Optional.of(publicRepos);
        start(backend, publicRepos.repositories(), issued, iam, accountSettings);
    }

    /** The bearer tokens ECR Public's token service issued; empty for a private registry's front. */
    public Optional<RegistryPasswords> tokens() {
        return tokens;
    }

    public LifecycleExpiry lifecycle() {
        return lifecycle;
    }

    public List<DeniedRequest> denied() {
        return List.copyOf(denied);
    }

    /** A request and its place among the requests of every front. */
    public record Numbered(long number, RegistryRequest request) {
    }

    /** Every repository-scoped request so far, in order. */
    List<RegistryRequest> requests() {
        return requests.stream().map(Numbered::request).toList();
    }

    /** The same, numbered across fronts. */
    public List<Numbered> numberedRequests() {
        return List.copyOf(requests);
    }

    public RegistryFaults faults() {
        return faults;
    }

    public void overwriteAfterNextWrite(String repository, String tag, String withTag) {
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
            if (tokens.isPresent() && path.equals(TOKEN_PATH)) {
                issueToken(exchange);
                return;
            }
            if (!path.equals("/v2") && !path.startsWith("/v2/")) {
                sendError(exchange, 404, "NOT_FOUND", "Not Found");
                return;
            }
            Optional<String> caller;
            if (tokens.isPresent()) {
                if (!admittedByToken(exchange)) {
                    return;
                }
                // ECR Public's registry: the permissions of a token's caller are not modelled
                caller = Optional.empty();
            } else {
                if (faults.push().expiresAtBlobRead(exchange.getRequestMethod(), path)) {
                    passwords.expireAll();
                }
                Optional<String> password = authorized(exchange);
                if (password.isEmpty()) {
                    return;
                }
                caller = passwords.caller(password.get());
            }
            Optional<RegistryRoute> route = RegistryRoute.of(path);
            if (route.isPresent()) {
                Optional<Repository> repository = publicRegistry.isPresent()
                        ? publicRegistry.get().find(route.get().repository())
                        : repositories.find(route.get().repository());
                if (faults.push().down(route.get())) {
                    // the connection ends without an answer, as a killed registry's does
                    record(exchange, route.get(), 0);
                    return;
                }
                List<String> actions = EcrAction.of(route.get(), exchange.getRequestMethod(), carriesBlobData(exchange));
                Optional<String> refused = caller.flatMap(key -> actions.stream()
                        .filter(action -> !permissions.allows(key, action)).findFirst());
                if (actions.stream().anyMatch(EcrAction::isUpload) && (repository.isEmpty() || refused.isPresent())) {
                    // ECR ends an upload into a repository that does not exist, or by credentials that may not upload,
                    // without any answer (aws/containers-roadmap#1970, dotnet/sdk-container-builds#279)
                    record(exchange, route.get(), 0);
                    return;
                }
                if (repository.isEmpty()) {
                    deny(exchange, 404, "NAME_UNKNOWN", "The repository with name '" + route.get().repository()
                            + "' does not exist in the registry with id '" + repositories.accountId() + "'");
                    return;
                }
                if (refused.isPresent()) {
                    record(exchange, route.get(), 403);
                    deny(exchange, 403, "DENIED", permissions.refusal(caller.orElseThrow(), refused.get(),
                            repository.get().arn(repositories.accountId())));
                    return;
                }
                if (route.get().kind() == RegistryRoute.Kind.REFERRERS) {
                    sendReferrers(exchange, route.get());
                    return;
                }
                if (route.get().kind() == RegistryRoute.Kind.MANIFEST && exchange.getRequestMethod().equals("PUT")) {
                    Optional<Integer> fault = faults.manifestWrites().take(route.get().repository(), route.get().reference());
                    if (fault.isPresent()) {
                        record(exchange, route.get(), fault.get());
                        if (fault.get() == 429) {
                            // ECR's registry throttles with 429 TOOMANYREQUESTS and no Retry-After
                            deny(exchange, 429, "TOOMANYREQUESTS", "Rate exceeded");
                            return;
                        }
                        deny(exchange, fault.get(), "UNKNOWN", "The registry failed (a fault the test bed was told to inject).");
                        return;
                    }
                    putManifest(exchange, route.get(), repository.get());
                    return;
                }
                if (route.get().kind() == RegistryRoute.Kind.TAGS && exchange.getRequestMethod().equals("GET")) {
                    listTags(exchange, route.get());
                    return;
                }
                if (route.get().kind() == RegistryRoute.Kind.MANIFEST
                        && (exchange.getRequestMethod().equals("GET") || exchange.getRequestMethod().equals("HEAD"))) {
                    readManifest(exchange, route.get(), repository.get());
                    return;
                }
                if (route.get().kind() == RegistryRoute.Kind.UPLOAD) {
                    upload(exchange, route.get(), caller);
                    return;
                }
                forward(exchange, streamedBody(exchange, exchange.getRequestBody()),
                        status -> record(exchange, route.get(), status));
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

    /**
     * Basic auth as ECR does it: user {@code AWS}, a password GetAuthorizationToken issued and not yet expired.
     * Returns the password when it is one, having answered the request otherwise.
     */
    private Optional<String> authorized(HttpExchange exchange) throws IOException {
        Optional<String[]> userAndPassword = basicCredentials(exchange.getRequestHeaders().getFirst("Authorization"));
        if (userAndPassword.isEmpty()) {
            challenge(exchange, "authentication required");
            return Optional.empty();
        }
        String user = userAndPassword.get()[0];
        RegistryPasswords.Verdict verdict = "AWS".equals(user)
                ? passwords.check(userAndPassword.get()[1])
                : RegistryPasswords.Verdict.UNKNOWN;
        switch (verdict) {
            case VALID:
                return Optional.of(userAndPassword.get()[1]);
            case EXPIRED:
                deny(exchange, 403, "DENIED", "Your authorization token has expired. Reauthenticate and try again.");
                return Optional.empty();
            default:
                challenge(exchange, "Your authorization token is invalid.");
                return Optional.empty();
        }
    }

    /**
     * ECR Public's registry takes bearer tokens only. A request without one is challenged to get one from the token
     * service; a token that has expired (or that the registry never issued) is answered 400 DENIED "Your
     * Authorization Token is invalid." with no challenge, as public.ecr.aws answers it (aws/containers-roadmap
     * issue 2835, oras-project/oras-go issue 1227).
     */
    private boolean admittedByToken(HttpExchange exchange) throws IOException {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            exchange.getResponseHeaders().set("WWW-Authenticate",
                    "Bearer realm=\"" + url() + TOKEN_PATH + "\",service=\"public.ecr.aws\",scope=\"aws\"");
            deny(exchange, 401, "UNAUTHORIZED", "authentication required");
            return false;
        }
        if (tokens.orElseThrow().check(header.substring(7).trim()) == RegistryPasswords.Verdict.VALID) {
            return true;
        }
        deny(exchange, 400, "DENIED", "Your Authorization Token is invalid.");
        return false;
    }

    /**
     * The token service: Basic auth as user {@code AWS} with a password ECR Public's GetAuthorizationToken issued
     * buys a bearer token ({@code {"token": ...}}, as the distribution token spec has it); an expired password is
     * refused as ECR refuses it. Anonymous tokens (public pulls without a login) are not modelled.
     */
    private void issueToken(HttpExchange exchange) throws IOException {
        Optional<String[]> userAndPassword = basicCredentials(exchange.getRequestHeaders().getFirst("Authorization"));
        RegistryPasswords.Verdict verdict = userAndPassword.filter(pair -> pair[0].equals("AWS"))
                .map(pair -> passwords.check(pair[1])).orElse(RegistryPasswords.Verdict.UNKNOWN);
        if (verdict == RegistryPasswords.Verdict.EXPIRED) {
            deny(exchange, 403, "DENIED", "Your authorization token has expired. Reauthenticate and try again.");
            return;
        }
        if (verdict != RegistryPasswords.Verdict.VALID) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"" + url() + TOKEN_PATH + "\"");
            deny(exchange, 401, "UNAUTHORIZED", "Your authorization token is invalid.");
            return;
        }
        byte[] body = Json.MAPPER.writeValueAsBytes(Json.object().put("token", tokens.orElseThrow().issue().password()));
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
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
        Optional<Referrers.Subject> subject = Referrers.subjectOf(manifest);
        if (subject.isPresent() && subject.get().isIndex()) {
            record(exchange, route, 405);
            deny(exchange, 405, "UNSUPPORTED", "The manifest's subject is an image index, which cannot be the subject "
                    + "of a referrer.");
            return;
        }
        String mediaType = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type"))
                .map(type -> type.split(";")[0].trim()).or(() -> Manifest.declaredMediaType(manifest))
                .orElse(Manifest.OCI_MANIFEST);
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
                subject.ifPresent(named -> {
                    referrers.record(route.repository(), named, manifest, mediaType);
                    // OCI distribution 1.1: the registry says it keeps the referrer, so clients need no referrers tag
                    exchange.getResponseHeaders().set("OCI-Subject", named.digest());
                });
                if (faults.push().expiresAfterWrite(route.repository(), route.reference())) {
                    tokens.orElse(passwords).expireAll();
                }
                String replacement = overwrites.remove(route.repository() + ":" + route.reference());
                if (replacement != null) {
                    Manifest other = registry.manifest(route.repository(), replacement).orElseThrow();
                    registry.putManifest(route.repository(), route.reference(), other.content(), other.mediaType());
                }
                lost = faults.manifestWrites().takeLoss(route.repository(), route.reference());
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

    /**
     * A manifest read: an archived image cannot be pulled (404, archive-image.html), and a GET that reads one is the
     * image's last pull (DescribeImages' lastRecordedPullTime).
     */
    private void readManifest(HttpExchange exchange, RegistryRoute route, Repository repository) throws IOException {
        Optional<String> digest = registry.digestOf(route.repository(), route.reference());
        if (digest.isPresent() && repository.archived(digest.get())) {
            record(exchange, route, 404);
            deny(exchange, 404, "MANIFEST_UNKNOWN", "The image " + route.reference() + " in repository '"
                    + route.repository() + "' is archived and cannot be pulled. Restore it first.");
            return;
        }
        boolean get = exchange.getRequestMethod().equals("GET");
        forward(exchange, HttpRequest.BodyPublishers.noBody(), status -> {
            record(exchange, route, status);
            if (status == 200 && get) {
                digest.ifPresent(read -> repository.recordPull(read, Instant.now()));
            }
        }, get ? MANIFEST_GET_DROPPED : HOP_BY_HOP);
    }

    /**
     * A tag list as ECR pages it: {@code n} above 1000 is refused as ECR refuses it (400 UNSUPPORTED, "Invalid
     * parameter at 'maxResults' …"), a list without {@code n} comes in pages of 100, and the next page's Link is an
     * absolute URL of the registry, as ECR writes it (see docs/testbed.md for the sources). The registry behind
     * lists every tag in one answer, so the front pages its sorted list itself; {@code last} is the last tag of the
     * page before (ECR's is an opaque token, which clients only ever take from the Link).
     */
    private void listTags(HttpExchange exchange, RegistryRoute route) throws IOException {
        String query = Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse("");
        Map<String, String> parameters = new java.util.HashMap<>();
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                parameters.put(pair.substring(0, equals),
                        java.net.URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        String n = parameters.getOrDefault("n", Integer.toString(DEFAULT_TAGS_PAGE));
        if (!n.matches("\\d{1,9}") || Integer.parseInt(n) > MAX_TAGS_PAGE) {
            record(exchange, route, 400);
            deny(exchange, 400, "UNSUPPORTED", "Invalid parameter at 'maxResults' failed to satisfy constraint: "
                    + "'Member must have value less than or equal to " + MAX_TAGS_PAGE + "'");
            return;
        }
        URI target = registry.baseUri().resolve(exchange.getRequestURI().getRawPath());
        HttpResponse<InputStream> response = Forwarding.send(registry.http(),
                HttpRequest.newBuilder(target).timeout(Duration.ofMinutes(1)).GET(), exchange, HOP_BY_HOP);
        record(exchange, route, response.statusCode());
        if (response.statusCode() != 200) {
            Forwarding.relay(exchange, response, TAG_LIST_DROPPED);
            return;
        }
        List<String> all = new java.util.ArrayList<>();
        try (InputStream body = response.body()) {
            Json.MAPPER.readTree(body).path("tags").forEach(tag -> all.add(tag.asText()));
        }
        all.sort(java.util.Comparator.naturalOrder());
        Optional<String> last = Optional.ofNullable(parameters.get("last"));
        List<String> after = all.stream().filter(tag -> last.map(l -> tag.compareTo(l) > 0).orElse(true)).toList();
        int size = Integer.parseInt(n);
        List<String> page = after.subList(0, Math.min(size, after.size()));
        if (after.size() > page.size() && !page.isEmpty()) {
            exchange.getResponseHeaders().set("Link", "<" + url() + "/v2/" + route.repository() + "/tags/list?last="
                    + java.net.URLEncoder.encode(page.get(page.size() - 1), StandardCharsets.UTF_8) + "&n=" + size
                    + ">; rel=\"next\"");
        }
        var answer = Json.MAPPER.createObjectNode().put("name", route.repository());
        page.forEach(answer.putArray("tags")::add);
        byte[] bytes = Json.MAPPER.writeValueAsBytes(answer);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set("Docker-Distribution-Api-Version", "registry/2.0");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /**
     * The referrers API (OCI distribution 1.1, served by ECR since 2024-06): 200 and an image index for any digest of
     * an existing repository (none listed when nothing refers to it), filtered by {@code ?artifactType=} with
     * {@code OCI-Filters-Applied: artifactType} saying so.
     */
    private void sendReferrers(HttpExchange exchange, RegistryRoute route) throws IOException {
        if (!exchange.getRequestMethod().equals("GET")) {
            record(exchange, route, 405);
            deny(exchange, 405, "UNSUPPORTED", "The referrers API answers GET only.");
            return;
        }
        if (!route.reference().matches("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[A-Za-z0-9=_-]+")) {
            record(exchange, route, 400);
            deny(exchange, 400, "DIGEST_INVALID", "'" + route.reference() + "' is not a digest.");
            return;
        }
        Optional<String> artifactType = Optional.ofNullable(exchange.getRequestURI().getRawQuery()).stream()
                .flatMap(query -> java.util.Arrays.stream(query.split("&")))
                .filter(pair -> pair.startsWith("artifactType="))
                .map(pair -> java.net.URLDecoder.decode(pair.substring("artifactType=".length()), StandardCharsets.UTF_8))
                .findFirst();
        byte[] body = Json.MAPPER.writeValueAsBytes(referrers.index(route.repository(), route.reference(), artifactType));
        record(exchange, route, 200);
        exchange.getResponseHeaders().set("Content-Type", Manifest.OCI_INDEX);
        exchange.getResponseHeaders().set("Docker-Distribution-Api-Version", "registry/2.0");
        if (artifactType.isPresent()) {
            exchange.getResponseHeaders().set("OCI-Filters-Applied", "artifactType");
        }
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** A PATCH with data, or the PUT of a monolithic upload: the requests that carry a blob's bytes. */
    private static boolean carriesBlobData(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        return method.equals("PATCH") || method.equals("PUT") && hasBody(exchange);
    }

    private static boolean hasBody(HttpExchange exchange) {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        String encoding = exchange.getRequestHeaders().getFirst("Transfer-Encoding");
        return length != null ? !length.trim().equals("0")
                : encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked");
    }

    /**
     * A request of a blob upload: its start (where a cross-repository mount is decided), a part, its completion or
     * its cancellation. Parts are held to ECR's rules ({@link UploadParts}); an armed {@link BlobUploadFaults} knob
     * peeks at the first bytes of a part to tell a layer from the image config, and may fail it.
     */
    private void upload(HttpExchange exchange, RegistryRoute route, Optional<String> caller) throws IOException {
        String method = exchange.getRequestMethod();
        if (method.equals("POST")) {
            String query = exchange.getRequestURI().getRawQuery();
            forward(exchange, streamedBody(exchange, exchange.getRequestBody()), status -> record(exchange, route, status),
                    mounts(route, query, caller) ? query : withoutMount(query));
            return;
        }
        boolean part = carriesBlobData(exchange);
        Optional<UploadParts.Refusal> refusal = method.equals("PATCH")
                ? parts.beforePart(route.reference(), rangeStart(exchange))
                : method.equals("PUT") ? parts.beforeCompletion(route.reference(), part) : Optional.empty();
        if (refusal.isPresent()) {
            record(exchange, route, refusal.get().status());
            deny(exchange, refusal.get().status(), refusal.get().code(), refusal.get().message());
            return;
        }
        BufferedInputStream body = new BufferedInputStream(exchange.getRequestBody());
        if (part && faults.uploads().armed(route.repository())) {
            body.mark(2);
            byte[] head = body.readNBytes(2);
            body.reset();
            Optional<Integer> fault = faults.uploads().take(route.repository(), BlobUploadFaults.Kind.of(head));
            if (fault.isPresent()) {
                record(exchange, route, fault.get());
                deny(exchange, fault.get(), "UNKNOWN", "The registry failed (a fault the test bed was told to inject).");
                return;
            }
        }
        CountingInputStream counted = new CountingInputStream(body);
        forward(exchange, streamedBody(exchange, counted), status -> {
            record(exchange, route, status);
            if (method.equals("PATCH") && status == 202) {
                parts.committed(route.reference(), counted.count());
            } else if (method.equals("PUT") && status == 201) {
                parts.completed(route.reference());
            }
        });
    }

    /**
     * Whether the registry may mount what a POST asks it to ({@code ?mount=<digest>&from=<repository>}). As ECR: only
     * with the account's {@code BLOB_MOUNTING} setting on, from a repository of this registry with the same encryption
     * whose images already reference the blob, for a caller who may read that repository's layers. Otherwise the
     * registry opens a plain upload (202), as the distribution API lets it.
     */
    private boolean mounts(RegistryRoute route, String query, Optional<String> caller) {
        Optional<String> blob = queryParameter(query, "mount");
        Optional<Repository> from = queryParameter(query, "from").flatMap(repositories::find);
        Optional<Repository> to = repositories.find(route.repository());
        if (blob.isEmpty() || from.isEmpty() || to.isEmpty() || !settings.blobMounting()) {
            return false;
        }
        return from.get().encryptionType().equals(to.get().encryptionType())
                && from.get().kmsKey().equals(to.get().kmsKey())
                && caller.map(key -> permissions.allows(key, EcrAction.GET_DOWNLOAD_URL_FOR_LAYER)).orElse(true)
                && registry.manifestDigests(from.get().name()).stream()
                        .flatMap(digest -> registry.manifest(from.get().name(), digest).stream())
                        .anyMatch(manifest -> manifest.references(blob.get()));
    }

    private static String withoutMount(String query) {
        if (query == null) {
            return null;
        }
        String kept = java.util.Arrays.stream(query.split("&"))
                .filter(p -> !p.startsWith("mount=") && !p.startsWith("from="))
                .collect(java.util.stream.Collectors.joining("&"));
        return kept.isEmpty() ? null : kept;
    }

    private static Optional<String> queryParameter(String query, String name) {
        return query == null ? Optional.empty() : java.util.Arrays.stream(query.split("&"))
                .filter(p -> p.startsWith(name + "="))
                .map(p -> java.net.URLDecoder.decode(p.substring(name.length() + 1), StandardCharsets.UTF_8))
                .findFirst();
    }

    /** The first byte a PATCH's Content-Range ({@code <start>-<end>}, or {@code bytes <start>-<end>/<size>}) names. */
    private static Optional<Long> rangeStart(HttpExchange exchange) {
        String range = exchange.getRequestHeaders().getFirst("Content-Range");
        if (range == null) {
            return Optional.empty();
        }
        java.util.regex.Matcher start = java.util.regex.Pattern.compile("^(?:bytes[ =])?(\\d+)-").matcher(range.trim());
        return start.find() ? Optional.of(Long.parseLong(start.group(1))) : Optional.empty();
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

    /**
     * Answers the images expired or archived, oldest first:
     * [{"imageDigest": ..., "imageTags": [...], "rulePriority": n, "action": "expire" or "transition"}].
     */
    private void runLifecyclePolicy(HttpExchange exchange) throws IOException {
        String query = Optional.ofNullable(exchange.getRequestURI().getQuery()).orElse("");
        Optional<String> name = java.util.Arrays.stream(query.split("&")).filter(p -> p.startsWith("repository="))
                .map(p -> p.substring("repository=".length())).findFirst();
        if (!exchange.getRequestMethod().equals("POST") || name.isEmpty() || repositories.find(name.get()).isEmpty()) {
            sendError(exchange, 400, "UNSUPPORTED", "POST " + LIFECYCLE_PATH + "?repository=<an existing repository>");
            return;
        }
        com.fasterxml.jackson.databind.node.ArrayNode expired = Json.MAPPER.createArrayNode();
        for (LifecyclePolicyEvaluator.Action action : lifecycle.run(name.get(), Instant.now())) {
            var image = expired.addObject().put("imageDigest", action.image().digest());
            action.image().tags().forEach(image.putArray("imageTags")::add);
            image.put("rulePriority", action.rulePriority());
            image.put("action", action.kind() == LifecyclePolicyEvaluator.Kind.TRANSITION ? "transition" : "expire");
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
        return forward(exchange, body, beforeRelay, exchange.getRequestURI().getRawQuery(), HOP_BY_HOP);
    }

    /** As {@link #forward(HttpExchange, HttpRequest.BodyPublisher, java.util.function.IntConsumer)}, with this query. */
    private int forward(HttpExchange exchange, HttpRequest.BodyPublisher body, java.util.function.IntConsumer beforeRelay,
            String query) throws IOException {
        return forward(exchange, body, beforeRelay, query, HOP_BY_HOP);
    }

    /** As {@link #forward(HttpExchange, HttpRequest.BodyPublisher, java.util.function.IntConsumer)}, dropping these headers too. */
    private int forward(HttpExchange exchange, HttpRequest.BodyPublisher body, java.util.function.IntConsumer beforeRelay,
            Set<String> dropped) throws IOException {
        return forward(exchange, body, beforeRelay, exchange.getRequestURI().getRawQuery(), dropped);
    }

    /**
     * Forwards the request with this query; {@code beforeRelay} sees the registry's status before the client gets the
     * answer, which carries the registry's headers but the {@code dropped} ones (lower case).
     */
    private int forward(HttpExchange exchange, HttpRequest.BodyPublisher body, java.util.function.IntConsumer beforeRelay,
            String query, Set<String> dropped) throws IOException {
        HttpResponse<InputStream> response = send(exchange, body, query);
        beforeRelay.accept(response.statusCode());
        Set<String> relayed = dropped;
        Optional<String> location = response.headers().firstValue("Location");
        if (location.isPresent() && !registry.publicUrl().equals(url())) {
            // the registry writes upload locations for the account's front; ECR Public's front shares the registry
            exchange.getResponseHeaders().set("Location", location.get().replace(registry.publicUrl(), url()));
            relayed = java.util.stream.Stream.concat(dropped.stream(), java.util.stream.Stream.of("location"))
                    .collect(java.util.stream.Collectors.toUnmodifiableSet());
        }
        Forwarding.relay(exchange, response, relayed);
        return response.statusCode();
    }

    /** Sends the request on to the registry; the answer is the caller's to relay. */
    private HttpResponse<InputStream> send(HttpExchange exchange, HttpRequest.BodyPublisher body) throws IOException {
        return send(exchange, body, exchange.getRequestURI().getRawQuery());
    }

    private HttpResponse<InputStream> send(HttpExchange exchange, HttpRequest.BodyPublisher body, String query)
            throws IOException {
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

    /** Counts the bytes of a part as they stream to the registry. */
    private static final class CountingInputStream extends java.io.FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count += b < 0 ? 0 : 1;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            count += Math.max(read, 0);
            return read;
        }

        long count() {
            return count;
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
