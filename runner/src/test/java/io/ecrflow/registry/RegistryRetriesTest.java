package io.ecrflow.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ecrflow.ManualClock;
import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.Waiting;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every registry request is tried again on a passing failure (5xx, 429, no answer) with one warning each, within
 * a bounded number of attempts; a login the registry stops accepting is renewed once.
 */
class RegistryRetriesTest {
    /** Pauses of 1, 2, 4 ms on a clock that only moves on: nothing is waited. */
    private final ManualClock clock = new ManualClock();
    private final RetryPolicy quick = new RetryPolicy(clock.drive(Waiting.doubling(4, Duration.ofMillis(1), Duration.ofMillis(5))));
    private static final String DIGEST = "sha256:" + "a".repeat(64);

    private HttpServer server;
    /** Statuses the server answers with, one per request, then 200. */
    private final Deque<Integer> failures = new ConcurrentLinkedDeque<>();
    /** 429 as ECR's registry answers it: TOOMANYREQUESTS, no Retry-After. */
    private volatile boolean ecrThrottling;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    /** The test's registries serve plain HTTP, so the client is told they are insecure, as a user would. */
    private final Set<String> insecure = new HashSet<>();
    private volatile String acceptedPassword;
    private volatile String expiredPassword;
    /** Upload starts end without an answer, as ECR's do into a missing repository or for a denied identity. */
    private volatile boolean uploadsUnanswered;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v2/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
        exchange.getRequestBody().readAllBytes();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (expiredPassword != null && basic(expiredPassword).equals(authorization)) {
            // ECR's answer to a login that has expired
            byte[] body = ("{\"errors\":[{\"code\":\"DENIED\",\"message\":\"Your authorization token has expired. "
                    + "Reauthenticate and try again.\"}]}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(403, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
            return;
        }
        if (acceptedPassword != null && !basic(acceptedPassword).equals(authorization)) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"registry\"");
            exchange.sendResponseHeaders(401, -1);
            exchange.close();
            return;
        }
        if (exchange.getRequestURI().getPath().endsWith("/blobs/uploads/") && exchange.getRequestMethod().equals("POST")) {
            if (uploadsUnanswered) {
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().add("Location", "/v2/team/web/blobs/uploads/the-upload?_state=s");
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
            return;
        }
        Integer failure = failures.poll();
        if (failure != null) {
            if (failure == 429 && !ecrThrottling) {
                exchange.getResponseHeaders().add("Retry-After", "0");
            }
            byte[] body = (failure == 429 && ecrThrottling
                    ? "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"Rate exceeded\"}]}"
                    : "{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"try later\"}]}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(failure, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
            return;
        }
        exchange.getResponseHeaders().add("Docker-Content-Digest", DIGEST);
        exchange.sendResponseHeaders(exchange.getRequestMethod().equals("PUT") ? 201 : 200, -1);
        exchange.close();
    }

    private String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private ImageRef ref(String host) {
        return ImageRef.tagged(host, new RepositoryName("team/web"), Tag.of("v1"));
    }

    private RegistryClient client() {
        insecure.add(host());
        return HttpRegistryClient.create(insecure, quick, warnings::add);
    }

    private static String basic(String password) {
        return "Basic " + Base64.getEncoder().encodeToString(("AWS:" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aHeadAnsweredWith503And429IsTriedAgainWithOneWarningEach() {
        failures.addAll(List.of(503, 429));

        assertThat(client().manifestDigest(ref(host()))).hasValue(Digest.parse(DIGEST));

        assertThat(requests).hasSize(3);
        assertThat(warnings).hasSize(2);
        // A HEAD answer has no body, so the registry's error text cannot be shown.
        assertThat(warnings.get(0)).isEqualTo("HEAD http://" + host() + "/v2/team/web/manifests/v1 answered 503; "
                + "trying again in 1 ms (attempt 2 of 4).");
        assertThat(warnings.get(1)).contains("answered 429").endsWith("(attempt 3 of 4).");
    }

    @Test
    void ecrsThrottlingIsRiddenOutWithBackoffAndTheWarningSaysTheRegistryIsThrottling() {
        ecrThrottling = true;
        failures.addAll(List.of(429, 429, 429));
        Manifest manifest = new Manifest(Manifest.OCI_IMAGE, Digest.parse(DIGEST), "{}".getBytes(StandardCharsets.UTF_8));

        client().putManifest(ref(host()), manifest);

        assertThat(requests).hasSize(4);
        assertThat(warnings).hasSize(3);
        assertThat(warnings.get(0)).isEqualTo("PUT http://" + host() + "/v2/team/web/manifests/v1 answered 429 "
                + "(TOOMANYREQUESTS: Rate exceeded), the registry is throttling requests; trying again in 1 ms (attempt 2 of 4).");
        assertThat(warnings.get(2)).contains("the registry is throttling requests").contains("trying again in 4 ms")
                .endsWith("(attempt 4 of 4).");
        assertThat(clock.pauses()).containsExactly(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(4));
    }

    @Test
    void aManifestPutThatKeepsFailingStopsAfterTheLastAttemptAndSaysSo() {
        failures.addAll(List.of(500, 502, 503, 504, 500));
        Manifest manifest = new Manifest(Manifest.OCI_IMAGE, Digest.parse(DIGEST), "{}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> client().putManifest(ref(host()), manifest))
                .isInstanceOf(ManifestRefused.class)
                .hasMessageContaining("(504 (UNAVAILABLE: try later)) after 4 attempts");
        assertThat(requests).hasSize(4);
        assertThat(warnings).hasSize(3).allSatisfy(line -> assertThat(line).startsWith("PUT ").contains("(UNAVAILABLE: try later)"));
    }

    @Test
    void aRegistryThatIsDownGivesOneClearErrorAfterTheLastAttempt() throws IOException {
        String down;
        try (ServerSocket socket = new ServerSocket(0)) {
            down = "127.0.0.1:" + socket.getLocalPort();
        }
        String registry = down;
        insecure.add(registry);

        assertThatThrownBy(() -> client().manifestDigest(ref(registry)))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("Could not reach the registry at " + registry + " (http://" + registry + ": ")
                .hasMessageContaining("in 4 attempts");
        assertThat(warnings).hasSize(3).allSatisfy(line -> assertThat(line).contains("got no answer"));
    }

    @Test
    void anUploadStartWithoutAnAnswerIsTriedTwiceThenNamesTheMissingRepositoryAndThePushPermissions() {
        uploadsUnanswered = true;
        Blob blob = new Blob(Digest.parse(DIGEST), 2, "application/octet-stream");

        assertThatThrownBy(() -> client().uploadBlob(ref(host()), blob, new java.io.ByteArrayInputStream(new byte[2])))
                .isInstanceOf(UploadRefused.class)
                .hasMessageContaining("closed the connection without an answer when an upload to team/web started "
                        + "(2 attempts)")
                .hasMessageContaining("the repository 'team/web' exists")
                .hasMessageContaining("ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload and ecr:PutImage");
        assertThat(warnings).as("one retry, not the usual four").hasSize(1);
        assertThat(requests).allMatch(request -> request.equals("POST /v2/team/web/blobs/uploads/"));
    }

    @Test
    void checkingUploadsStartsOneAndCancelsIt() {
        client().checkUploads(ref(host()));

        assertThat(requests).containsExactly("POST /v2/team/web/blobs/uploads/", "DELETE /v2/team/web/blobs/uploads/the-upload");
    }

    @Test
    void checkingUploadsFailsAtOnceWhereTheyGetNoAnswer() {
        uploadsUnanswered = true;

        assertThatThrownBy(() -> client().checkUploads(ref(host()))).isInstanceOf(UploadRefused.class);
        assertThat(requests).noneMatch(request -> request.startsWith("DELETE"));
    }

    @Test
    void aLoginTheRegistryStopsAcceptingIsRenewedOnceAndTheRequestGoesThrough() {
        acceptedPassword = "fresh-password";
        AtomicInteger logins = new AtomicInteger();
        RegistryCredential expired = new RegistryCredential(host(), "AWS", Secret.of("expired-password"), Instant.now());
        RegistryClient client = client().withCredential(expired, () -> {
            logins.incrementAndGet();
            return new RegistryCredential(host(), "AWS", Secret.of("fresh-password"), Instant.now().plusSeconds(3600));
        });

        assertThat(client.manifestDigest(ref(host()))).hasValue(Digest.parse(DIGEST));

        assertThat(logins).hasValue(1);
        assertThat(warnings).singleElement().asString().contains("refused the login: it expired during the run. Logging in again.")
                .doesNotContain("password");
    }

    @Test
    void anExpiredEcrLoginAnswered403IsRenewedOnce() {
        acceptedPassword = "fresh-password";
        expiredPassword = "twelve-hours-old";
        AtomicInteger logins = new AtomicInteger();
        RegistryCredential old = new RegistryCredential(host(), "AWS", Secret.of("twelve-hours-old"), Instant.now());
        RegistryClient client = client().withCredential(old, () -> {
            logins.incrementAndGet();
            return new RegistryCredential(host(), "AWS", Secret.of("fresh-password"), Instant.now().plusSeconds(3600));
        });

        assertThat(client.manifestDigest(ref(host()))).hasValue(Digest.parse(DIGEST));
        assertThat(client.manifestDigest(ref(host()))).hasValue(Digest.parse(DIGEST));

        assertThat(logins).hasValue(1);
        assertThat(warnings).singleElement().asString().contains("Logging in again");
    }

    @Test
    void aRenewedLoginThatIsRefusedTooFailsWithoutLoggingInAgainAndAgain() {
        acceptedPassword = "a-password-nobody-has";
        AtomicInteger logins = new AtomicInteger();
        RegistryCredential expired = new RegistryCredential(host(), "AWS", Secret.of("expired-password"), Instant.now());
        RegistryClient client = client().withCredential(expired, () -> {
            logins.incrementAndGet();
            return new RegistryCredential(host(), "AWS", Secret.of("still-wrong"), Instant.now());
        });

        assertThatThrownBy(() -> client.manifestDigest(ref(host()))).isInstanceOf(UserError.class)
                .hasMessageContaining("refused access to team/web (401");
        assertThatThrownBy(() -> client.manifestDigest(ref(host()))).isInstanceOf(UserError.class);
        assertThat(logins).hasValue(1);
    }

    @Test
    void pausesDoubleUpToTheLongestAndARetryAfterWithinItIsHonoured() {
        RetryPolicy policy = RetryPolicy.STANDARD;
        assertThat(policy.pauseAfter(1, java.util.Optional.empty())).isEqualTo(Duration.ofMillis(500));
        assertThat(policy.pauseAfter(3, java.util.Optional.empty())).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.pauseAfter(9, java.util.Optional.empty())).isEqualTo(Duration.ofSeconds(8));
        assertThat(policy.pauseAfter(1, java.util.Optional.of(Duration.ofSeconds(3)))).isEqualTo(Duration.ofSeconds(3));
        assertThat(policy.pauseAfter(1, java.util.Optional.of(Duration.ofMinutes(5)))).isEqualTo(Duration.ofSeconds(8));
        assertThat(RetryPolicy.isPassing(501)).isFalse();
        assertThat(RetryPolicy.isPassing(404)).isFalse();
    }
}
