package io.ecrflow.cli;

import io.ecrflow.publish.ScanGateSettings;
import io.ecrflow.publish.ScanThresholds;
import picocli.CommandLine.Option;

/** The scan gate's options, shared by every command that publishes. */
public final class ScanGateOptions {

    @Option(names = "--scan-gate", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", defaultValue = "false",
            description = "Wait for ECR's scan of the image and fail, before the tags the gate holds back are written, when it "
                    + "found more than failOn allows. Default: ${DEFAULT-VALUE}.")
    String scanGate;

    @Option(names = "--fail-on", paramLabel = "SEVERITY=N", defaultValue = "CRITICAL=0",
            description = "Per severity, comma-separated, e.g. CRITICAL=0,HIGH=5: more findings than that of a severity fail "
                    + "the run. Default: ${DEFAULT-VALUE}.")
    java.util.List<String> failOn;

    @Option(names = "--scan-timeout", paramLabel = "DURATION", defaultValue = "10m",
            description = "How long to wait for the scan: seconds, or e.g. 10m. Default: ${DEFAULT-VALUE}.")
    String scanTimeout;

    @Option(names = "--scan-required", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", defaultValue = "true",
            description = "Fail when the scan gives no verdict: an image the scanner does not support, a failed scan, or "
                    + "enhanced scanning that leaves the repository out (an image without a scan gets ECR's basic scan). "
                    + "Off: a warning, and the tags are published. Default: ${DEFAULT-VALUE}.")
    String scanRequired;

    ScanGateSettings settings() {
        return new ScanGateSettings(Inputs.bool(scanGate, "scanGate"), ScanThresholds.parse(Inputs.list(failOn), "failOn"),
                Inputs.duration(scanTimeout, "scanTimeout"), Inputs.bool(scanRequired, "scanRequired"));
    }
}
