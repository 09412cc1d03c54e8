package io.ecrflow.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrflow.UserError;
import io.ecrflow.http.HttpCall;
import io.ecrflow.http.UntrustedCertificate;
import io.ecrflow.registry.RegistryAuthorizer.Sent;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How requests reach a registry, apart from what they ask: the API base of each host, every request through the one
 * {@link RegistryAuthorizer}, passing failures tried again ({@link RetryPolicy}), and redirects followed by hand so
 * the registry's Authorization header never travels to another host (blob downloads go to storage such as S3).
 */
final class RegistryTransport {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_REDIRECTS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryEndpoints endpoints;
    private final RegistryAuthorizer authorizer;
    private final RetryPolicy retry;
    private final Consumer<String> warnings;

    /**
     * @param warnings receives one line for each request tried again, with the reason
     */
    RegistryTransport(RegistryEndpoints endpoints, RetryPolicy retry, Consumer<String> warnings) {
        this.endpoints = endpoints;
        this.retry = retry;
        this.warnings = warnings;
        this.authorizer = new RegistryAuthorizer(this::token, warnings);
    }

    private RegistryTransport(RegistryTransport base, RegistryAuthorizer authorizer) {
        this.endpoints = base.endpoints;
        this.retry = base.retry;
        this.warnings = base.warnings;
        this.authorizer = authorizer;
    }

    /** The same registries with one more credential; tokens are asked for afresh. */
    RegistryTransport withCredential(RegistryCredential credential) {
        return new RegistryTransport(this, authorizer.withCredential(credential, Optional.empty()));
    }

    /**
     * The same, with a way to log in again: a credential that expires during the run (ECR's login lasts 12 hours,
     * and a long build or a slow push can outlast a login taken early) is renewed once when the registry refuses it.
     */
    RegistryTransport withCredential(RegistryCredential credential, Supplier<RegistryCredential> renewal) {
        return new RegistryTransport(this, authorizer.withCredential(credential, Optional.of(renewal)));
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

    /** One API call, authorised by {@link RegistryAuthorizer}. */
    Response call(String registry, RepositoryName repository, Request request) {
        return call(registry, repository, request, retry);
    }

    /** As {@link #call(String, RepositoryName, Request)}, sent at most {@code attempts} times (at least once). */
    Response call(String registry, RepositoryName repository, Request request, int attempts) {
        return call(registry, repository, request, retry.limitedTo(attempts));
    }

    private Response call(String registry, RepositoryName repository, Request request, RetryPolicy retry) {
        URI uri = endpoints.uri(registry, repository, request.path());
        return authorizer.send(registry, repository, request,
                authorization -> Sent.of(exchange(request, uri, authorization, registry, retry)));
    }

    /** A token service's answer, tried again like any registry request. */
    private Response token(URI tokenUri, Optional<String> authorization) {
        return exchange(Request.read("GET", tokenUri.toString(), "application/json"), tokenUri, authorization,
                tokenUri.getAuthority(), retry);
    }

    /** One request, tried again while it fails in passing (see {@link RetryPolicy}); the body is read whole. */
    private Response exchange(Request request, URI uri, Optional<String> authorization, String registry,
                              RetryPolicy retry) {
        return retrying(retry, request, uri, authorization, registry, true, answer -> new Response(registry,
                new HttpCall.Response(answer.status(), answer.headers(), answer.body().readAllBytes())));
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
                + "; trying again in " + seconds(pause) + " (" + retry.waiting().attempt(attempt + 1) + ").");
        retry.waiting().pause(pause, () -> new UserError("Interrupted while waiting to try a registry request again."));
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
     * A GET whose body is passed on as it arrives (a blob, which may be gigabytes): authorised as {@link #call} is, and
     * redirected by hand. A failed answer's body is read here, so the authoriser can tell an expired login from a
     * refusal. Close the answer when done.
     */
    HttpCall.Streamed download(String registry, RepositoryName repository, String path, String accept) {
        Request request = Request.read("GET", path, accept);
        URI uri = endpoints.uri(registry, repository, path);
        return authorizer.send(registry, repository, request,
                authorization -> judged(registry, retrying(retry, request, uri, authorization, registry, false, a -> a)));
    }

    /** A streamed answer with what the authoriser judges it by: only a failure's body, read whole (it is small). */
    private static Sent<HttpCall.Streamed> judged(String registry, HttpCall.Streamed answer) {
        if (answer.status() / 100 == 2) {
            return new Sent<>(answer, new Response(registry,
                    new HttpCall.Response(answer.status(), answer.headers(), new byte[0])));
        }
        byte[] body;
        try (InputStream in = answer.body()) {
            body = in.readAllBytes();
        } catch (IOException unreadable) {
            body = new byte[0];
        }
        return new Sent<>(
                new HttpCall.Streamed(answer.status(), answer.headers(), new ByteArrayInputStream(body), body.length),
                new Response(registry, new HttpCall.Response(answer.status(), answer.headers(), body)));
    }

    /**
     * Streams {@code length} bytes to {@code url} (an upload location the registry handed out), once: the body cannot
     * be sent twice (see {@link RegistryAuthorizer#sendOnce}).
     *
     * @throws RegistryAuthorizer.UploadOutlivedLogin when the login expired while the upload was open
     */
    Response upload(String registry, RepositoryName repository, String method, String url, InputStream content,
                    long length) {
        URI uri = endpoints.base(registry).resolve(url);
        return authorizer.sendOnce(registry, repository, Request.read(method, url, "application/json"), authorization -> {
            HttpCall call = HttpCall.to(method, uri).timeout(TIMEOUT).header("Accept", "application/json")
                    .header("Content-Type", "application/octet-stream").body(content, length);
            authorization.ifPresent(a -> call.header("Authorization", a));
            try {
                return Sent.of(new Response(registry, call.send()));
            } catch (IOException e) {
                throw unreachable(registry, uri, e);
            }
        });
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

    /** No answer at all (no connection, a reset, a timeout), after every attempt the retry policy allows. */
    static final class RegistryUnreachable extends UserError {
        private final String registry;
        private final String origin;
        private final String reason;

        RegistryUnreachable(String registry, String origin, String reason, int attempts, Throwable cause) {
            super("Could not reach the registry at " + registry + " (" + origin + ": " + reason + ")"
                    + (attempts > 1 ? " in " + attempts + " attempts" : "") + ". Check that it is up, the image name, "
                    + "the network and any proxy between this agent and the registry.", null, cause);
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

        boolean successful() {
            return answer.successful();
        }

        void expectSuccess(String what) {
            if (!successful()) {
                throw new UserError(failure(what));
            }
        }

        /** "Could not {what}: the registry … answered …", for an answer that is not a success. */
        String failure(String what) {
            return "Could not " + what + ": the registry " + registry + " answered " + status() + errorText()
                    + (status() == 403 ? ". Check that the credentials may read this repository." : ".");
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
