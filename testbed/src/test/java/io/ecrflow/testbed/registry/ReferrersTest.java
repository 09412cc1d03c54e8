package io.ecrflow.testbed.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecrflow.testbed.AwsClients;
import io.ecrflow.testbed.EcrTestbed;
import io.ecrflow.testbed.RegistryPushes;
import io.ecrflow.testbed.aws.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OCI 1.1 in the registry front, as ECR serves it: a manifest with {@code subject} and {@code artifactType} is stored
 * and served as given, the referrers API lists it (filtered by artifact type on request), and a referrer of an image
 * index is refused. A plain HTTP client over TLS, as a registry client such as ORAS or BuildKit meets the front.
 */
class ReferrersTest {
    private static final String REPOSITORY = "oci/referrers";
    private static final String EMPTY_CONFIG = "application/vnd.oci.empty.v1+json";
    private static final String SBOM = "application/spdx+json";
    private static final String SIGNATURE = "application/vnd.dev.cosign.artifact.sig.v1+json";

    @RegisterExtension
    static final EcrTestbed bed = EcrTestbed.standard();
    private static RegistryPushes pushes;
    private static Pushed image;

    /** A manifest in the repository: what a subject descriptor names. */
    private record Pushed(String digest, int size) {
    }

    @BeforeAll
    static void start() throws Exception {
        pushes = new RegistryPushes(bed.testbed(), bed.ecr());
        bed.testbed().createRepository(REPOSITORY);
        image = pushImage("subject");
    }

    @Test
    void anArtifactPushedWithASubjectIsStoredAsGivenAndListedAsAReferrerOfItsSubject() throws Exception {
        String sbom = artifact(SBOM, image, Manifest.OCI_MANIFEST, "sbom");

        HttpResponse<String> pushed = pushes.putManifest(REPOSITORY, Manifest.digestOf(bytes(sbom)), Manifest.OCI_MANIFEST, sbom);

        assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(201);
        assertThat(pushed.headers().firstValue("OCI-Subject")).contains(image.digest());
        HttpResponse<String> served = pushes.get("/v2/" + REPOSITORY + "/manifests/" + Manifest.digestOf(bytes(sbom)),
                Manifest.OCI_MANIFEST);
        assertThat(served.body()).isEqualTo(sbom);
        HttpResponse<String> listed = pushes.get("/v2/" + REPOSITORY + "/referrers/" + image.digest(), Manifest.OCI_INDEX);
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.headers().firstValue("Content-Type")).contains(Manifest.OCI_INDEX);
        assertThat(listed.headers().firstValue("OCI-Filters-Applied")).isEmpty();
        JsonNode index = Json.MAPPER.readTree(listed.body());
        assertThat(index.path("schemaVersion").asInt()).isEqualTo(2);
        assertThat(index.path("mediaType").asText()).isEqualTo(Manifest.OCI_INDEX);
        JsonNode descriptor = findDescriptor(index, Manifest.digestOf(bytes(sbom)));
        assertThat(descriptor.path("mediaType").asText()).isEqualTo(Manifest.OCI_MANIFEST);
        assertThat(descriptor.path("size").asLong()).isEqualTo(bytes(sbom).length);
        assertThat(descriptor.path("artifactType").asText()).isEqualTo(SBOM);
        assertThat(descriptor.path("annotations").path("org.opencontainers.image.description").asText()).isEqualTo("sbom");
    }

    @Test
    void theReferrersCanBeFilteredByArtifactTypeAndTheAnswerSaysSo() throws Exception {
        Pushed subject = pushImage("filtered");
        String sbom = artifact(SBOM, subject, Manifest.OCI_MANIFEST, "filtered sbom");
        String signature = artifact(SIGNATURE, subject, Manifest.OCI_MANIFEST, "filtered signature");
        assertThat(pushes.putManifest(REPOSITORY, Manifest.digestOf(bytes(sbom)), Manifest.OCI_MANIFEST, sbom).statusCode())
                .isEqualTo(201);
        assertThat(pushes.putManifest(REPOSITORY, Manifest.digestOf(bytes(signature)), Manifest.OCI_MANIFEST, signature)
                .statusCode()).isEqualTo(201);

        JsonNode all = Json.MAPPER.readTree(pushes.get("/v2/" + REPOSITORY + "/referrers/" + subject.digest(), Manifest.OCI_INDEX).body());
        HttpResponse<String> filtered = pushes.get("/v2/" + REPOSITORY + "/referrers/" + subject.digest() + "?artifactType="
                + java.net.URLEncoder.encode(SIGNATURE, StandardCharsets.UTF_8), Manifest.OCI_INDEX);

        assertThat(all.path("manifests").findValuesAsText("artifactType")).containsExactly(SBOM, SIGNATURE);
        assertThat(filtered.statusCode()).isEqualTo(200);
        assertThat(filtered.headers().firstValue("OCI-Filters-Applied")).contains("artifactType");
        JsonNode only = Json.MAPPER.readTree(filtered.body()).path("manifests");
        assertThat(only).hasSize(1);
        assertThat(only.get(0).path("digest").asText()).isEqualTo(Manifest.digestOf(bytes(signature)));
    }

    @Test
    void aDigestNothingRefersToHasAnEmptyListNotAnError() throws Exception {
        HttpResponse<String> listed = pushes.get("/v2/" + REPOSITORY + "/referrers/sha256:" + "0".repeat(64), Manifest.OCI_INDEX);

        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(listed.body()).path("manifests")).isEmpty();
    }

    @Test
    void aReferrerWhoseSubjectIsAnIndexIsRefusedAsEcrRefusesIt() throws Exception {
        String index = "{\"schemaVersion\":2,\"mediaType\":\"" + Manifest.OCI_INDEX + "\",\"manifests\":[{\"mediaType\":\""
                + Manifest.OCI_MANIFEST + "\",\"digest\":\"" + image.digest() + "\",\"size\":" + image.size()
                + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
        assertThat(pushes.putManifest(REPOSITORY, "multi", Manifest.OCI_INDEX, index).statusCode()).isEqualTo(201);
        String indexDigest = Manifest.digestOf(bytes(index));
        String sbom = artifact(SBOM, new Pushed(indexDigest, bytes(index).length), Manifest.OCI_INDEX, "sbom of an index");

        HttpResponse<String> refused = pushes.putManifest(REPOSITORY, Manifest.digestOf(bytes(sbom)), Manifest.OCI_MANIFEST, sbom);

        assertThat(refused.statusCode()).isEqualTo(405);
        assertThat(bed.testbed().registryRequests()).anySatisfy(request -> {
            assertThat(request.reference()).isEqualTo(Manifest.digestOf(bytes(sbom)));
            assertThat(request.status()).isEqualTo(405);
        });
        assertThat(pushes.get("/v2/" + REPOSITORY + "/manifests/" + Manifest.digestOf(bytes(sbom)), Manifest.OCI_MANIFEST)
                .statusCode()).isEqualTo(404);
        assertThat(Json.MAPPER.readTree(pushes.get("/v2/" + REPOSITORY + "/referrers/" + indexDigest, Manifest.OCI_INDEX)
                .body()).path("manifests")).isEmpty();
    }

    /** An image of one layer, put under {@code tag}. */
    private static Pushed pushImage(String tag) throws Exception {
        byte[] layer = tag.getBytes(StandardCharsets.UTF_8);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + Manifest.digestOf(layer) + "\"]}}").getBytes(StandardCharsets.UTF_8);
        pushes.uploadBlob(REPOSITORY, layer);
        pushes.uploadBlob(REPOSITORY, config);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + Manifest.OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + Manifest.digestOf(config) + "\",\"size\":"
                + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
                + Manifest.digestOf(layer) + "\",\"size\":" + layer.length + "}]}";
        HttpResponse<String> pushed = pushes.putManifest(REPOSITORY, tag, Manifest.OCI_MANIFEST, manifest);
        assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(201);
        return new Pushed(Manifest.digestOf(bytes(manifest)), bytes(manifest).length);
    }

    /** An OCI 1.1 artifact: the empty config, one blob of {@code artifactType}, and a subject. */
    private static String artifact(String artifactType, Pushed subject, String subjectType, String description)
            throws Exception {
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        byte[] content = ("{\"description\":\"" + description + "\"}").getBytes(StandardCharsets.UTF_8);
        pushes.uploadBlob(REPOSITORY, empty);
        pushes.uploadBlob(REPOSITORY, content);
        return "{\"schemaVersion\":2,\"mediaType\":\"" + Manifest.OCI_MANIFEST + "\",\"artifactType\":\"" + artifactType
                + "\",\"config\":{\"mediaType\":\"" + EMPTY_CONFIG + "\",\"digest\":\"" + Manifest.digestOf(empty)
                + "\",\"size\":2},\"layers\":[{\"mediaType\":\"" + artifactType + "\",\"digest\":\"" + Manifest.digestOf(content)
                + "\",\"size\":" + content.length + "}],\"subject\":{\"mediaType\":\"" + subjectType + "\",\"digest\":\""
                + subject.digest() + "\",\"size\":" + subject.size() + "},\"annotations\":{\"org.opencontainers.image.description\":\""
                + description + "\"}}";
    }

    private static JsonNode findDescriptor(JsonNode index, String digest) {
        for (JsonNode descriptor : index.path("manifests")) {
            if (descriptor.path("digest").asText().equals(digest)) {
                return descriptor;
            }
        }
        throw new AssertionError(digest + " is not listed");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
