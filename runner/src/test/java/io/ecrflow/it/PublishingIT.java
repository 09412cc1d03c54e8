package io.ecrflow.it;

import io.ecrflow.testbed.registry.RegistryRequest;
import io.ecrflow.testbed.ecr.RepositorySettings;
import io.ecrflow.testbed.apps.SampleApp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.UUID;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The publishing rule end to end, counted at the test server: the layers go up once, every further tag
 * is the same manifest written under that tag (one request, no blob request), the branch tag goes last,
 * and a rerun of the same run finishes what an earlier attempt left half-done instead of failing on the
 * immutable tags it already wrote.
 */
class PublishingIT extends TestBedTest {
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    private String repository;

    @BeforeEach
    void aSampleAppAndAnImmutableRepository() throws Exception {
        SampleApp.create(work, "publish-" + UUID.randomUUID());
        Files.createDirectories(work.resolve("agent-temp"));
        repository = "team/publish-" + UUID.randomUUID().toString().substring(0, 8);
        testbed.createRepository(repository, RepositorySettings.defaults().immutable());
    }

    private RunnerProcess buildPush(String buildId, String repositoryName) {
        return runner("build-push", "--repository", repositoryName, "--context", "src",
                "--tags", "$(Build.BuildId),$(Build.SourceBranchName),$(Build.SourceVersion:8)")
                .env(TestBedFixture.awsEnvironment())
                .env(TestBedFixture.azurePipelineVariables(buildId, COMMIT))
                .env("AGENT_TEMPDIRECTORY", work.resolve("agent-temp").toString())
                .in(work);
    }

    private List<RegistryRequest> requestsTo(String repositoryName) {
        return testbed.registryRequests().stream().filter(r -> r.repository().equals(repositoryName)).toList();
    }

    @Test
    void threeTagsShareOneDigestAndEachExtraTagIsOneManifestWriteWithoutABlobRequest() throws Exception {
        // The engine pushes the same layers to another repository first: it then knows them under two names.
        String other = "team/publish-other-" + UUID.randomUUID().toString().substring(0, 8);
        RunResult elsewhere = buildPush("500", other).run();
        assertThat(elsewhere.exitCode()).as(elsewhere.toString()).isZero();

        RunResult result = buildPush("501", repository).run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        String digest = result.outputs().get("digest");
        for (String tag : List.of("501", "01234567", "login")) {
            assertThat(testbed.manifestDigest(repository, tag)).as(tag).contains(digest);
        }
        assertThat(result.outputs()).containsEntry("tags", "501,01234567,login");

        List<RegistryRequest> requests = requestsTo(repository);
        List<RegistryRequest> writes = requests.stream().filter(RegistryRequest::isManifestWrite).toList();
        if (onCurrentEngine()) {
            // the image went up by digest (the index's images, then the index), then each tag is one manifest write
            List<RegistryRequest> tagWrites = writes.stream().filter(w -> !w.reference().startsWith("sha256:")).toList();
            assertThat(tagWrites).extracting(RegistryRequest::reference).containsExactly("501", "01234567", "login");
            List<RegistryRequest> byDigest = writes.subList(0, writes.indexOf(tagWrites.get(0)));
            assertThat(byDigest).hasSizeGreaterThan(1).allMatch(w -> w.reference().startsWith("sha256:"));
            assertThat(byDigest.get(byDigest.size() - 1).reference()).isEqualTo(digest);
            assertThat(writes).extracting(RegistryRequest::status).containsOnly(201);
            assertThat(requests.subList(requests.indexOf(tagWrites.get(0)), requests.size())).noneMatch(RegistryRequest::isBlob);
            return;
        }
        assertThat(writes).extracting(RegistryRequest::reference).containsExactly("501", "01234567", "login");
        assertThat(writes).extracting(RegistryRequest::status).containsOnly(201);
        // after the engine's own manifest write, nothing but the checks of what it stored (the manifest by
        // digest, the first tag by name) and one write per further tag
        List<RegistryRequest> afterUpload = requests.subList(requests.indexOf(writes.get(0)) + 1, requests.size());
        assertThat(afterUpload).noneMatch(RegistryRequest::isBlob);
        assertThat(afterUpload).filteredOn(r -> !r.isManifestWrite())
                .extracting(r -> r.method() + " " + r.reference()).containsExactly("GET " + digest, "HEAD 501");
    }

    @Test
    void aRerunOfTheSameRunOnAnImmutableRepositorySucceedsWithTheDigestAlreadyThere() throws Exception {
        RunResult first = buildPush("510", repository).run();
        assertThat(first.exitCode()).as(first.toString()).isZero();
        int requestsBefore = requestsTo(repository).size();

        RunResult rerun = buildPush("510", repository).run();

        assertThat(rerun.exitCode()).as(rerun.toString()).isZero();
        assertThat(rerun.outputs()).containsEntry("digest", first.outputs().get("digest"))
                .containsEntry("tags", "510,01234567,login");
        assertThat(rerun.stdout()).contains("published by an earlier attempt of this run; nothing is left to publish")
                .doesNotContain("Built image");
        assertThat(requestsTo(repository).subList(requestsBefore, requestsTo(repository).size()))
                .noneMatch(r -> r.isManifestWrite() || r.isBlob() && !r.method().equals("GET"));
    }

    @Test
    void aRegistryFailingForAMomentIsTriedAgainWithOneWarningPerRetry() throws Exception {
        testbed.failManifestWrites(repository, "login", 503, 2);
        testbed.failManifestWrites(repository, "01234567", 429, 1);

        RunResult result = buildPush("515", repository).run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outputs()).containsEntry("tags", "515,01234567,login");
        assertThat(result.lines()).filteredOn(line -> line.startsWith("##vso[task.logissue type=warning;]PUT ")
                && line.contains("/manifests/login answered 503")).hasSize(2);
        assertThat(result.lines()).filteredOn(line -> line.startsWith("##vso[task.logissue type=warning;]PUT ")
                && line.contains("/manifests/01234567 answered 429 (TOOMANYREQUESTS: Rate exceeded), the registry is "
                + "throttling requests") && line.contains("(attempt 2 of 5)")).hasSize(1);
        String digest = testbed.manifestDigest(repository, "515").orElseThrow();
        assertThat(testbed.manifestDigest(repository, "login")).contains(digest);
    }

    @Test
    void aRunWhoseLastTagFailedIsFinishedByItsRerunWithoutRebuilding() throws Exception {
        // every attempt at the branch tag, the last one published, fails as a registry failing half-way would
        testbed.failManifestWrites(repository, "login", 503, 5);

        RunResult failed = buildPush("520", repository).run();

        assertThat(failed.exitCode()).isNotZero();
        assertThat(String.join("\n", failed.errors())).contains(":login (503").contains("after 5 attempts")
                .contains("Tags already in the registry").contains("520, 01234567")
                .contains("Run the step again");
        String digest = testbed.manifestDigest(repository, "520").orElseThrow();
        assertThat(testbed.tagsOf(repository)).containsExactlyInAnyOrder("520", "01234567");

        RunResult rerun = buildPush("520", repository).run();

        assertThat(rerun.exitCode()).as(rerun.toString()).isZero();
        assertThat(rerun.outputs()).containsEntry("digest", digest).containsEntry("tags", "520,01234567,login");
        assertThat(rerun.stdout()).contains("adding login without rebuilding").doesNotContain("Built image");
        assertThat(testbed.manifestDigest(repository, "login")).contains(digest);
    }

    @Test
    void anotherRunOfTheSameCommitIsStillRefusedOnATakenImmutableTag() throws Exception {
        RunResult first = buildPush("530", repository).run();
        assertThat(first.exitCode()).as(first.toString()).isZero();

        // a new run (new build id) of the same commit and branch: the branch tag is taken by run 530
        RunResult other = buildPush("531", repository).run();

        assertThat(other.exitCode()).isNotZero();
        assertThat(String.join("\n", other.errors())).contains("already holds '01234567', 'login' with an image of another run");
        assertThat(testbed.tagsOf(repository)).containsExactlyInAnyOrder("530", "01234567", "login");
    }
}
