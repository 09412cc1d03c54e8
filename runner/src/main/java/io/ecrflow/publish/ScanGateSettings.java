package io.ecrflow.publish;

import java.time.Duration;

/**
 * The scan gate as the user set it: whether it is on, the thresholds, how long to wait for the scan, and
 * whether an image without a verdict (an unsupported image, a failed scan, enhanced scanning that leaves the
 * repository out) fails the run.
 */
public record ScanGateSettings(boolean enabled, ScanThresholds thresholds, Duration timeout, boolean verdictRequired) {
    /**
     * How often ECR is asked: a twentieth of the timeout, between 100 ms and 5 s, so a scan is asked about a
     * fixed number of times whatever the timeout (ECR's basic scans take seconds to minutes).
     */
    public Duration pollInterval() {
        Duration twentieth = timeout.dividedBy(20);
        return twentieth.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100)
                : twentieth.compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : twentieth;
    }

    /** How many times ECR is asked before the wait is given up. */
    public long polls() {
        return Math.max(1, timeout.toMillis() / pollInterval().toMillis());
    }
}
