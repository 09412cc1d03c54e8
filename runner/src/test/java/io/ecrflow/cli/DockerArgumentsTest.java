package io.ecrflow.cli;

import io.ecrflow.UserError;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DockerArgumentsTest {

    @Test
    void theOptionsEcrflowTakesBecomeTheirInputsInBothSpellings() {
        DockerArguments parsed = DockerArguments.parse(Optional.of(
                "--build-arg VERSION=1.2 --build-arg=NOTE='two words' --label team=web --target=runtime "
                        + "--platform linux/arm64 -f src/Dockerfile --no-cache --pull"));

        assertThat(parsed.buildArgs()).isEqualTo(Map.of("VERSION", "1.2", "NOTE", "two words"));
        assertThat(parsed.labels()).containsExactly("team=web");
        assertThat(parsed.target()).contains("runtime");
        assertThat(parsed.platform()).contains("linux/arm64");
        assertThat(parsed.dockerfile()).contains("src/Dockerfile");
        assertThat(parsed.noCache()).isTrue();
        assertThat(parsed.pull()).isTrue();
    }

    @Test
    void nothingGivenIsNothing() {
        assertThat(DockerArguments.parse(Optional.empty())).isEqualTo(DockerArguments.NONE);
    }

    @Test
    void everyOtherOptionIsOneErrorNamingWhereItGoes() {
        assertThatThrownBy(() -> DockerArguments.parse(Optional.of("--tag web:1 --secret id=npm --network host .")))
                .isInstanceOf(UserError.class)
                .hasMessage("Input 'arguments' holds what ecrflow does not take from docker build's options: --tag (give "
                        + "the tags in 'tags'; the repository in 'repository'); --secret (give build secrets in 'secrets'); "
                        + "--network; '.' (the context is 'context'). It takes --build-arg, --label, --target, --platform, "
                        + "--no-cache, --pull and --file; every other setting has an input of its own.");
    }

    @Test
    void aBuildArgumentWithoutAValueOrAnOptionWithoutOneSaysSo() {
        assertThatThrownBy(() -> DockerArguments.parse(Optional.of("--build-arg TOKEN")))
                .hasMessageContaining("--build-arg TOKEN without a value: write TOKEN=<value>");
        assertThatThrownBy(() -> DockerArguments.parse(Optional.of("--target")))
                .hasMessage("Input 'arguments' ends with --target, which needs a value.");
    }

    @Test
    void aFlagTakesNoValueSoTheWordAfterItIsSeenToo() {
        assertThatThrownBy(() -> DockerArguments.parse(Optional.of("--squash src")))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("options: --squash; 'src' (the context is 'context').");
    }
}
