package io.ecrflow.docker;

import io.ecrflow.UserError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A build platform is os/arch[/variant] with values Docker knows, in Docker's own spelling. */
class TargetPlatformTest {
    @ParameterizedTest
    @CsvSource({"linux/amd64, linux/amd64", "linux/arm64/v8, linux/arm64/v8", "Linux/x86_64, linux/amd64",
            "linux/aarch64, linux/arm64", "linux/arm/v7, linux/arm/v7", "windows/amd64, windows/amd64"})
    void aPlatformDockerKnowsIsKeptInItsUsualSpelling(String given, String expected) {
        assertThat(TargetPlatform.parse(given, "platform")).hasToString(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"linux/z80 | 'z80' is not a CPU architecture", "amd64 | give one platform as os/arch",
            "linux/amd64,linux/arm64 | give one platform", "plan10/amd64 | 'plan10' is not an operating system",
            "linux/arm/v77x | 'v77x' is not an architecture variant", "junk | give one platform"})
    void anythingElseIsRefusedNamingTheInput(String given, String problem) {
        assertThatThrownBy(() -> TargetPlatform.parse(given, "platform"))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("Input 'platform' is '" + given + "'")
                .hasMessageContaining(problem);
    }
}
