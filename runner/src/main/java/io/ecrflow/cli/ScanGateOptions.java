package io.ecrflow.cli;

import io.ecrflow.publish.ScanGateSettings;
import io.ecrflow.publish.ScanThresholds;
import picocli.CommandLine.Option;

import java.time.Duration;

/** The scan gate's options, shared by every command that publishes. */
public final class ScanGateOptions {

    @Option(names = "--scan-gate", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Wait for ECR's image scan and fail before the moving tags (promote: before any tag) when it "
                    + "found more than failOn allows. Default: false.")
    String scanGate;

    @Option(names = "--fail-on", paramLabel = "SEVERITY=N",
            description = "Most findings allowed per severity, comma- or newline-separated, e.g. CRITICAL=0,HIGH=5. Default: CRITICAL=0.")
    java.util.List<String> failOn;

    @Option(names = "--scan-timeout", paramLabel = "DURATION",
            description = "How long to wait for the scan: seconds, or e.g. 10m. Default: 10m.")
    String scanTimeout;

    @Option(names = "--scan-required", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Fail when the scan gives no verdict (an unsupported image, a failed scan, enhanced scanning that leaves the "
                    + "repository out). Default: true.")
    String scanRequired;

    ScanGateSettings settings() {
        Duration timeout = Inputs.duration(scanTimeout, ScanGateSettings.DEFAULT_TIMEOUT, "scanTimeout");
        return new ScanGateSettings(Inputs.bool(scanGate, false, "scanGate"),
                ScanThresholds.parse(Inputs.list(failOn), "failOn"), timeout, Inputs.bool(scanRequired, true, "scanRequired"));
    }
}
