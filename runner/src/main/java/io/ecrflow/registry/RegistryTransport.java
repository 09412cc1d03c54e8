package io.ecrflow.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrflow.UserError;
import io.ecrflow.http.HttpCall;
import io.ecrflow.http.UntrustedCertificate;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How requests reach a registry, apart from what they ask: the API base of each host, the answer to its
 * authentication challenge (a bearer token from the named token service, anonymous or with the user's
 * credential as Basic auth, or Basic auth directly), kept per repository for the following calls, and
 * redirects followed by hand so the registry's Authorization header never travels to another host (blob
 * downloads go to storage such as S3).
 */
final class RegistryTransport {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_REDIRECTS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryEndpoints endpoints;
    private final Map<String, RegistryCredential> credentials;
    private final Map<String, Supplier<RegistryCredential>> renewals;
    private final Map<String, String> authorizations = new ConcurrentHashMap<>();
    private final RetryPolicy retry;
    private final Consumer<String> warnings;
    private final Set<String> renewed = ConcurrentHashMap.newKeySet();

    /**
     * @param warnings receives one line for each request tried again, with the reason
     */
    RegistryTransport(RegistryEndpoints endpoints, RetryPolicy retry, Consumer<String> warnings) {
        this(endpoints, Map.of(), Map.of(), retry, warnings);
    }

    private RegistryTransport(RegistryEndpoints endpoints, Map<String, RegistryCredential> credentials,
                              Map<String, Supplier<RegistryCredential>> renewals, RetryPolicy retry,
                              Consumer<String> warnings) {
        this.endpoints = endpoints;
        this.credentials = new ConcurrentHashMap<>(credentials);
        this.renewals = Map.copyOf(renewals);
        this.retry = retry;
        this.warnings = warnings;
    }

    /** The same registries with one more credential; tokens are asked for afresh. */
    RegistryTransport withCredential(RegistryCredential credential) {
        Map<String, RegistryCredential> all = new HashMap<>(credentials);
        all.put(credential.registry(), credential);
        return new RegistryTransport(endpoints, all, renewals, retry, warnings);
    }

    /**
     * The same, with a way to log in again: a credential that expires during the run (ECR's login lasts 12 hours,
     * and a long build or a slow push can outlast a login taken early) is renewed once when the registry refuses it.
     */
    RegistryTransport withCredential(RegistryCredential credential, Supplier<RegistryCredential> renewal) {
        Map<String, Supplier<RegistryCredential>> all = new HashMap<>(renewals);
        all.put(credential.registry(), renewal);
        return new RegistryTransport(endpoints, credentials, all, retry, warnings).withCredential(credential);
    }

    /** How many times a request is sent at most. */
    int attempts() {
        return retry.attempts();
    }

    /** A request to send: {@code path} is below /v2/&lt;name&gt;, or absolute from /v2/ on, or a whole URL. */
    record Request(String method, String path, String accept, Optional<Body> body) {
        static Request read(String method, String path, String accept) {
            return new Request(method, path, accept, Optional.empty());
        }
    }

    /** What a write sends, with its media type. */
    record Body(String contentType, byte[] content) {
    }

    /** Whether a URL a registry sent (a Link, say) is on that registry, so that its login may go with it. */
    boolean onRegistry(String registry, String url) {
        return endpoints.onRegistry(registry, url);
    }

    /** One API call, answering an authentication challenge once. */
    Response call(String registry, RepositoryName repository, Request request) {
        return call(registry, repository, request, retry);
    }

    /** As {@link #call(String, RepositoryName, Request)}, sent at most {@code attempts} times (at least once). */
    Response call(String registry, RepositoryName repository, Request request, int attempts) {
        return call(registry, repository, request, retry.limitedTo(attempts));
    }

    private Response call(String registry, RepositoryName repository, Request request, RetryPolicy retry) {
        URI uri = endpoints.uri(registry, repository, request.path());
        String key = registry + " " + repository;
        Optional<String> cached = Optional.ofNullable(authorizations.get(key));
        Response response = exchange(request, uri, cached, registry, retry);
        if (expiredLogin(request, response) && renew(registry)) {
            // asked again without authorization, so the registry's challenge says how to use the new login
            response = exchange(request, uri, Optional.empty(), registry, retry);
        } else if (cached.isPresent() && expiredToken(cached.get(), request, response)) {
            warnings.accept("The registry " + registry + " refused the token for " + repository + " as no longer valid "
                    + "(400" + response.errorText() + "): getting a new one and asking again.");
            authorizations.remove(key, cached.get());
            response = exchange(request, uri, Optional.empty(), registry, retry);
        }
        if (response.status() != 401) {
            return response;
        }
        AuthChallenge challenge = response.header("WWW-Authenticate").flatMap(AuthChallenge::parse)
                .orElseThrow(() -> new UserError("The registry " + registry + " refused access to " + repository
                        + " without saying how to authenticate (no WWW-Authenticate header)."));
        String authorization = authorize(challenge, registry, repository);
        authorizations.put(key, authorization);
        response = exchange(request, uri, Optional.of(authorization), registry, retry);
        if ((response.status() == 401 || expiredLogin(request, response)) && renew(registry)) {
            authorization = authorize(challenge, registry, repository);
            authorizations.put(key, authorization);
            response = exchange(request, uri, Optional.of(authorization), registry, retry);
        }
        if (response.status() == 401) {
            throw denied(registry, repository, response);
        }
        if (expiredToken(authorization, request, response)) {
            throw new UserError("The registry " + registry + " refused a token it had just issued for " + repository
                    + " (400" + response.errorText() + "). Check that the login (for ECR Public: "
                    + "ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken) may " + (request.method().equals("GET")
                    || request.method().equals("HEAD") ? "read" : "push to") + " this repository.");
        }
        return response;
    }

    /**
     * ECR Public answers a bearer token that is no longer valid (its tokens last an hour, and a run can outlast one)
     * with 400 DENIED "Your Authorization Token is invalid." and no challenge, not with 401 (aws/containers-roadmap
     * issue 2835; oras-project/oras-go issue 1227): a new token is the fix. A HEAD's 400 has no body to tell, so with a
     * bearer token it counts as one too: the token is asked for again once per call, and a real refusal stays one.
     */
    private static boolean expiredToken(String authorization, Request request, Response response) {
        if (!authorization.startsWith("Bearer ") || response.status() != 400) {
            return false;
        }
        return response.errorCodes().contains("DENIED") || request.method().equals("HEAD") && response.body().length == 0;
    }

    /**
     * ECR answers a login that has expired with 403 DENIED "Your authorization token has expired. Reauthenticate and
     * try again." rather than a new challenge; a fresh login is the fix. A HEAD's 403 has no body to tell, so it
     * counts as one too: the login is renewed once per run at most, and a real refusal stays a refusal.
     */
    private static boolean expiredLogin(Request request, Response response) {
        if (response.status() != 403) {
            return false;
        }
        return response.errorText().toLowerCase(java.util.Locale.ROOT).contains("token has expired")
                || request.method().equals("HEAD") && response.body().length == 0;
    }

    /** Logs in to the registry again, once per run; false when there is no way to (or it was done already). */
    private boolean renew(String registry) {
        Supplier<RegistryCredential> renewal = renewals.get(registry);
        RegistryCredential current = credentials.get(registry);
        if (renewal == null || current == null) {
            return false;
        }
        synchronized (renewals) {
            if (credentials.get(registry) != current) {
                return true;
            }
            if (renewed.contains(registry)) {
                return false;
            }
            renewed.add(registry);
            warnings.accept("The registry " + registry + " refused the login: it expired during the run. Logging in again.");
            credentials.put(registry, renewal.get());
            authorizations.keySet().removeIf(key -> key.startsWith(registry + " "));
            return true;
        }
    }

    private String authorize(AuthChallenge challenge, String registry, RepositoryName repository) {
        Optional<RegistryCredential> credential = Optional.ofNullable(credentials.get(registry));
        if (challenge.isBasic()) {
            RegistryCredential basic = credential.orElseThrow(() -> new UserError("The registry " + registry
                    + " needs a user name and password to read " + repository + ". Give them for this registry "
                    + "(for a base image: upstreamUsername and the INPUT_UPSTREAMPASSWORD secret)."));
            return basicHeader(basic);
        }
        if (!challenge.isBearer()) {
            throw new UserError("The registry " + registry + " asks for '" + challenge.scheme()
                    + "' authentication; only Bearer token and Basic authentication are supported.");
        }
        String realm = challenge.parameter("realm").orElseThrow(() -> new UserError("The registry " + registry
                + " asks for a bearer token but names no token service (realm)."));
        String scope = challenge.parameter("scope").orElse("repository:" + repository + ":pull");
        StringBuilder query = new StringBuilder();
        challenge.parameter("service").ifPresent(service -> query.append("service=").append(encode(service)).append('&'));
        query.append("scope=").append(encode(scope));
        URI tokenUri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
        Response response = exchange(Request.read("GET", tokenUri.toString(), "application/json"), tokenUri,
                credential.map(RegistryTransport::basicHeader), tokenUri.getAuthority(), retry);
        if ((response.status() == 401 || response.status() == 403) && credential.isPresent() && renew(registry)) {
            // the login the token is asked with expired during the run (ECR Public's: 12 hours)
            credential = Optional.ofNullable(credentials.get(registry));
            response = exchange(Request.read("GET", tokenUri.toString(), "application/json"), tokenUri,
                    credential.map(RegistryTransport::basicHeader), tokenUri.getAuthority(), retry);
        }
        if (response.status() == 401 || response.status() == 403) {
            throw new UserError("The token service of " + registry + " (" + tokenUri.getHost() + ") refused a token for "
                    + repository + (credential.isPresent()
                    ? ": check the user name and password given for " + registry + "."
                    : ". The image may be private: give upstreamUsername and the INPUT_UPSTREAMPASSWORD secret."));
        }
        response.expectSuccess("get a token for " + registry + "/" + repository + " from " + tokenUri.getHost());
        try {
            JsonNode answer = JSON.readTree(response.body());
            String token = answer.path("token").asText(answer.path("access_token").asText(""));
            if (token.isBlank()) {
                throw new UserError("The token service of " + registry + " answered without a token.");
            }
            return "Bearer " + token;
        } catch (IOException e) {
            throw new UserError("The token service of " + registry + " answered with something that is not JSON.");
        }
    }

    /** One request, tried again while it fails in passing (see {@link RetryPolicy}); the body is read whole. */
    private Response exchange(Request request, URI uri, Optional<String> authorization, String registry,
                              RetryPolicy retry) {
        return retrying(retry, request, uri, authorization, registry, true, answer -> new Response(registry,
                new HttpCall.Response(answer.status(), answer.headers(), answer.body().readAllBytes())));
    }

    /** A streamed GET, tried again like {@link #exchange} while nothing of its body has been read. */
    private HttpCall.Streamed openRetrying(Request request, URI uri, Optional<String> authorization, String registry) {
        return retrying(retry, request, uri, authorization, registry, false, answer -> answer);
    }

    /** How the answer of the attempt that is kept is taken: read whole, or handed on as it streams. */
    @FunctionalInterface
    private interface Answer<T> {
        T take(HttpCall.Streamed answer) throws IOException;
    }

    /**
     * The one retry loop of every registry request. {@code readWhole}: the answer is read here (and closed),
     * so a connection lost while reading is tried again too, and a retry's warning quotes the registry's error.
     */
    private <T> T retrying(RetryPolicy retry, Request request, URI uri, Optional<String> authorization, String registry,
                           boolean readWhole, Answer<T> answer) {
        for (int attempt = 1; ; attempt++) {
            try {
                HttpCall.Streamed response = exchangeStreamed(request, uri, authorization, registry);
                if (RetryPolicy.isPassing(response.status()) && attempt < retry.attempts()) {
                    Optional<Duration> retryAfter = RetryPolicy.retryAfter(response.header("Retry-After"));
                    String said = readWhole ? errorTextOf(response, registry) : "";
                    closeQuietly(response);
                    // ECR throttles with 429 TOOMANYREQUESTS and no Retry-After: the backoff decides
                    String throttled = response.status() == 429 ? ", the registry is throttling requests" : "";
                    pause(retry, attempt, retryAfter, "answered " + response.status() + said + throttled, request, uri);
                    continue;
                }
                if (!readWhole) {
                    return answer.take(response);
                }
                try (response) {
                    return answer.take(response);
                }
            } catch (IOException e) {
                retryOrGiveUp(retry, attempt, unreachable(registry, uri, e), request, uri);
            } catch (RegistryUnreachable e) {
                retryOrGiveUp(retry, attempt, e, request, uri);
            }
        }
    }

    private void retryOrGiveUp(RetryPolicy retry, int attempt, RegistryUnreachable e, Request request, URI uri) {
        if (attempt == retry.attempts()) {
            throw e.after(attempt);
        }
        pause(retry, attempt, Optional.empty(), e.reason(), request, uri);
    }

    /** The registry's " (CODE: message)" of a failed answer, or nothing when its body cannot be read. */
    private static String errorTextOf(HttpCall.Streamed response, String registry) {
        try {
            return new Response(registry, new HttpCall.Response(response.status(), response.headers(),
                    response.body().readAllBytes())).errorText();
        } catch (IOException unreadable) {
            return "";
        }
    }

    /** One warning line per retry: what failed, and when the next attempt goes. The path has no query (no secrets). */
    private void pause(RetryPolicy retry, int attempt, Optional<Duration> retryAfter, String reason, Request request,
                       URI uri) {
        Duration pause = retry.pauseAfter(attempt, retryAfter);
        warnings.accept(request.method() + " " + uri.getScheme() + "://" + uri.getAuthority() + uri.getPath() + " " + reason
                + "; trying again in " + seconds(pause) + " (attempt " + (attempt + 1) + " of " + retry.attempts() + ").");
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("Interrupted while waiting to try a registry request again.");
        }
    }

    private static String seconds(Duration pause) {
        if (pause.toMillis() < 1000) {
            return pause.toMillis() + " ms";
        }
        return pause.toMillis() % 1000 == 0 ? pause.toSeconds() + " s"
                : String.format(java.util.Locale.ROOT, "%.1f s", pause.toMillis() / 1000.0);
    }

    /** Sends the request, following redirects by hand; the answer's body is left to the caller to read. */
    private HttpCall.Streamed exchangeStreamed(Request request, URI uri, Optional<String> authorization, String registry) {
        URI target = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpCall call = HttpCall.to(request.method(), target).timeout(TIMEOUT).header("Accept", request.accept());
            if (authorization.isPresent() && sameOrigin(target, uri)) {
                call.header("Authorization", authorization.get());
            }
            request.body().ifPresent(body -> call.header("Content-Type", body.contentType()).body(body.content()));
            HttpCall.Streamed response = open(call, registry);
            Optional<String> location = response.header("Location");
            if (isRedirect(response.status()) && location.isPresent()) {
                closeQuietly(response);
                target = target.resolve(location.get());
                continue;
            }
            return response;
        }
        throw new UserError("The registry " + registry + " redirected more than " + MAX_REDIRECTS + " times.");
    }

    /**
     * A GET whose body is passed on as it arrives (a blob, which may be gigabytes): authenticated and
     * redirected as {@link #call} does. Close the answer when done.
     */
    HttpCall.Streamed download(String registry, RepositoryName repository, String path, String accept) {
        Request request = Request.read("GET", path, accept);
        URI uri = endpoints.uri(registry, repository, path);
        String key = registry + " " + repository;
        HttpCall.Streamed response = openRetrying(request, uri, Optional.ofNullable(authorizations.get(key)), registry);
        if (response.status() != 401) {
            return response;
        }
        Optional<String> header = response.header("WWW-Authenticate");
        closeQuietly(response);
        AuthChallenge challenge = header.flatMap(AuthChallenge::parse)
                .orElseThrow(() -> new UserError("The registry " + registry + " refused access to " + repository
                        + " without saying how to authenticate (no WWW-Authenticate header)."));
        String authorization = authorize(challenge, registry, repository);
        authorizations.put(key, authorization);
        response = openRetrying(request, uri, Optional.of(authorization), registry);
        if (response.status() == 401) {
            closeQuietly(response);
            throw new UserError("The registry " + registry + " refused access to " + repository + " (401). "
                    + "Check that the credentials given for " + registry + " may read it.");
        }
        return response;
    }

    /**
     * Streams {@code length} bytes to {@code url} (an upload location the registry handed out).
     * The body cannot be sent twice, so it goes with the authorization the upload's start already earned.
     */
    Response upload(String registry, RepositoryName repository, String method, String url, InputStream content,
                    long length) {
        URI uri = endpoints.base(registry).resolve(url);
        HttpCall call = HttpCall.to(method, uri).timeout(TIMEOUT).header("Accept", "application/json")
                .header("Content-Type", "application/octet-stream").body(content, length);
        Optional.ofNullable(authorizations.get(registry + " " + repository)).ifPresent(a -> call.header("Authorization", a));
        try {
            return new Response(registry, call.send());
        } catch (IOException e) {
            throw unreachable(registry, uri, e);
        }
    }

    private static void closeQuietly(HttpCall.Streamed response) {
        try (InputStream body = response.body()) {
            body.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException ignored) {
            // the connection is dropped instead of reused
        }
    }

    private static HttpCall.Streamed open(HttpCall request, String registry) {
        try {
            return request.open();
        } catch (IOException e) {
            throw unreachable(registry, request.uri(), e);
        }
    }

    /**
     * No answer, to be tried again. A certificate Java does not trust is thrown instead: it fails alike on every
     * attempt, and the user's fix is a CA bundle, not patience.
     */
    private static RegistryUnreachable unreachable(String registry, URI uri, IOException e) {
        UntrustedCertificate.find(e, uri.getAuthority()).ifPresent(untrusted -> {
            throw untrusted;
        });
        // Only the host is named: a redirect target may carry a signature in its query.
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new RegistryUnreachable(registry, uri.getScheme() + "://" + uri.getAuthority(), reason, 1, e);
    }

    private static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme()) && Objects.equals(a.getAuthority(), b.getAuthority());
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static String basicHeader(RegistryCredential credential) {
        String pair = credential.username() + ":" + credential.password().reveal();
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private UserError denied(String registry, RepositoryName repository, Response response) {
        return new UserError("The registry " + registry + " refused access to " + repository + " ("
                + response.status() + response.errorText() + "). " + (credentials.containsKey(registry)
                ? "Check that the credentials given for " + registry + " may read it."
                : "It may be private: give upstreamUsername and the INPUT_UPSTREAMPASSWORD secret."));
    }

    /** No answer at all (no connection, a reset, a timeout), after every attempt the retry policy allows. */
    static final class RegistryUnreachable extends UserError {
        private final String registry;
        private final String origin;
        private final String reason;

        RegistryUnreachable(String registry, String origin, String reason, int attempts, Throwable cause) {
            super("Could not reach the registry " + registry + " at " + origin + " (" + reason + ")"
                    + (attempts > 1 ? " in " + attempts + " attempts" : "") + ". Check that the registry is up, the "
                    + "image name, the network and any proxy between this agent and the registry.", null, cause);
            this.registry = registry;
            this.origin = origin;
            this.reason = reason;
        }

        String reason() {
            return "got no answer (" + reason + ")";
        }

        RegistryUnreachable after(int attempts) {
            return new RegistryUnreachable(registry, origin, reason, attempts, getCause());
        }
    }

    /** A registry's answer. */
    record Response(String registry, HttpCall.Response answer) {
        int status() {
            return answer.status();
        }

        byte[] body() {
            return answer.body();
        }

        Optional<String> header(String name) {
            return answer.header(name);
        }

        void expectSuccess(String what) {
            if (answer.successful()) {
                return;
            }
            throw new UserError("Could not " + what + ": the registry " + registry + " answered " + status() + errorText()
                    + (status() == 403 ? ". Check that the credentials may read this repository." : "."));
        }

        /** The codes of the distribution API's {@code {"errors":[{"code":…}]}}; none when the body is not that. */
        List<String> errorCodes() {
            try {
                List<String> codes = new ArrayList<>();
                JSON.readTree(body()).path("errors").forEach(error -> codes.add(error.path("code").asText("")));
                return codes;
            } catch (IOException | RuntimeException notJson) {
                return List.of();
            }
        }

        /** The distribution API's {@code {"errors":[{"code":…,"message":…}]}}, as " (CODE: message)". */
        String errorText() {
            try {
                List<String> errors = new ArrayList<>();
                for (JsonNode error : JSON.readTree(body()).path("errors")) {
                    errors.add(error.path("code").asText("") + ": " + error.path("message").asText(""));
                }
                return errors.isEmpty() ? "" : " (" + String.join("; ", errors) + ")";
            } catch (IOException | RuntimeException notJson) {
                return "";
            }
        }
    }
}
