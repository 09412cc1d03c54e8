package io.ecrflow.cli;

import io.ecrflow.UserError;
import io.ecrflow.scan.ScanGateSettings;
import io.ecrflow.scan.ScanThresholds;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The scan gate's options, shared by every command that publishes. */
public final class ScanGateOptions {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,6})\\s*([smh]?)");

    @Option(names = "--scan-gate", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Wait for ECR's image scan and fail before the moving tags when it found more than failOn allows. Default: false.")
    String scanGate;

    @Option(names = "--fail-on", paramLabel = "SEVERITY=N",
            description = "Most findings allowed per severity, comma- or newline-separated, e.g. CRITICAL=0,HIGH=5. Default: CRITICAL=0.")
    java.util.List<String> failOn;

    @Option(names = "--scan-timeout", paramLabel = "DURATION",
            description = "How long to wait for the scan: seconds, or e.g. 10m. Default: 10m.")
    String scanTimeout;

    @Option(names = "--scan-required", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Fail when the scan gives no verdict (scanning off, an unsupported image, a failed scan). Default: true.")
    String scanRequired;

    ScanGateSettings settings() {
        Duration timeout = Inputs.text(scanTimeout).map(ScanGateOptions::duration).orElse(ScanGateSettings.DEFAULT_TIMEOUT);
        return new ScanGateSettings(Inputs.bool(scanGate, false, "scanGate"),
                ScanThresholds.parse(Inputs.list(failOn), "failOn"), timeout, Inputs.bool(scanRequired, true, "scanRequired"));
    }

    private static Duration duration(String text) {
        Matcher matcher = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches() || Long.parseLong(matcher.group(1)) == 0) {
            throw new UserError("Input 'scanTimeout' is '" + text + "'; give seconds (600) or a number with s, m or h (10m).",
                    "scanTimeout");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofSeconds(amount);
        };
    }
}
