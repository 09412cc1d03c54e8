package io.ecrflow.tagging;

import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.RunValues;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class OciLabelsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-03-05T06:07:08.912Z"), ZoneId.of("Europe/Berlin"));

    @Test
    void labelsTheImageWithCommitRepositoryTimeAndBuild() {
        Environment agent = Environment.of(Map.of(
                "BUILD_SOURCEVERSION", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
                "BUILD_REPOSITORY_URI", "https://github.com/example/app",
                "BUILD_BUILDID", "1234",
                "BUILD_BUILDNUMBER", "20240305.1"));

        assertThat(OciLabels.from(name -> RunValues.AZURE.lookup(name, agent), CLOCK)).containsExactly(
                entry("org.opencontainers.image.revision", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b"),
                entry("org.opencontainers.image.source", "https://github.com/example/app"),
                entry("org.opencontainers.image.created", "2024-03-05T06:07:08Z"),
                entry("org.opencontainers.image.version", "20240305.1"));
    }

    @Test
    void labelsOnlyTheCreationTimeOutsideAPipeline() {
        assertThat(OciLabels.from(name -> Optional.empty(), CLOCK))
                .containsExactly(entry("org.opencontainers.image.created", "2024-03-05T06:07:08Z"));
    }

    @Test
    void leavesUserInformationOutOfTheSourceUri() {
        Environment agent = Environment.of(Map.of("BUILD_REPOSITORY_URI", "https://example@dev.azure.com/example/app/_git/app"));

        assertThat(OciLabels.from(name -> RunValues.AZURE.lookup(name, agent), CLOCK))
                .containsEntry("org.opencontainers.image.source", "https://dev.azure.com/example/app/_git/app");
    }

    @Test
    void labelsImagesFromTheVariablesOfGitHubCircleCiAndCodeBuild() {
        Environment github = Environment.of(Map.of("GITHUB_SHA", "0a1b2c3d", "GITHUB_SERVER_URL", "https://github.com",
                "GITHUB_REPOSITORY", "example/web", "GITHUB_RUN_NUMBER", "31"));
        Environment circleCi = Environment.of(Map.of("CIRCLE_SHA1", "9f86d081", "CIRCLE_BUILD_NUM", "77",
                "CIRCLE_REPOSITORY_URL", "git@github.com:example/web.git"));
        Environment codeBuild = Environment.of(Map.of("CODEBUILD_RESOLVED_SOURCE_VERSION", "fedcba98",
                "CODEBUILD_SOURCE_REPO_URL", "https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/web",
                "CODEBUILD_BUILD_NUMBER", "12"));

        assertThat(OciLabels.from(name -> RunValues.GITHUB.lookup(name, github), CLOCK)).contains(
                entry(OciLabels.REVISION, "0a1b2c3d"), entry(OciLabels.SOURCE, "https://github.com/example/web"),
                entry(OciLabels.VERSION, "31"));
        assertThat(OciLabels.from(name -> RunValues.CIRCLECI.lookup(name, circleCi), CLOCK)).contains(
                entry(OciLabels.REVISION, "9f86d081"), entry(OciLabels.SOURCE, "https://github.com/example/web"),
                entry(OciLabels.VERSION, "77"));
        assertThat(OciLabels.from(name -> RunValues.CODEBUILD.lookup(name, codeBuild), CLOCK)).contains(
                entry(OciLabels.REVISION, "fedcba98"),
                entry(OciLabels.SOURCE, "https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/web"),
                entry(OciLabels.VERSION, "12"));
    }
}
