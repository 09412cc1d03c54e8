package io.ecrflow.it;

import io.ecrflow.testbed.ecr.RepositoryState;
import io.ecrflow.testbed.apps.SampleApp;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.UUID;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tag-mutability exclusions end to end: build-push creates the repository with ECR's filters, the test
 * server enforces them, and the run asks of each tag whether it may move: a version tag never does,
 * 'latest' moves to every new build.
 */
class TagMutabilityIT extends TestBedTest {
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    private RunnerProcess buildPush(String repository, String buildId, String tags) throws Exception {
        // each build a different image: a new marker in the sample app
        SampleApp.create(work.resolve("app-" + buildId), "mutability-" + buildId + "-" + UUID.randomUUID());
        Files.createDirectories(work.resolve("agent-temp"));
        return runner("build-push", "--repository", repository, "--context", "app-" + buildId + "/src", "--tags", tags,
                "--tag-mutability", "IMMUTABLE_WITH_EXCLUSION", "--mutability-exclusions", "latest")
                .env(TestBedFixture.awsEnvironment())
                .env(TestBedFixture.azurePipelineVariables(buildId, COMMIT))
                .env("AGENT_TEMPDIRECTORY", work.resolve("agent-temp").toString())
                .in(work);
    }

    @Test
    void versionTagsNeverMoveAndLatestMovesToEveryNewBuild() throws Exception {
        String repository = "team/mutability-" + UUID.randomUUID().toString().substring(0, 8);

        RunResult first = buildPush(repository, "701", "$(Build.BuildId),latest").run();
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.stdout()).contains("tags immutable except latest");
        RepositoryState created = testbed.repository(repository).orElseThrow();
        assertThat(created.mutability()).isEqualTo("IMMUTABLE_WITH_EXCLUSION");
        assertThat(created.mutabilityExclusions()).containsExactly("latest");
        String digest701 = first.outputs().get("digest");

        // latest already holds 701's image: it is not taken for an immutable tag of another run
        RunResult second = buildPush(repository, "702", "$(Build.BuildId),latest").run();
        assertThat(second.exitCode()).as(second.toString()).isZero();
        String digest702 = second.outputs().get("digest");
        assertThat(digest702).isNotEqualTo(digest701);
        assertThat(testbed.manifestDigest(repository, "latest")).contains(digest702);

        RunResult third = buildPush(repository, "703", "701,latest").run();
        assertThat(third.exitCode()).as(third.toString()).isNotZero();
        assertThat(third.stdout()).contains("'701'").contains("immutable").doesNotContain("'latest'");
        assertThat(testbed.manifestDigest(repository, "701")).contains(digest701);
        assertThat(testbed.manifestDigest(repository, "latest")).contains(digest702);
        assertThat(testbed.tagsOf(repository)).containsExactlyInAnyOrderElementsOf(List.of("701", "702", "latest"));

        // promote asks the same of each tag: latest may go back to 701, 702 may not take 701's image
        RunResult back = promote(repository, "701", "latest").run();
        assertThat(back.exitCode()).as(back.toString()).isZero();
        assertThat(testbed.manifestDigest(repository, "latest")).contains(digest701);
        RunResult refused = promote(repository, "701", "702").run();
        assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
        assertThat(String.join("\n", refused.errors())).contains("'702'").contains("immutable except latest");
        assertThat(testbed.manifestDigest(repository, "702")).contains(digest702);
    }

    private RunnerProcess promote(String repository, String sourceTag, String tags) {
        return runner("promote", "--source-repository", repository, "--source-tag", sourceTag, "--tags", tags)
                .env(TestBedFixture.awsEnvironment())
                .env(TestBedFixture.azurePipelineVariables("704", COMMIT))
                .in(work);
    }
}
