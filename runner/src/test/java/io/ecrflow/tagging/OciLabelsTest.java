package io.ecrflow.tagging;

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
        Map<String, String> pipeline = Map.of(
                "Build.SourceVersion", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
                "Build.Repository.Uri", "https://github.com/example/app",
                "Build.BuildNumber", "20240305.1");

        assertThat(OciLabels.from(name -> Optional.ofNullable(pipeline.get(name)), CLOCK)).containsExactly(
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
        Map<String, String> pipeline = Map.of("Build.Repository.Uri", "https://example@dev.azure.com/example/app/_git/app");

        assertThat(OciLabels.from(name -> Optional.ofNullable(pipeline.get(name)), CLOCK))
                .containsEntry("org.opencontainers.image.source", "https://dev.azure.com/example/app/_git/app");
    }
}
