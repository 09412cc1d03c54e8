package io.ecrflow.pipeline;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InputDefaultsTest {

    @Command(name = "sample")
    static class SampleOptions {
        @Option(names = "--scan-on-push", arity = "0..1", fallbackValue = "true", defaultValue = "false")
        boolean scanOnPush;

        @Option(names = "--tags", split = ",|\\r?\\n")
        List<String> tags;

        @Option(names = "--dockerfile", defaultValue = "Dockerfile")
        String dockerfile;

        @Option(names = "--repository", required = true)
        String repository;
    }

    private static SampleOptions parse(Map<String, String> env, String... args) {
        SampleOptions options = new SampleOptions();
        new CommandLine(options)
                .setDefaultValueProvider(new InputDefaults(Environment.of(env)))
                .parseArgs(args);
        return options;
    }

    @Test
    void readsEveryOptionFromItsTaskInput() {
        SampleOptions options = parse(Map.of(
                "INPUT_SCANONPUSH", "true",
                "INPUT_TAGS", "$(Build.BuildId),latest\nmain",
                "INPUT_DOCKERFILE", "docker/Dockerfile.prod",
                "INPUT_REPOSITORY", "team/app"));

        assertThat(options.scanOnPush).isTrue();
        assertThat(options.tags).containsExactly("$(Build.BuildId)", "latest", "main");
        assertThat(options.dockerfile).isEqualTo("docker/Dockerfile.prod");
        assertThat(options.repository).isEqualTo("team/app");
    }

    @Test
    void commandLineWinsOverTheEnvironment() {
        SampleOptions options = parse(Map.of(
                        "INPUT_SCANONPUSH", "true",
                        "INPUT_TAGS", "from-env",
                        "INPUT_DOCKERFILE", "env.Dockerfile",
                        "INPUT_REPOSITORY", "env/app"),
                "--scan-on-push", "false", "--tags", "cli1,cli2", "--dockerfile", "cli.Dockerfile", "--repository", "cli/app");

        assertThat(options.scanOnPush).isFalse();
        assertThat(options.tags).containsExactly("cli1", "cli2");
        assertThat(options.dockerfile).isEqualTo("cli.Dockerfile");
        assertThat(options.repository).isEqualTo("cli/app");
    }

    @Test
    void aBareBooleanFlagMeansTrueEvenWhenTheInputSaysFalse() {
        SampleOptions options = parse(Map.of("INPUT_SCANONPUSH", "false"), "--scan-on-push", "--repository", "team/app");

        assertThat(options.scanOnPush).isTrue();
    }

    @Test
    void theOptionsOwnDefaultAppliesWhenTheInputIsAbsentOrBlank() {
        SampleOptions options = parse(Map.of("INPUT_DOCKERFILE", "", "INPUT_REPOSITORY", "team/app"));

        assertThat(options.scanOnPush).isFalse();
        assertThat(options.dockerfile).isEqualTo("Dockerfile");
        assertThat(options.tags).isNull();
    }

    @Test
    void environmentWinsOverTheOptionsOwnDefault() {
        SampleOptions options = parse(Map.of("INPUT_SCANONPUSH", "True", "INPUT_REPOSITORY", "team/app"));

        assertThat(options.scanOnPush).isTrue();
    }

    @Test
    void aRequiredOptionIsSatisfiedByItsInput() {
        assertThat(parse(Map.of("INPUT_REPOSITORY", "team/app")).repository).isEqualTo("team/app");
        assertThatThrownBy(() -> parse(Map.of())).isInstanceOf(CommandLine.MissingParameterException.class);
    }

    @Test
    void passesInputTextThroughLiterally() {
        SampleOptions options = parse(Map.of("INPUT_REPOSITORY", "team/app", "INPUT_DOCKERFILE", "${HOME}/Dockerfile"));

        assertThat(options.dockerfile).isEqualTo("${HOME}/Dockerfile");
    }

    @Test
    void namesTheTaskInputOfAnOption() {
        assertThat(InputDefaults.inputName("--tag-mutability")).isEqualTo("tagMutability");
        assertThat(InputDefaults.inputName("--region")).isEqualTo("region");
        assertThat(InputDefaults.inputName("--kms-key")).isEqualTo("kmsKey");
    }
}
