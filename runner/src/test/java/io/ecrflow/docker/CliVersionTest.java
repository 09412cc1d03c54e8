package io.ecrflow.docker;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CliVersionTest {

    @Test
    void readsTheVersionTheCliPrints() {
        assertThat(CliVersion.fromVersionLine("Docker version 20.10.24+dfsg1, build 297e128"))
                .contains(new CliVersion(20, 10, "20.10.24+dfsg1"));
        assertThat(CliVersion.fromVersionLine("Docker version 28.2.2, build e6534b4"))
                .contains(new CliVersion(28, 2, "28.2.2"));
        assertThat(CliVersion.fromVersionLine("podman version 4.3.1")).contains(new CliVersion(4, 3, "4.3.1"));
        assertThat(CliVersion.fromVersionLine("usage: something else")).isEmpty();
    }

    @ParameterizedTest(name = "{0}: built-in BuildKit {1}")
    @CsvSource({"18.06.3-ce, false", "18.09.0, true", "20.10.24+dfsg1, true", "22.06.0, true", "23.0.0, false",
            "28.2.2, false"})
    void onlyClisFrom1809Before23HaveBuildKitBuiltIn(String version, boolean builtIn) {
        CliVersion parsed = CliVersion.fromVersionLine("Docker version " + version + ", build x").orElseThrow();

        assertThat(parsed.hasBuiltInBuildKit()).isEqualTo(builtIn);
    }
}
