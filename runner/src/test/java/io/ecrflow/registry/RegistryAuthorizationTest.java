package io.ecrflow.registry;

import com.sun.net.httpserver.HttpExchange;
import io.ecrflow.ManualClock;
import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.Waiting;
import io.ecrflow.http.LocalServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every kind of registry request (an API call, a blob download, an upload) gets its credential in one place: an ECR
 * login that expires during the run is renewed once whichever request meets the expiry, and the request repeated; a
 * refusal that is not about expiry is not.
 */
class RegistryAuthorizationTest {
    private final RetryPolicy quick = new RetryPolicy(new ManualClock().drive(Waiting.fixed(2, Duration.ofMillis(1))));
    private static final byte[] BLOB = "a layer".getBytes(StandardCharsets.UTF_8);
    private static final Blob LAYER = new Blob(Digest.parse(TokenAuthRegistry.digestOf(BLOB)), BLOB.length,
            "application/octet-stream");
    private static final String EXPIRED = "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"Your authorization token "
            + "has expired. Reauthenticate and try again.\"}]}";
    private static final String IAM_DENIED = "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"User: arn:aws:iam::"
            + "111122223333:user/ci is not authorized to perform: ecr:BatchGetImage on resource\"}]}";

    private LocalServer server;
    /** The registry password the server takes now; the one before it answers as ECR answers an expired login. */
    private volatile String accepted = "first-login";
    private volatile String expired = "";
    /** The request ("METHOD /path") before which the login expires, once; none when empty. */
    private volatile String expiresBefore = "";
    /** The request ("METHOD /path") that IAM denies with 403. */
    private volatile String deniedByIam = "";
    private final List<String> requests = new CopyOnWriteArrayList<>();
    /** The body length and Authorization of each upload PUT, as the server got them. */
    private final List<String> uploads = new CopyOnWriteArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final AtomicInteger logins = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = LocalServer.start("/v2/", this::answer);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void answer(HttpExchange exchange) throws IOException {
        String request = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (request.equals(expiresBefore)) {
            expiresBefore = "";
            expired = accepted;
            accepted = "renewed-login";
        }
        requests.add(request + (basic(accepted).equals(authorization) ? " (current login)"
                : basic(expired).equals(authorization) ? " (expired login)" : ""));
        if (basic(expired).equals(authorization)) {
            send(exchange, 403, EXPIRED.getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (!basic(accepted).equals(authorization)) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"registry\"");
            send(exchange, 401, new byte[0]);
            return;
        }
        if (request.equals(deniedByIam)) {
            send(exchange, 403, IAM_DENIED.getBytes(StandardCharsets.UTF_8));
            return;
        }
        String path = exchange.getRequestURI().getPath();
        switch (exchange.getRequestMethod()) {
            case "HEAD" -> send(exchange, 404, new byte[0]);
            case "POST" -> {
                exchange.getResponseHeaders().add("Location", path + "the-upload");
                send(exchange, 202, new byte[0]);
            }
            case "PUT" -> {
                uploads.add(body.length + " bytes" + (basic(accepted).equals(authorization) ? " with the current login" : ""));
                send(exchange, 201, new byte[0]);
            }
            default -> send(exchange, 200, path.contains("/blobs/") ? BLOB : "{}".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 || exchange.getRequestMethod().equals("HEAD") ? -1 : body.length);
        if (body.length > 0 && !exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    private String host() {
        return server.host();
    }

    private ImageRef ref(String repository) {
        return ImageRef.tagged(host(), new RepositoryName(repository), Tag.of("v1"));
    }

    private static String basic(String password) {
        return "Basic " + Base64.getEncoder().encodeToString(("AWS:" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A client logged in with the first login, able to log in again (once) as ECR's login step does. */
    private RegistryClient loggedIn(String... otherRegistries) {
        RegistryCredential first = new RegistryCredential(host(), "AWS", Secret.of("first-login"), Instant.now());
        Set<String> insecure = new java.util.HashSet<>(List.of(otherRegistries));
        insecure.add(host());
        return HttpRegistryClient.create(insecure, quick, warnings::add).withCredential(first, () -> {
            logins.incrementAndGet();
            return new RegistryCredential(host(), "AWS", Secret.of(accepted), Instant.now().plusSeconds(43200));
        });
    }

    @Test
    void anApiCallMeetingAnExpiredLoginIsRepeatedWithARenewedOne() {
        RegistryClient client = loggedIn();
        client.tags(host(), new RepositoryName("team/web"));
        expiresBefore = "GET /v2/team/web/manifests/v1";

        assertThat(client.manifest(ref("team/web")).content()).isEqualTo("{}".getBytes(StandardCharsets.UTF_8));

        assertThat(logins).hasValue(1);
        assertThat(requests).endsWith("GET /v2/team/web/manifests/v1 (expired login)",
                "GET /v2/team/web/manifests/v1 (current login)");
        assertThat(warnings).singleElement().asString().contains("expired during the run. Logging in again.");
    }

    @Test
    void aBlobDownloadMeetingEcrsExpiredAnswerIsRepeatedWithARenewedLogin() {
        RegistryClient client = loggedIn();
        client.tags(host(), new RepositoryName("team/source"));
        client.tags(host(), new RepositoryName("team/release"));
        expiresBefore = "GET /v2/team/source/blobs/" + LAYER.digest();

        assertThat(client.transferBlob(ref("team/source"), ref("team/release"), LAYER)).isEqualTo(BlobTransfer.COPIED);

        assertThat(logins).hasValue(1);
        assertThat(requests).containsSubsequence("GET /v2/team/source/blobs/" + LAYER.digest() + " (expired login)",
                "GET /v2/team/source/blobs/" + LAYER.digest() + " (current login)");
        // the upload opened before the renewal closes with the renewed login, its body sent once
        assertThat(uploads).containsExactly(BLOB.length + " bytes with the current login");
    }

    @Test
    void aBlobDownloadChallengedWith401IsAnsweredAndRepeated() {
        RegistryClient client = loggedIn();

        client.transferBlob(ref("team/source"), ref("team/release"), LAYER);

        assertThat(logins).hasValue(0);
        assertThat(requests).containsSubsequence("GET /v2/team/source/blobs/" + LAYER.digest(),
                "GET /v2/team/source/blobs/" + LAYER.digest() + " (current login)");
        assertThat(uploads).containsExactly(BLOB.length + " bytes with the current login");
    }

    @Test
    void aBlobDownloadWhoseBearerTokenEcrPublicAnswers400DeniedGetsANewTokenAndIsRepeated() throws IOException {
        try (TokenAuthRegistry publicRegistry = new TokenAuthRegistry()) {
            RegistryClient client = loggedIn(publicRegistry.host());
            ImageRef source = ImageRef.tagged(publicRegistry.host(), new RepositoryName("dotnet/runtime"), Tag.of("1.0"));
            client.manifestDigest(source);
            publicRegistry.expireTokens();

            client.transferBlob(source, ref("team/release"), LAYER);

            assertThat(publicRegistry.tokenRequests).hasSize(2);
            assertThat(warnings).singleElement().asString().contains("refused the token for dotnet/runtime as no longer valid");
            assertThat(uploads).containsExactly(publicRegistry.config.length + " bytes with the current login");
        }
    }

    @Test
    void anUploadMeetingAnExpiredLoginRenewsItBeforeTheBodyIsSentAndSendsTheBodyOnce() {
        RegistryClient client = loggedIn();
        client.tags(host(), new RepositoryName("team/release"));
        expiresBefore = "POST /v2/team/release/blobs/uploads/";

        client.uploadBlob(ref("team/release"), LAYER, new ByteArrayInputStream(BLOB));

        assertThat(logins).hasValue(1);
        assertThat(uploads).containsExactly(BLOB.length + " bytes with the current login");
        assertThat(requests).filteredOn(request -> request.startsWith("PUT ")).hasSize(1);
    }

    @Test
    void aCopyWhoseLoginExpiresWhileItsUploadIsOpenStartsOverWithTheRenewedLoginReadingTheBlobAgain() {
        RegistryClient client = loggedIn();
        client.tags(host(), new RepositoryName("team/release"));
        expiresBefore = "PUT /v2/team/release/blobs/uploads/the-upload";

        assertThat(client.transferBlob(ref("team/source"), ref("team/release"), LAYER)).isEqualTo(BlobTransfer.COPIED);

        assertThat(logins).hasValue(1);
        assertThat(requests).filteredOn(request -> request.startsWith("PUT ")).containsExactly(
                "PUT /v2/team/release/blobs/uploads/the-upload (expired login)",
                "PUT /v2/team/release/blobs/uploads/the-upload (current login)");
        assertThat(requests).filteredOn(request -> request.startsWith("GET /v2/team/source/blobs/")).hasSize(3);
        assertThat(uploads).containsExactly(BLOB.length + " bytes with the current login");
    }

    @Test
    void anUploadOfAStreamWhoseLoginExpiresWhileItIsOpenRenewsTheLoginAndSaysToRunAgain() {
        RegistryClient client = loggedIn();
        client.tags(host(), new RepositoryName("team/release"));
        expiresBefore = "PUT /v2/team/release/blobs/uploads/the-upload";

        assertThatThrownBy(() -> client.uploadBlob(ref("team/release"), LAYER, new ByteArrayInputStream(BLOB)))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("refused an upload to team/release: its login expired while the upload was open")
                .hasMessageContaining("run the step again");

        assertThat(logins).hasValue(1);
        assertThat(client.manifest(ref("team/release")).content()).isEqualTo("{}".getBytes(StandardCharsets.UTF_8));
        assertThat(requests).last().isEqualTo("GET /v2/team/release/manifests/v1 (current login)");
    }

    @Test
    void aRefusalByIamIsNotTakenForAnExpiredLoginAndFailsAtOnceSayingSo() {
        RegistryClient client = loggedIn();
        deniedByIam = "GET /v2/team/web/manifests/v1";

        assertThatThrownBy(() -> client.manifest(ref("team/web"))).isInstanceOf(UserError.class)
                .hasMessageContaining("answered 403 (DENIED: User: arn:aws:iam::111122223333:user/ci is not authorized")
                .hasMessageContaining("Check that the credentials may read this repository.");

        assertThat(logins).hasValue(0);
        assertThat(warnings).isEmpty();
        assertThat(requests).filteredOn(request -> request.equals("GET /v2/team/web/manifests/v1 (current login)"))
                .hasSize(1);
    }

    @Test
    void aBlobDownloadRefusedByIamIsNotRenewedOrRepeated() {
        RegistryClient client = loggedIn();
        deniedByIam = "GET /v2/team/source/blobs/" + LAYER.digest();

        assertThatThrownBy(() -> client.transferBlob(ref("team/source"), ref("team/release"), LAYER))
                .isInstanceOf(UserError.class).hasMessageContaining("answered 403");

        assertThat(logins).hasValue(0);
        assertThat(requests).filteredOn(request -> request.startsWith("GET /v2/team/source/blobs/")).hasSize(2)
                .endsWith("GET /v2/team/source/blobs/" + LAYER.digest() + " (current login)");
        assertThat(uploads).isEmpty();
    }
}
