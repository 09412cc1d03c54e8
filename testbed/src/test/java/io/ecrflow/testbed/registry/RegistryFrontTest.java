package io.ecrflow.testbed.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecrflow.testbed.AwsClients;
import io.ecrflow.testbed.EcrTestbed;
import io.ecrflow.testbed.ecr.RepositorySettings;
import io.ecrflow.testbed.faults.LostAnswer;
import io.ecrflow.testbed.net.TestbedTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ecr.model.ImageTagAlreadyExistsException;

/** The registry front at the HTTP level: what ECR's registry endpoint answers, byte for byte. */
class RegistryFrontTest {

    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    @RegisterExtension
    static final EcrTestbed bed = EcrTestbed.standard();
    private static final HttpClient http = TestbedTls.fromEnvironment().httpClient().build();

    @BeforeAll
    static void start() {
        bed.testbed().createRepository("front/blobs");
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
        bed.testbed().expireRegistryPasswords();

        HttpResponse<String> response = send(request("/v2/").GET().header("Authorization", basic("AWS", password)));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("\"code\":\"DENIED\"", "Your authorization token has expired.");
        assertThat(bed.testbed().deniedRegistryRequests()).last()
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
        assertThat(location).startsWith("https://" + bed.testbed().registryHost() + "/v2/front/blobs/blobs/uploads/");

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
        assertThat(bed.testbed().registryHost()).matches("123456789012\\.dkr\\.ecr\\.us-east-1\\.ecrflow\\.test:\\d+");
        assertThat(send(request("/v2/")).statusCode()).isEqualTo(401);

        HttpClient untrusting = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        assertThatThrownBy(() -> untrusting.send(request("/v2/").build(), HttpResponse.BodyHandlers.discarding()))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void anArchivedImageIsDescribedButCannotBePulledUntilItIsPushedAgain() throws Exception {
        bed.testbed().createRepository("front/archive");
        String auth = basic("AWS", issuedPassword());
        String configDigest = uploadConfig(auth, "front/archive");
        String v1 = manifest(configDigest, "1");
        String v2 = manifest(configDigest, "2");
        assertThat(putManifest(auth, "front/archive", "v1", v1).statusCode()).isEqualTo(201);
        assertThat(putManifest(auth, "front/archive", "v2", v2).statusCode()).isEqualTo(201);
        assertThat(send(request("/v2/front/archive/manifests/v2").header("Authorization", auth)
                .header("Accept", "application/vnd.oci.image.manifest.v1+json")).statusCode()).isEqualTo(200);
        bed.ecr().putLifecyclePolicy(r -> r.repositoryName("front/archive").lifecyclePolicyText("""
                {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPatternList": ["v*"],
                 "countType": "imageCountMoreThan", "countNumber": 1},
                 "action": {"type": "transition", "targetStorageClass": "archive"}}]}"""));

        assertThat(bed.testbed().runLifecyclePolicy("front/archive")).as("archived, not expired").isEmpty();

        assertThat(bed.testbed().imageStatus("front/archive", "v1")).contains("ARCHIVED");
        assertThat(bed.testbed().imageStatus("front/archive", "v2")).contains("ACTIVE");
        HttpResponse<String> pull = send(request("/v2/front/archive/manifests/v1").header("Authorization", auth)
                .header("Accept", "application/vnd.oci.image.manifest.v1+json"));
        assertThat(pull.statusCode()).isEqualTo(404);
        assertThat(pull.body()).contains("MANIFEST_UNKNOWN").contains("archived");
        var listed = bed.ecr().describeImages(r -> r.repositoryName("front/archive")).imageDetails();
        assertThat(listed).as("without an imageStatus filter, only ACTIVE images")
                .extracting(detail -> detail.imageTags().get(0)).containsExactly("v2");
        assertThat(listed.get(0).lastRecordedPullTime()).as("the GET of v2 was a pull").isNotNull();

        assertThat(putManifest(auth, "front/archive", "v1", v1).statusCode()).isEqualTo(201);
        assertThat(bed.testbed().imageStatus("front/archive", "v1")).as("a push restores it").contains("ACTIVE");
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
        bed.testbed().createRepository("front/tags");
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
        assertThat(link).startsWith("<https://" + bed.testbed().registryHost() + "/v2/front/tags/tags/list?").endsWith("rel=\"next\"");
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

    @Test
    void anImmutableTagRefusesEveryManifestOnceItExistsTheVeryOneItHoldsToo() throws Exception {
        bed.testbed().createRepository("front/fixed", RepositorySettings.defaults().immutable());
        String manifest = image("front/fixed", "fixed");

        assertThat(putManifest("front/fixed", "1.0.0", manifest).statusCode()).isEqualTo(201);
        HttpResponse<String> again = putManifest("front/fixed", "1.0.0", manifest);

        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(again.body()).isEqualTo("{\"errors\":[{\"code\":\"TAG_INVALID\",\"message\":\"The image tag '1.0.0' "
                + "already exists in the 'front/fixed' repository and cannot be overwritten because the repository is "
                + "immutable.\"}]}");
        assertThatThrownBy(() -> bed.ecr().putImage(r -> r.repositoryName("front/fixed").imageTag("1.0.0").imageManifest(manifest)))
                .isInstanceOf(ImageTagAlreadyExistsException.class);
        assertThat(putManifest("front/fixed", "1.0.1", manifest).statusCode()).as("a new tag").isEqualTo(201);
    }

    @Test
    void mutableTagsAndTagsTheExclusionFiltersLeaveMutableTakeTheSameManifestAgain() throws Exception {
        bed.testbed().createRepository("front/excluded", RepositorySettings.defaults()
                .withMutability("IMMUTABLE_WITH_EXCLUSION", List.of("latest")));
        bed.testbed().createRepository("front/mutable");
        String excluded = image("front/excluded", "excluded");
        String mutable = image("front/mutable", "mutable");

        for (int write = 1; write <= 2; write++) {
            assertThat(putManifest("front/excluded", "latest", excluded).statusCode()).as("write " + write).isEqualTo(201);
            assertThat(putManifest("front/mutable", "1.0.0", mutable).statusCode()).as("write " + write).isEqualTo(201);
        }
        assertThat(putManifest("front/excluded", "1.0.0", excluded).statusCode()).isEqualTo(201);
        assertThat(putManifest("front/excluded", "1.0.0", excluded).statusCode()).as("not excluded").isEqualTo(400);
    }

    @Test
    void aManifestGetCarriesNoDigestHeaderAndAHeadDoes() throws Exception {
        bed.testbed().createRepository("front/digests");
        String manifest = image("front/digests", "digests");
        putManifest("front/digests", "1", manifest);
        String auth = basic("AWS", issuedPassword());

        HttpResponse<String> get = send(request("/v2/front/digests/manifests/1").header("Authorization", auth)
                .header("Accept", OCI_MANIFEST).GET());
        HttpResponse<String> head = send(request("/v2/front/digests/manifests/1").header("Authorization", auth)
                .header("Accept", OCI_MANIFEST).method("HEAD", HttpRequest.BodyPublishers.noBody()));

        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo(manifest);
        assertThat(get.headers().firstValue("Docker-Content-Digest")).isEmpty();
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Docker-Content-Digest")).contains(digest(manifest.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aLostAnswerComesAfterTheRegistryStoredTheManifestAsA502OrAsNoAnswerAtAll() throws Exception {
        bed.testbed().createRepository("front/lost");
        String manifest = image("front/lost", "lost");
        String digest = digest(manifest.getBytes(StandardCharsets.UTF_8));
        bed.testbed().loseManifestWriteAnswers("front/lost", "proxy", 1, LostAnswer.BAD_GATEWAY);
        bed.testbed().loseManifestWriteAnswers("front/lost", "reset", 1, LostAnswer.RESET);

        HttpResponse<String> proxied = putManifest("front/lost", "proxy", manifest);
        assertThatThrownBy(() -> putManifest("front/lost", "reset", manifest)).isInstanceOf(java.io.IOException.class);

        assertThat(proxied.statusCode()).isEqualTo(502);
        assertThat(bed.testbed().manifestDigest("front/lost", "proxy")).contains(digest);
        assertThat(bed.testbed().manifestDigest("front/lost", "reset")).contains(digest);
        assertThat(putManifest("front/lost", "proxy", manifest).statusCode()).as("one answer lost, counted").isEqualTo(201);
        assertThat(putManifest("front/lost", "reset", manifest).statusCode()).isEqualTo(201);
    }

    /** Uploads the blobs of a one-layer image into {@code repository}; returns its manifest, not yet under a tag. */
    private static String image(String repository, String marker) throws Exception {
        byte[] layer = marker.getBytes(StandardCharsets.UTF_8);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + digest(layer) + "\"]}}").getBytes(StandardCharsets.UTF_8);
        upload(repository, config);
        upload(repository, layer);
        return "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + digest(config) + "\",\"size\":" + config.length
                + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + digest(layer)
                + "\",\"size\":" + layer.length + "}]}";
    }

    private static void upload(String repository, byte[] blob) throws Exception {
        String auth = basic("AWS", issuedPassword());
        HttpResponse<String> started = send(request("/v2/" + repository + "/blobs/uploads/").header("Authorization", auth)
                .POST(HttpRequest.BodyPublishers.noBody()));
        String location = started.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> finished = send(HttpRequest.newBuilder(URI.create(location + (location.contains("?") ? "&" : "?")
                + "digest=" + digest(blob))).header("Authorization", auth).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)));
        assertThat(finished.statusCode()).as(finished.body()).isEqualTo(201);
    }

    private static HttpResponse<String> putManifest(String repository, String tag, String manifest) throws Exception {
        return send(request("/v2/" + repository + "/manifests/" + tag).header("Authorization", basic("AWS", issuedPassword()))
                .header("Content-Type", OCI_MANIFEST).PUT(HttpRequest.BodyPublishers.ofString(manifest)));
    }

    private static String digest(byte[] content) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }

    private static String issuedPassword() {
        String token = bed.ecr().getAuthorizationToken().authorizationData().get(0).authorizationToken();
        return new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8).substring("AWS:".length());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("https://" + bed.testbed().registryHost() + path));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
