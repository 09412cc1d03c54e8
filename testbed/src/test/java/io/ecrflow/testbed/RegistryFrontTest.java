package io.ecrflow.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecr.EcrClient;

/** The registry front at the HTTP level: what ECR's registry endpoint answers, byte for byte. */
class RegistryFrontTest {

    private static Testbed testbed;
    private static EcrClient ecr;
    private static final HttpClient http = TestbedTls.fromEnvironment().httpClient().build();

    @BeforeAll
    static void start() {
        testbed = Testbed.start(AwsClients.config());
        ecr = AwsClients.ecr(testbed);
        testbed.createRepository("front/blobs");
    }

    @AfterAll
    static void stop() {
        ecr.close();
        testbed.close();
    }

    @Test
    void requestWithoutCredentialsIsChallengedForBasicAuth() throws Exception {
        HttpResponse<String> response = send(request("/v2/").GET());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).startsWith("Basic realm=\""));
        assertThat(response.headers().firstValue("Docker-Distribution-Api-Version")).contains("registry/2.0");
        assertThat(response.body()).startsWith("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":");
    }

    @Test
    void onlyUserAwsWithAnIssuedPasswordGetsIn() throws Exception {
        String password = issuedPassword();

        assertThat(send(request("/v2/").GET().header("Authorization", basic("AWS", password))).statusCode())
                .isEqualTo(200);
        assertThat(send(request("/v2/").GET().header("Authorization", basic("AWS", password + "x"))).statusCode())
                .isEqualTo(401);
        assertThat(send(request("/v2/").GET().header("Authorization", basic("admin", password))).statusCode())
                .isEqualTo(401);
    }

    @Test
    void expiredPasswordIsDenied() throws Exception {
        String password = issuedPassword();
        testbed.expireRegistryPasswords();

        HttpResponse<String> response = send(request("/v2/").GET().header("Authorization", basic("AWS", password)));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("\"code\":\"DENIED\"", "Your authorization token has expired.");
        assertThat(testbed.deniedRegistryRequests()).last()
                .satisfies(denied -> assertThat(denied.code()).isEqualTo("DENIED"));
    }

    @Test
    void repositoryNeverCreatedIsNameUnknown() throws Exception {
        HttpResponse<String> response = send(request("/v2/ghost/app/tags/list").GET()
                .header("Authorization", basic("AWS", issuedPassword())));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"The repository with "
                + "name 'ghost/app' does not exist in the registry with id '123456789012'\"}]}");
    }

    @Test
    void chunkedLayerUploadStreamsThroughAndLocationsPointAtTheFront() throws Exception {
        String auth = basic("AWS", issuedPassword());
        byte[] layer = new byte[5 * 1024 * 1024];
        new Random(7).nextBytes(layer);
        String digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(layer));

        HttpResponse<String> started = send(request("/v2/front/blobs/blobs/uploads/")
                .header("Authorization", auth).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(started.statusCode()).isEqualTo(202);
        String location = started.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("https://" + testbed.registryHost() + "/v2/front/blobs/blobs/uploads/");

        HttpResponse<String> patched = send(HttpRequest.newBuilder(URI.create(location)).header("Authorization", auth)
                .header("Content-Type", "application/octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(layer))));
        assertThat(patched.statusCode()).isEqualTo(202);
        assertThat(patched.headers().firstValue("Range")).contains("0-" + (layer.length - 1));

        String next = patched.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> finished = send(HttpRequest.newBuilder(URI.create(next + "&digest=" + digest))
                .header("Authorization", auth).PUT(HttpRequest.BodyPublishers.noBody()));
        assertThat(finished.statusCode()).isEqualTo(201);
        assertThat(finished.headers().firstValue("Docker-Content-Digest")).contains(digest);

        HttpResponse<Void> head = http.send(request("/v2/front/blobs/blobs/" + digest).header("Authorization", auth)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(layer.length);
        HttpResponse<byte[]> download = http.send(request("/v2/front/blobs/blobs/" + digest)
                .header("Authorization", auth).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.body()).isEqualTo(layer);
    }

    @Test
    void servesHttpsUnderTheAccountsRegistryNameWithTheTestCertificate() throws Exception {
        assertThat(testbed.registryHost()).matches("123456789012\\.dkr\\.ecr\\.us-east-1\\.ecrflow\\.test:\\d+");
        assertThat(send(request("/v2/")).statusCode()).isEqualTo(401);

        HttpClient untrusting = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        assertThatThrownBy(() -> untrusting.send(request("/v2/").build(), HttpResponse.BodyHandlers.discarding()))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void anArchivedImageIsDescribedButCannotBePulledUntilItIsPushedAgain() throws Exception {
        testbed.createRepository("front/archive");
        String auth = basic("AWS", issuedPassword());
        String configDigest = uploadConfig(auth, "front/archive");
        String v1 = manifest(configDigest, "1");
        String v2 = manifest(configDigest, "2");
        assertThat(putManifest(auth, "front/archive", "v1", v1).statusCode()).isEqualTo(201);
        assertThat(putManifest(auth, "front/archive", "v2", v2).statusCode()).isEqualTo(201);
        assertThat(send(request("/v2/front/archive/manifests/v2").header("Authorization", auth)
                .header("Accept", "application/vnd.oci.image.manifest.v1+json")).statusCode()).isEqualTo(200);
        ecr.putLifecyclePolicy(r -> r.repositoryName("front/archive").lifecyclePolicyText("""
                {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPatternList": ["v*"],
                 "countType": "imageCountMoreThan", "countNumber": 1},
                 "action": {"type": "transition", "targetStorageClass": "archive"}}]}"""));

        assertThat(testbed.runLifecyclePolicy("front/archive")).as("archived, not expired").isEmpty();

        assertThat(testbed.imageStatus("front/archive", "v1")).contains("ARCHIVED");
        assertThat(testbed.imageStatus("front/archive", "v2")).contains("ACTIVE");
        HttpResponse<String> pull = send(request("/v2/front/archive/manifests/v1").header("Authorization", auth)
                .header("Accept", "application/vnd.oci.image.manifest.v1+json"));
        assertThat(pull.statusCode()).isEqualTo(404);
        assertThat(pull.body()).contains("MANIFEST_UNKNOWN").contains("archived");
        var listed = ecr.describeImages(r -> r.repositoryName("front/archive")).imageDetails();
        assertThat(listed).as("without an imageStatus filter, only ACTIVE images")
                .extracting(detail -> detail.imageTags().get(0)).containsExactly("v2");
        assertThat(listed.get(0).lastRecordedPullTime()).as("the GET of v2 was a pull").isNotNull();

        assertThat(putManifest(auth, "front/archive", "v1", v1).statusCode()).isEqualTo(201);
        assertThat(testbed.imageStatus("front/archive", "v1")).as("a push restores it").contains("ACTIVE");
        assertThat(send(request("/v2/front/archive/manifests/v1").header("Authorization", auth)
                .header("Accept", "application/vnd.oci.image.manifest.v1+json")).statusCode()).isEqualTo(200);
    }

    private static String manifest(String configDigest, String revision) {
        return "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{"
                + "\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                + "\",\"size\":2},\"layers\":[],\"annotations\":{\"revision\":\"" + revision + "\"}}";
    }

    @Test
    void tagListsArePagedAsEcrPagesThemWithAnAbsoluteNextLink() throws Exception {
        testbed.createRepository("front/tags");
        String auth = basic("AWS", issuedPassword());
        String configDigest = uploadConfig(auth, "front/tags");
        for (String tag : new String[] {"a", "b", "c"}) {
            assertThat(putManifest(auth, "front/tags", tag, manifest(configDigest, tag)).statusCode()).isEqualTo(201);
        }

        HttpResponse<String> tooMany = send(request("/v2/front/tags/tags/list?n=1001").header("Authorization", auth));
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(tooMany.body()).contains("UNSUPPORTED").contains("less than or equal to 1000");

        HttpResponse<String> first = send(request("/v2/front/tags/tags/list?n=2").header("Authorization", auth));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("\"a\"").contains("\"b\"").doesNotContain("\"c\"");
        String link = first.headers().firstValue("Link").orElseThrow();
        assertThat(link).startsWith("<https://" + testbed.registryHost() + "/v2/front/tags/tags/list?").endsWith("rel=\"next\"");
        HttpResponse<String> second = send(HttpRequest.newBuilder(URI.create(link.substring(1, link.indexOf('>'))))
                .header("Authorization", auth));
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).contains("\"c\"").doesNotContain("\"a\"");
        assertThat(second.headers().firstValue("Link")).isEmpty();
        assertThat(send(request("/v2/front/tags/tags/list?n=1000").header("Authorization", auth)).body())
                .contains("\"a\"").contains("\"c\"");
    }

    /** Uploads the empty config "{}" to {@code repository}; its digest. */
    private static String uploadConfig(String auth, String repository) throws Exception {
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        String configDigest = sha256(config);
        HttpResponse<String> started = send(request("/v2/" + repository + "/blobs/uploads/")
                .header("Authorization", auth).POST(HttpRequest.BodyPublishers.noBody()));
        String location = started.headers().firstValue("Location").orElseThrow();
        assertThat(send(HttpRequest.newBuilder(URI.create(location + (location.contains("?") ? "&" : "?") + "digest="
                + configDigest)).header("Authorization", auth).PUT(HttpRequest.BodyPublishers.ofByteArray(config)))
                .statusCode()).isEqualTo(201);
        return configDigest;
    }

    private static HttpResponse<String> putManifest(String auth, String repository, String tag, String manifest)
            throws Exception {
        return send(request("/v2/" + repository + "/manifests/" + tag).header("Authorization", auth)
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString(manifest)));
    }

    private static String sha256(byte[] content) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }

    private static String issuedPassword() {
        String token = ecr.getAuthorizationToken().authorizationData().get(0).authorizationToken();
        return new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8).substring("AWS:".length());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("https://" + testbed.registryHost() + path));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
