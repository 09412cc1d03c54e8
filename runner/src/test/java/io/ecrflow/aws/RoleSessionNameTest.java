package io.ecrflow.aws;

import io.ecrflow.UserError;
import io.ecrflow.pipeline.Environment;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoleSessionNameTest {
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1795000000), ZoneOffset.UTC);

    @Test
    void theDefaultNamesTheAzurePipelinesRun() {
        assertThat(RoleSessionName.choose(Optional.empty(), Environment.of(Map.of("BUILD_BUILDID", "4711")), CLOCK))
                .isEqualTo("ecrflow-4711");
    }

    @Test
    void otherCisNameTheirRunsToo() {
        assertThat(RoleSessionName.choose(Optional.empty(), Environment.of(Map.of("GITHUB_RUN_ID", "987654321")), CLOCK))
                .isEqualTo("ecrflow-987654321");
        assertThat(RoleSessionName.choose(Optional.empty(), Environment.of(Map.of("CODEBUILD_BUILD_NUMBER", "12")), CLOCK))
                .isEqualTo("ecrflow-12");
    }

    @Test
    void withoutARunTheTimeIsUsed() {
        assertThat(RoleSessionName.choose(Optional.empty(), Environment.of(Map.of()), CLOCK)).isEqualTo("ecrflow-1795000000");
    }

    @Test
    void charactersStsRefusesAreReplaced() {
        assertThat(RoleSessionName.choose(Optional.empty(), Environment.of(Map.of("CI_JOB_ID", "12 34/5")), CLOCK))
                .isEqualTo("ecrflow-12-34-5");
    }

    @Test
    void aGivenNameIsKeptWhenStsAcceptsIt() {
        assertThat(RoleSessionName.choose(Optional.of("release@web"), Environment.of(Map.of()), CLOCK)).isEqualTo("release@web");
        assertThatThrownBy(() -> RoleSessionName.choose(Optional.of("has space"), Environment.of(Map.of()), CLOCK))
                .isInstanceOf(UserError.class).hasMessageContaining("'has space' is not valid")
                .satisfies(e -> assertThat(((UserError) e).input()).contains("roleSessionName"));
    }
}
