package io.ecrflow.cli;

import io.ecrflow.aws.Severity;
import io.ecrflow.publish.ScanGateSettings;
import io.ecrflow.publish.ScanThresholds;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OptionDefaultsTest {

    @Test
    void anOptionGivenEmptyTakesItsDeclaredDefault() {
        ScanGateOptions options = new ScanGateOptions();
        CommandLine commandLine = new CommandLine(options);
        commandLine.parseArgs("--scan-gate", " ", "--scan-timeout", "", "--fail-on", " ");

        OptionDefaults.applyToBlanks(commandLine.getCommandSpec());

        ScanGateSettings settings = options.settings();
        assertThat(settings.enabled()).isFalse();
        assertThat(settings.timeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(settings.thresholds()).isEqualTo(new ScanThresholds(Map.of(Severity.CRITICAL, 0)));
    }

    @Test
    void anOptionAtItsDeclaredDefaultIsNotGiven() {
        BuildOptions options = new BuildOptions(true);
        new CommandLine(options).parseArgs("--builder", "AUTO", "--no-cache", "false", "--pull", "true",
                "--build-timeout", "90m", "--platform", "linux/amd64", "--build-args", " ");

        assertThat(options.given()).containsExactly("platform", "buildTimeout");
    }

    @Test
    void theDefaultAMixinIsMadeWithIsTheOptionsDefault() {
        BuildOptions pulling = new BuildOptions(true);
        new CommandLine(pulling).parseArgs();
        BuildOptions notPulling = new BuildOptions(false);
        CommandLine commandLine = new CommandLine(notPulling);
        commandLine.parseArgs();

        assertThat(pulling.pull()).isTrue();
        assertThat(notPulling.pull()).isFalse();
        assertThat(OptionDefaults.of(commandLine.getCommandSpec().findOption("--pull"))).contains("false");
    }
}
