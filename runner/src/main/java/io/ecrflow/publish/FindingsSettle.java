package io.ecrflow.publish;

import io.ecrflow.aws.ScanReport;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When the findings of an enhanced scan are final. Amazon Inspector reports the scan of a new image complete before
 * all its findings are in: for some seconds after, a read shows none or only a few of them. The findings are final
 * once two reads {@link #interval()} apart agree, or once the scan completed at least {@link #settledAfter()} ago
 * (ECR's imageScanCompletedAt, or the gate's first complete read when that is earlier or missing), which also bounds
 * the re-reading. Basic scanning writes its findings when its scan completes, so it needs no settling.
 * See docs/build-push.md#scan-gate for the numbers and where they come from.
 */
record FindingsSettle(Duration interval, Duration settledAfter) {
    /**
     * Re-read every 15 s, the interval the check-aws-inspector action found to give the full findings (complete by
     * the third read); a minute after the scan bounds the re-reading.
     */
    static final FindingsSettle ENHANCED = new FindingsSettle(Duration.ofSeconds(15), Duration.ofMinutes(1));

    /**
     * @param previous      the read before {@code latest}, when there was one since the scan completed
     * @param firstComplete when the gate first read the scan complete
     */
    boolean settled(Optional<ScanReport> previous, ScanReport latest, Instant firstComplete, Instant now) {
        Instant completed = latest.completedAt().filter(at -> at.isBefore(firstComplete)).orElse(firstComplete);
        return !now.isBefore(completed.plus(settledAfter)) || previous.filter(latest::sameFindings).isPresent();
    }
}
