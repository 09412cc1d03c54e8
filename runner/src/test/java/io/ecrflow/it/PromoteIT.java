package io.ecrflow.it;

import io.ecrflow.testbed.registry.DeniedRequest;
import io.ecrflow.testbed.registry.RegistryRequest;
import io.ecrflow.testbed.ecr.RepositorySettings;
import io.ecrflow.testbed.apps.SampleApp;
import io.ecrflow.testbed.TestbedAccount;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.Image;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code promote} against the test bed, counted at its registry fronts: a retag within a repository is one
 * manifest PUT per tag; another repository of the registry gets each blob it lacks by one streamed copy, never by a
 * cross-repository mount (ECR's are off unless the account enables them); another account's registry gets each blob once; the digest
 * never changes, an index arrives whole, and an immutable tag holding another image stops the promotion.
 */
class PromoteIT extends TestBedTest {
    /**
     * The sample app's config and three layers; on the current engine, the config and layer of BuildKit's provenance
     * attestation beside it too.
     */
    private static final int SAMPLE_BLOBS = onCurrentEngine() ? 6 : 4;

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Builds and pushes a sample image of its own content; returns its digest. */
    private String pushSample(String repository, String tag) throws Exception {
        Path context = Files.createDirectories(work.resolve(unique("ctx")));
        SampleApp.create(context, unique("promote"));
        RunResult pushed = runner("build-push", "--repository", repository, "--context", "src", "--tags", tag)
                .env(TestBedFixture.awsEnvironment()).in(context).run();
        assertThat(pushed.exitCode()).as(pushed.toString()).isZero();
        return pushed.outputs().get("digest");
    }

    private RunResult promote(String... arguments) throws Exception {
        String[] all = new String[arguments.length + 1];
        all[0] = "promote";
        System.arraycopy(arguments, 0, all, 1, arguments.length);
        return runner(all).env(TestBedFixture.awsEnvironment()).env("TF_BUILD", "True").in(work).run();
    }

    /** The requests made since {@code mark} ({@code registryRequests().size()} then) that {@code filter} lets through. */
    private static List<RegistryRequest> since(int mark, Predicate<RegistryRequest> filter) {
        List<RegistryRequest> all = testbed.registryRequests();
        return all.subList(mark, all.size()).stream().filter(filter).toList();
    }

    private static Predicate<RegistryRequest> in(String repository) {
        return request -> request.repository().equals(repository);
    }

    @Test
    void withinARepositoryEachTagIsOneManifestPutAndNothingElseIsWrittenTheSourceNamedByATagTemplate() throws Exception {
        String repository = unique("team/promote-same");
        String digest = pushSample(repository, "1a2b3c4d");
        int mark = testbed.registryRequests().size();

        // the release stage names the image by the template build-push tagged the commit with
        RunResult result = runner("promote", "--source-repository", repository, "--source-tag", "$(Build.SourceVersion:8)",
                "--tags", "prod,stable").env(TestBedFixture.awsEnvironment()).env("TF_BUILD", "True")
                .env("BUILD_SOURCEVERSION", "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d").in(work).run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outputs()).containsEntry("digest", digest).containsEntry("tags", "prod,stable")
                .containsEntry("imageUri", testbed.registryHost() + "/" + repository + ":prod");
        assertThat(testbed.manifestDigest(repository, "prod")).contains(digest);
        assertThat(testbed.manifestDigest(repository, "stable")).contains(digest);
        List<RegistryRequest> requests = since(mark, in(repository));
        assertThat(requests).filteredOn(RegistryRequest::isManifestWrite).extracting(RegistryRequest::reference)
                .containsExactly("prod", "stable");
        assertThat(requests).noneMatch(RegistryRequest::isBlob);
        assertThat(result.stdout()).as("the run summary, in the log").contains("| Tags | `prod`, `stable` |",
                "| Repository | found: tags mutable, scan on push off, encryption AES256 |", "| Size | ");
    }

    @Test
    void toAnotherRepositoryOfTheRegistryEachBlobIsAskedForThenCopiedAndNeverMounted() throws Exception {
        String source = unique("team/promote-src");
        String target = unique("team/promote-dst");
        String digest = pushSample(source, "v1");
        int mark = testbed.registryRequests().size();
        // with mounts on, a mount the runner asked for would be answered 201: every upload's 202 proves none was
        testbed.blobMounting(true);
        RunResult result;
        try {
            result = promote("--source-repository", source, "--source-tag", "v1", "--repository", target,
                    "--tags", "v1,latest");
        } finally {
            testbed.blobMounting(false);
        }

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(testbed.repository(target)).isPresent();
        assertThat(testbed.manifestDigest(target, "v1")).contains(digest);
        assertThat(testbed.manifestDigest(target, "latest")).contains(digest);
        List<String> blobRequests = since(mark, in(target).and(r -> r.isBlob()))
                .stream().map(r -> r.method() + " " + r.kind() + " " + r.status()).toList();
        List<String> eachBlob = List.of("HEAD BLOB 404", "POST UPLOAD 202", "PUT UPLOAD 201");
        assertThat(blobRequests).as("each blob: asked for, then one monolithic upload").hasSize(3 * SAMPLE_BLOBS);
        for (int blob = 0; blob < SAMPLE_BLOBS; blob++) {
            assertThat(blobRequests.subList(3 * blob, 3 * blob + 3)).isEqualTo(eachBlob);
        }
        assertThat(since(mark, in(source).and(r -> r.kind().equals("BLOB") && r.method().equals("GET"))))
                .hasSize(SAMPLE_BLOBS);
        assertThat(result.stdout()).contains(SAMPLE_BLOBS + " copied");
        // on the current engine the image is an index: its image and attestation go first, by digest
        assertThat(since(mark, in(target).and(RegistryRequest::isManifestWrite))).extracting(RegistryRequest::reference)
                .filteredOn(reference -> !reference.startsWith("sha256:")).containsExactly("v1", "latest");
    }

    @Test
    void toAnotherAccountsRegistryEachBlobIsCopiedOnceAndTheDigestIsKept() throws Exception {
        String repository = unique("team/promote-xacct");
        String digest = pushSample(repository, "rc1");
        TestbedAccount prod = testbed.account(TestBedFixture.OTHER_ACCOUNT);
        int mark = testbed.registryRequests().size();

        RunResult result = promote("--source-repository", repository, "--source-tag", "rc1",
                "--registry-id", TestBedFixture.OTHER_ACCOUNT, "--tags", "1.0.0");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outputs()).containsEntry("digest", digest).containsEntry("registry", prod.registryHost());
        assertThat(prod.manifestDigest(repository, "1.0.0")).contains(digest);
        List<RegistryRequest> sourceReads = since(mark, in(repository).and(r -> r.kind().equals("BLOB")
                && r.method().equals("GET")));
        // both accounts' fronts log the repository name: the GETs are the source's, the PUTs the target's
        assertThat(sourceReads).hasSize(SAMPLE_BLOBS);
        assertThat(since(mark, in(repository).and(r -> r.kind().equals("UPLOAD") && r.method().equals("PUT"))))
                .hasSize(SAMPLE_BLOBS);

        // promoting again (another tag) finds every blob there and copies nothing
        int again = testbed.registryRequests().size();
        RunResult second = promote("--source-repository", repository, "--source-tag", "rc1",
                "--registry-id", TestBedFixture.OTHER_ACCOUNT, "--tags", "1.0");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(prod.manifestDigest(repository, "1.0")).contains(digest);
        assertThat(since(again, in(repository))).noneMatch(r -> r.kind().equals("UPLOAD")
                || r.kind().equals("BLOB") && r.method().equals("GET"));
        assertThat(second.stdout()).contains("holds " + digest + " already: nothing is copied");
    }

    @Test
    void aLoginThatExpiresWhileABlobIsReadForAnotherAccountIsRenewedOnceAndThePromotionCompletes() throws Exception {
        String repository = unique("team/promote-expiry");
        String digest = pushSample(repository, "rc1");
        // the login taken at the start of the promotion expires as the first blob is read
        testbed.expireRegistryPasswordsAtBlobRead(repository);
        int deniedMark = testbed.deniedRegistryRequests().size();

        RunResult result = promote("--source-repository", repository, "--source-tag", "rc1",
                "--registry-id", TestBedFixture.OTHER_ACCOUNT, "--tags", "1.0.0");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(testbed.account(TestBedFixture.OTHER_ACCOUNT).manifestDigest(repository, "1.0.0")).contains(digest);
        List<DeniedRequest> denied = testbed.deniedRegistryRequests();
        assertThat(denied.subList(deniedMark, denied.size())).as("the blob read met ECR's answer to an expired login")
                .anyMatch(refused -> refused.method().equals("GET") && refused.path().contains(repository + "/blobs/")
                        && refused.status() == 403 && refused.message().contains("token has expired"));
        assertThat(result.stdout().lines().filter(line -> line.contains("refused the login: it expired during the run. "
                + "Logging in again."))).isNotEmpty();
    }

    @Test
    void aTakenImmutableTagIsRefusedUnlessItAlreadyHoldsThatDigest() throws Exception {
        String source = unique("team/promote-src");
        String target = unique("team/promote-immutable");
        testbed.createRepository(target, RepositorySettings.defaults().immutable());
        String first = pushSample(source, "one");
        String second = pushSample(source, "two");
        RunResult promoted = promote("--source-repository", source, "--source-tag", "one", "--repository", target,
                "--tags", "prod");
        assertThat(promoted.exitCode()).as(promoted.toString()).isZero();
        int mark = testbed.registryRequests().size();

        RunResult refused = promote("--source-repository", source, "--source-tag", "two", "--repository", target,
                "--tags", "prod");

        assertThat(refused.exitCode()).isNotZero();
        assertThat(String.join("\n", refused.errors())).contains("immutable tags").contains("'prod'")
                .contains(first).contains("nothing was promoted");
        assertThat(testbed.manifestDigest(target, "prod")).contains(first);
        assertThat(since(mark, in(target))).as(refused.toString())
                .noneMatch(r -> r.isManifestWrite() || r.kind().equals("UPLOAD"));
        assertThat(second).isNotEqualTo(first);

        RunResult again = promote("--source-repository", source, "--source-tag", "one", "--repository", target,
                "--tags", "prod");

        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.outputs()).containsEntry("digest", first).containsEntry("tags", "prod");
        assertThat(again.stdout()).contains("prod already holds " + first);
        assertThat(since(mark, in(target))).noneMatch(RegistryRequest::isManifestWrite);
    }

    @Test
    void aMultiArchIndexArrivesWholeInAnotherAccountImagesFirst() throws Exception {
        String repository = unique("team/promote-index");
        String amd64 = pushSample(repository, "amd64");
        String arm64 = pushSample(repository, "arm64");
        String index = putIndex(repository, "multi", amd64, arm64);
        TestbedAccount prod = testbed.account(TestBedFixture.OTHER_ACCOUNT);
        int mark = testbed.registryRequests().size();

        RunResult result = promote("--source-repository", repository, "--source-tag", "multi",
                "--registry-id", TestBedFixture.OTHER_ACCOUNT, "--tags", "multi");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outputs()).containsEntry("digest", index);
        assertThat(prod.manifestDigest(repository, "multi")).contains(index);
        assertThat(prod.manifestDigest(repository, amd64)).contains(amd64);
        assertThat(prod.manifestDigest(repository, arm64)).contains(arm64);
        List<String> writes = since(mark, in(repository).and(RegistryRequest::isManifestWrite)).stream()
                .map(RegistryRequest::reference).toList();
        if (onCurrentEngine()) {
            // each of its images is an index itself there (the image and its attestation), written whole first
            assertThat(writes).hasSize(7).containsSubsequence(amd64, arm64, "multi").endsWith("multi");
        } else {
            assertThat(writes).containsExactly(amd64, arm64, "multi");
        }
    }

    /** Writes an OCI index over two images of the repository with ECR's PutImage, as a multi-arch push leaves it. */
    private static String putIndex(String repository, String tag, String first, String second) {
        try (EcrClient ecr = EcrClient.builder().endpointOverride(testbed.ecrEndpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        TestBedFixture.ACCESS_KEY_ID, TestBedFixture.SECRET_ACCESS_KEY)))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            List<Image> images = ecr.batchGetImage(b -> b.repositoryName(repository)
                    .imageIds(i -> i.imageDigest(first), i -> i.imageDigest(second))).images();
            String entries = String.join(",", entry(images.get(0), "amd64"), entry(images.get(1), "arm64"));
            String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                    + "\"manifests\":[" + entries + "]}";
            return ecr.putImage(b -> b.repositoryName(repository).imageTag(tag).imageManifest(manifest)
                    .imageManifestMediaType("application/vnd.oci.image.index.v1+json")).image().imageId().imageDigest();
        }
    }

    private static String entry(Image image, String architecture) {
        return "{\"mediaType\":\"" + image.imageManifestMediaType() + "\",\"digest\":\"" + image.imageId().imageDigest()
                + "\",\"size\":" + image.imageManifest().getBytes(StandardCharsets.UTF_8).length
                + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"" + architecture + "\"}}";
    }
}
