package io.ecrflow.testbed.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecrflow.testbed.AwsClients;
import io.ecrflow.testbed.Testbed;
import io.ecrflow.testbed.aws.TrustedRole;
import io.ecrflow.testbed.ecr.RepositorySettings;
import io.ecrflow.testbed.net.TestbedTls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.EcrException;

/**
 * Blob uploads as ECR answers them: no answer at all into a repository that does not exist or for credentials denied
 * the upload actions, mounts only with the account's BLOB_MOUNTING setting on, and ECR's rules for upload parts.
 */
class BlobUploadRulesTest {
    // AWS's second documented example key pair: denied the upload actions here.
    private static final String DENIED_KEY_ID = "AKIAI44QH8DHBEXAMPLE";
    private static final String DENIED_SECRET = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY";
    private static final String READ_ONLY_ROLE = "arn:aws:iam::123456789012:role/ecr-read-only";

    private static Testbed testbed;
    private static EcrClient ecr;
    private static EcrClient deniedEcr;
    private static final HttpClient http = TestbedTls.fromEnvironment().httpClient().build();

    @BeforeAll
    static void start() {
        testbed = Testbed.start(AwsClients.config().withCredentials(DENIED_KEY_ID, DENIED_SECRET)
                .withDeniedActions(DENIED_KEY_ID, "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
                        "ecr:CompleteLayerUpload", "ecr:PutImage")
                .withRole(TrustedRole.of(READ_ONLY_ROLE))
                .withDeniedActions(READ_ONLY_ROLE, "ecr:InitiateLayerUpload"));
        ecr = AwsClients.ecr(testbed);
        deniedEcr = AwsClients.ecr(testbed, DENIED_KEY_ID, DENIED_SECRET);
        testbed.createRepository("rules/source");
        testbed.createRepository("rules/target");
        testbed.createRepository("rules/kms", RepositorySettings.defaults().withEncryption("KMS", java.util.Optional.empty()));
    }

    @AfterAll
    static void stop() {
        ecr.close();
        deniedEcr.close();
        testbed.close();
    }

    @Test
    void anUploadIntoARepositoryThatDoesNotExistGetsNoAnswer() throws Exception {
        String auth = basic(password(ecr));
        int before = testbed.uploadsStarted("rules/ghost");

        assertThatThrownBy(() -> send(request("/v2/rules/ghost/blobs/uploads/").header("Authorization", auth)
                .POST(HttpRequest.BodyPublishers.noBody()))).isInstanceOf(IOException.class);
        assertThat(testbed.uploadsStarted("rules/ghost")).isEqualTo(before + 1);
    }

    @Test
    void credentialsDeniedTheUploadActionsGetNoAnswerAtTheRegistryAndAccessDeniedAtTheApi() throws Exception {
        String auth = basic(password(deniedEcr));

        assertThatThrownBy(() -> send(request("/v2/rules/target/blobs/uploads/").header("Authorization", auth)
                .POST(HttpRequest.BodyPublishers.noBody()))).isInstanceOf(IOException.class);
        HttpResponse<String> manifest = send(request("/v2/rules/target/manifests/v1").header("Authorization", auth)
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(manifest.statusCode()).isEqualTo(403);
        assertThat(manifest.body()).contains("\"code\":\"DENIED\"", "is not authorized to perform: ecr:PutImage");
        assertThat(send(request("/v2/rules/target/tags/list").header("Authorization", auth).GET()).statusCode())
                .as("reading is still allowed").isNotEqualTo(403);
        assertThatThrownBy(() -> deniedEcr.putImage(b -> b.repositoryName("rules/target").imageTag("v1")
                .imageManifest("{}")))
                .isInstanceOfSatisfying(EcrException.class, e -> assertThat(e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage())
                        .startsWith("AccessDeniedException: ").contains("is not authorized to perform: ecr:PutImage on resource: "
                                + "arn:aws:ecr:us-east-1:123456789012:repository/rules/target"));
        assertThat(send(request("/v2/rules/target/blobs/uploads/").header("Authorization", basic(password(ecr)))
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).as("other keys may").isEqualTo(202);
    }

    @Test
    void aRoleDeniedAnActionHasItDeniedInEverySession() throws Exception {
        software.amazon.awssdk.services.sts.model.Credentials session;
        try (var sts = AwsClients.sts(testbed, AwsClients.KEY_ID, AwsClients.SECRET)) {
            session = sts.assumeRole(b -> b.roleArn(READ_ONLY_ROLE).roleSessionName("reader")).credentials();
        }
        try (EcrClient reader = AwsClients.ecr(testbed, session.accessKeyId(), session.secretAccessKey(),
                session.sessionToken())) {
            String auth = basic(password(reader));

            assertThatThrownBy(() -> send(request("/v2/rules/target/blobs/uploads/").header("Authorization", auth)
                    .POST(HttpRequest.BodyPublishers.noBody()))).isInstanceOf(IOException.class);
            assertThat(reader.describeRepositories(b -> b.repositoryNames("rules/target")).repositories()).hasSize(1);
        }
    }

    @Test
    void mountsAreOffUntilTheAccountSettingTurnsThemOnAndThenMountOnlyWhatAnImageReferences() throws Exception {
        String auth = basic(password(ecr));
        String config = upload("rules/source", "{\"architecture\":\"amd64\"}".getBytes(StandardCharsets.UTF_8), auth);
        String layer = upload("rules/source", "a layer".getBytes(StandardCharsets.UTF_8), auth);
        String loose = upload("rules/source", "no image names me".getBytes(StandardCharsets.UTF_8), auth);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config
                + "\",\"size\":24},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
                + layer + "\",\"size\":7}]}";
        assertThat(send(request("/v2/rules/source/manifests/v1").header("Authorization", auth)
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString(manifest))).statusCode()).isEqualTo(201);

        assertThat(ecr.getAccountSetting(b -> b.name("BLOB_MOUNTING")).value()).isEqualTo("DISABLED");
        assertThat(mount("rules/target", layer, "rules/source", auth)).isEqualTo(202);

        assertThat(ecr.putAccountSetting(b -> b.name("BLOB_MOUNTING").value("ENABLED")).value()).isEqualTo("ENABLED");
        try {
            assertThat(mount("rules/target", layer, "rules/source", auth)).isEqualTo(201);
            assertThat(mount("rules/target", loose, "rules/source", auth)).as("no image references it").isEqualTo(202);
            assertThat(mount("rules/kms", config, "rules/source", auth)).as("another encryption").isEqualTo(202);
        } finally {
            ecr.putAccountSetting(b -> b.name("BLOB_MOUNTING").value("DISABLED"));
        }
    }

    @Test
    void partsUnder5MiBButTheLastAreRefusedAndSoIsARestartFromByteZero() throws Exception {
        String auth = basic(password(ecr));
        String location = start("rules/target", auth);
        HttpResponse<String> first = patch(location, new byte[1024], "0-1023", auth);
        assertThat(first.statusCode()).isEqualTo(202);
        String next = first.headers().firstValue("Location").orElseThrow();

        HttpResponse<String> restart = patch(next, new byte[1024], "0-1023", auth);
        assertThat(restart.statusCode()).isEqualTo(416);
        assertThat(restart.body()).contains("BLOB_UPLOAD_INVALID");

        HttpResponse<String> second = patch(next, new byte[1024], "1024-2047", auth);
        assertThat(second.statusCode()).isEqualTo(400);
        assertThat(second.body()).contains("All layer parts except the last part should be at least 5MB");
    }

    @Test
    void aBlobOfZeroBytesCannotBeUploaded() throws Exception {
        String auth = basic(password(ecr));
        String location = start("rules/target", auth);

        HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create(location + "&digest=" + sha256(new byte[0])))
                .header("Authorization", auth).PUT(HttpRequest.BodyPublishers.noBody()));

        assertThat(put.statusCode()).isEqualTo(400);
        assertThat(put.body()).contains("BLOB_UPLOAD_INVALID", "does not have any parts");
    }

    /** One POST and one PUT with the whole blob: what ECR always takes. */
    private static String upload(String repository, byte[] blob, String auth) throws Exception {
        String digest = sha256(blob);
        HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create(start(repository, auth) + "&digest=" + digest))
                .header("Authorization", auth).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        return digest;
    }

    private static String start(String repository, String auth) throws Exception {
        HttpResponse<String> started = send(request("/v2/" + repository + "/blobs/uploads/").header("Authorization", auth)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(started.statusCode()).isEqualTo(202);
        return started.headers().firstValue("Location").orElseThrow();
    }

    private static int mount(String repository, String digest, String from, String auth) throws Exception {
        return send(request("/v2/" + repository + "/blobs/uploads/?mount=" + digest + "&from=" + from)
                .header("Authorization", auth).POST(HttpRequest.BodyPublishers.noBody())).statusCode();
    }

    private static HttpResponse<String> patch(String location, byte[] part, String range, String auth) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(location)).header("Authorization", auth)
                .header("Content-Type", "application/octet-stream").header("Content-Range", range)
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(part)));
    }

    private static String sha256(byte[] content) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }

    private static String password(EcrClient client) {
        String token = client.getAuthorizationToken().authorizationData().get(0).authorizationToken();
        return new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8).substring("AWS:".length());
    }

    private static String basic(String password) {
        return "Basic " + Base64.getEncoder().encodeToString(("AWS:" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("https://" + testbed.registryHost() + path));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

}
