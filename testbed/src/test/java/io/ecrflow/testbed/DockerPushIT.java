package io.ecrflow.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.BatchGetImageResponse;
import software.amazon.awssdk.services.ecr.model.ImageAlreadyExistsException;
import software.amazon.awssdk.services.ecr.model.ImageDetail;
import software.amazon.awssdk.services.ecr.model.ImageNotFoundException;
import software.amazon.awssdk.services.ecr.model.ImageTagAlreadyExistsException;
import software.amazon.awssdk.services.ecr.model.ImageTagMutability;
import software.amazon.awssdk.services.ecr.model.ImageTagMutabilityExclusionFilterType;
import software.amazon.awssdk.services.ecr.model.RepositoryNotEmptyException;

/** The real docker CLI and Docker Engine pushing through the testbed's registry front. */
class DockerPushIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String IMAGE_A = "ecrflow-testbed-test/a:" + RUN;
    private static final String IMAGE_B = "ecrflow-testbed-test/b:" + RUN;

    private static Testbed testbed;
    private static EcrClient ecr;
    private static DockerCli docker;
    private static final List<String> builtImageIds = new ArrayList<>();

    @TempDir
    static Path shared;

    @BeforeAll
    static void start() throws Exception {
        testbed = Testbed.start(AwsClients.config());
        ecr = AwsClients.ecr(testbed);
        docker = new DockerCli(shared.resolve("docker-config"));
        build(shared.resolve("a"), "image a", IMAGE_A);
        build(shared.resolve("b"), "image b", IMAGE_B);
    }

    private static void build(Path context, String marker, String tag) throws Exception {
        DockerCli.Result build = docker.buildBusyboxImage(context, marker, tag);
        assertThat(build.succeeded()).as(build.output()).isTrue();
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("sha256:[0-9a-f]{64}").matcher(build.output());
        assertThat(id.find()).as(build.output()).isTrue();
        builtImageIds.add(id.group());
    }

    /** Removing by id drops every tag and repository digest the pushes left on the engine. */
    @AfterAll
    static void stop() {
        if (!builtImageIds.isEmpty()) {
            List<String> rmi = new ArrayList<>(List.of("rmi", "--force"));
            rmi.addAll(builtImageIds);
            docker.run(rmi.toArray(String[]::new));
        }
        ecr.close();
        testbed.close();
    }

    @Test
    void pushAfterLoginStoresTheImageAndEcrDescribesIt(@TempDir Path config) {
        ecr.createRepository(r -> r.repositoryName("app/web"));
        DockerCli client = loggedIn(config);

        String ref = tagged(IMAGE_A, "app/web", "1.0");
        DockerCli.Result push = client.run("push", ref);

        assertThat(push.succeeded()).as(push.output()).isTrue();
        assertThat(testbed.tagsOf("app/web")).containsExactly("1.0");
        String digest = testbed.manifestDigest("app/web", "1.0").orElseThrow();
        assertThat(push.output()).contains(digest);

        ImageDetail detail = ecr.describeImages(r -> r.repositoryName("app/web").imageIds(id -> id.imageTag("1.0")))
                .imageDetails().get(0);
        assertThat(detail.imageDigest()).isEqualTo(digest);
        assertThat(detail.imageTags()).containsExactly("1.0");
        assertThat(detail.registryId()).isEqualTo("123456789012");
        assertThat(detail.imageSizeInBytes()).isGreaterThan(100_000L);
        assertThat(detail.imageManifestMediaType()).isEqualTo("application/vnd.docker.distribution.manifest.v2+json");
        assertThat(detail.imagePushedAt()).isBetween(Instant.now().minusSeconds(120), Instant.now().plusSeconds(1));
    }

    @Test
    void imageCanBeRetaggedWithoutPullingThroughBatchGetImageAndPutImage(@TempDir Path config) {
        ecr.createRepository(r -> r.repositoryName("app/retag"));
        assertThat(loggedIn(config).run("push", tagged(IMAGE_A, "app/retag", "build-7")).succeeded()).isTrue();

        BatchGetImageResponse got = ecr.batchGetImage(r -> r.repositoryName("app/retag")
                .imageIds(id -> id.imageTag("build-7"), id -> id.imageTag("missing")));
        String manifest = got.images().get(0).imageManifest();
        assertThat(sha256(manifest)).isEqualTo(got.images().get(0).imageId().imageDigest());
        assertThat(got.failures()).singleElement()
                .satisfies(failure -> assertThat(failure.failureCodeAsString()).isEqualTo("ImageNotFound"));

        ecr.putImage(r -> r.repositoryName("app/retag").imageTag("main").imageManifest(manifest));

        assertThat(testbed.tagsOf("app/retag")).containsExactly("build-7", "main");
        assertThat(ecr.describeImages(r -> r.repositoryName("app/retag")).imageDetails())
                .singleElement()
                .satisfies(image -> assertThat(image.imageTags()).containsExactlyInAnyOrder("build-7", "main"));
        assertThatThrownBy(() -> ecr.putImage(r -> r.repositoryName("app/retag").imageTag("main").imageManifest(manifest)))
                .isInstanceOf(ImageAlreadyExistsException.class);
        assertThatThrownBy(() -> ecr.describeImages(r -> r.repositoryName("app/retag").imageIds(id -> id.imageTag("nope"))))
                .isInstanceOf(ImageNotFoundException.class)
                .hasMessageContaining("does not exist within the repository with name 'app/retag'");
        assertThatThrownBy(() -> ecr.deleteRepository(r -> r.repositoryName("app/retag")))
                .isInstanceOf(RepositoryNotEmptyException.class);
        ecr.deleteRepository(r -> r.repositoryName("app/retag").force(true));
        assertThat(testbed.repository("app/retag")).isEmpty();
    }

    @Test
    void pushWithoutLoginIsRefused(@TempDir Path config) {
        ecr.createRepository(r -> r.repositoryName("app/anonymous"));

        DockerCli.Result push = new DockerCli(config).run("push", tagged(IMAGE_A, "app/anonymous", "1"));

        assertThat(push.succeeded()).isFalse();
        assertThat(push.output()).containsIgnoringCase("no basic auth credentials");
        assertThat(testbed.tagsOf("app/anonymous")).isEmpty();
        assertThat(testbed.deniedRegistryRequests())
                .anySatisfy(denied -> assertThat(denied.code()).isEqualTo("UNAUTHORIZED"));
    }

    @Test
    void pushToARepositoryNeverCreatedEndsInAnEofAsECRsDoes(@TempDir Path config) {
        DockerCli.Result push = loggedIn(config).run("push", tagged(IMAGE_A, "never/created", "1"));

        assertThat(push.succeeded()).isFalse();
        // ECR closes the connection of an upload into a repository that does not exist (aws/containers-roadmap#1970)
        assertThat(push.output()).contains("EOF").doesNotContain("name unknown");
        assertThat(testbed.uploadsStarted("never/created")).isPositive();
        assertThat(testbed.tagsOf("never/created")).isEmpty();
    }

    @Test
    void immutableRepositoryRefusesEveryPushOfATagOnceItExistsTheSameImageToo(@TempDir Path config) {
        ecr.createRepository(r -> r.repositoryName("app/fixed").imageTagMutability(ImageTagMutability.IMMUTABLE));
        DockerCli client = loggedIn(config);
        String first = tagged(IMAGE_A, "app/fixed", "v1");
        assertThat(client.run("push", first).succeeded()).isTrue();
        String digest = testbed.manifestDigest("app/fixed", "v1").orElseThrow();

        DockerCli.Result again = client.run("push", first);
        DockerCli.Result other = client.run("push", tagged(IMAGE_B, "app/fixed", "v1"));

        assertThat(again.succeeded()).as("ECR refuses the identical manifest too").isFalse();
        assertThat(again.output()).contains("The image tag 'v1' already exists in the 'app/fixed' repository "
                + "and cannot be overwritten because the repository is immutable.");
        assertThat(other.succeeded()).isFalse();
        assertThat(other.output()).contains("The image tag 'v1' already exists in the 'app/fixed' repository "
                + "and cannot be overwritten because the repository is immutable.");
        assertThat(testbed.manifestDigest("app/fixed", "v1")).contains(digest);
    }

    @Test
    void exclusionFiltersLetOnlyTheExcludedTagsMoveOnPushAndPutImage(@TempDir Path config) {
        ecr.createRepository(r -> r.repositoryName("app/versions")
                .imageTagMutability(ImageTagMutability.IMMUTABLE_WITH_EXCLUSION)
                .imageTagMutabilityExclusionFilters(f -> f.filterType(ImageTagMutabilityExclusionFilterType.WILDCARD)
                        .filter("latest"), f -> f.filterType(ImageTagMutabilityExclusionFilterType.WILDCARD).filter("6.*")));
        DockerCli client = loggedIn(config);
        for (String tag : List.of("1.0.0", "latest", "6.0")) {
            assertThat(client.run("push", tagged(IMAGE_A, "app/versions", tag)).succeeded()).as(tag).isTrue();
        }
        String digestA = testbed.manifestDigest("app/versions", "1.0.0").orElseThrow();
        assertThat(client.run("push", tagged(IMAGE_B, "app/versions", "1.1.0")).succeeded()).isTrue();
        String digestB = testbed.manifestDigest("app/versions", "1.1.0").orElseThrow();

        DockerCli.Result movedLatest = client.run("push", tagged(IMAGE_B, "app/versions", "latest"));
        DockerCli.Result movedVersion = client.run("push", tagged(IMAGE_B, "app/versions", "1.0.0"));
        String manifestB = ecr.batchGetImage(r -> r.repositoryName("app/versions").imageIds(id -> id.imageTag("1.1.0")))
                .images().get(0).imageManifest();
        ecr.putImage(r -> r.repositoryName("app/versions").imageTag("6.0").imageManifest(manifestB));

        assertThat(movedLatest.succeeded()).as(movedLatest.output()).isTrue();
        assertThat(testbed.manifestDigest("app/versions", "latest")).contains(digestB);
        assertThat(testbed.manifestDigest("app/versions", "6.0")).contains(digestB);
        assertThat(movedVersion.succeeded()).isFalse();
        assertThat(movedVersion.output()).contains("The image tag '1.0.0' already exists");
        assertThatThrownBy(() -> ecr.putImage(r -> r.repositoryName("app/versions").imageTag("1.0.0").imageManifest(manifestB)))
                .isInstanceOf(ImageTagAlreadyExistsException.class);
        assertThat(testbed.manifestDigest("app/versions", "1.0.0")).contains(digestA);
    }

    @Test
    void putImageCannotMoveATagInAnImmutableRepository(@TempDir Path config) {
        ecr.createRepository(r -> r.repositoryName("app/locked").imageTagMutability(ImageTagMutability.IMMUTABLE));
        DockerCli client = loggedIn(config);
        assertThat(client.run("push", tagged(IMAGE_A, "app/locked", "v1")).succeeded()).isTrue();
        assertThat(client.run("push", tagged(IMAGE_B, "app/locked", "v2")).succeeded()).isTrue();
        String manifestB = ecr.batchGetImage(r -> r.repositoryName("app/locked").imageIds(id -> id.imageTag("v2")))
                .images().get(0).imageManifest();

        assertThatThrownBy(() -> ecr.putImage(r -> r.repositoryName("app/locked").imageTag("v1").imageManifest(manifestB)))
                .isInstanceOf(ImageTagAlreadyExistsException.class)
                .hasMessageContaining("cannot be overwritten because the repository is immutable");
        assertThat(testbed.manifestDigest("app/locked", "v1")).isNotEqualTo(testbed.manifestDigest("app/locked", "v2"));
    }

    @Test
    void expiredPasswordIsDeniedUntilTheClientLogsInAgain(@TempDir Path config) {
        ecr.createRepository(r -> r.repositoryName("app/expiring"));
        DockerCli client = loggedIn(config);
        testbed.expireRegistryPasswords();

        DockerCli.Result push = client.run("push", tagged(IMAGE_A, "app/expiring", "1"));

        assertThat(push.succeeded()).isFalse();
        assertThat(push.output()).contains("Your authorization token has expired. Reauthenticate and try again.");
        assertThat(testbed.deniedRegistryRequests()).anySatisfy(denied -> {
            assertThat(denied.status()).isEqualTo(403);
            assertThat(denied.code()).isEqualTo("DENIED");
        });
        assertThat(loggedIn(config).run("push", tagged(IMAGE_A, "app/expiring", "1")).succeeded()).isTrue();
    }

    /** A docker client logged in with a fresh GetAuthorizationToken password, as the runner will do it. */
    private static DockerCli loggedIn(Path config) {
        String token = ecr.getAuthorizationToken().authorizationData().get(0).authorizationToken();
        String password = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8).substring("AWS:".length());
        DockerCli client = new DockerCli(config);
        DockerCli.Result login = client.login(testbed.registryHost(), password);
        assertThat(login.succeeded()).as(login.output()).isTrue();
        return client;
    }

    private static String tagged(String image, String repository, String tag) {
        String ref = testbed.registryHost() + "/" + repository + ":" + tag;
        DockerCli.Result result = docker.run("tag", image, ref);
        assertThat(result.succeeded()).as(result.output()).isTrue();
        return ref;
    }

    private static String sha256(String text) {
        try {
            return "sha256:" + HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
