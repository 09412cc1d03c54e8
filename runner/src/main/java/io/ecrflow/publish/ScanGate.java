package io.ecrflow.publish;

import io.ecrflow.aws.ScanReport;
import io.ecrflow.aws.Severity;

import io.ecrflow.UserError;
import io.ecrflow.Waiting;
import io.ecrflow.aws.Ecr;
import io.ecrflow.aws.RegistryScanning;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.Manifest;
import io.ecrflow.registry.RepositoryName;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Stops a publication on what ECR's scan found: waits for the scan of the image (basic or enhanced), starting
 * ECR's basic scan when the image has none, prints the count per severity and the worst findings, and fails
 * before the held tags when a severity has more findings than the thresholds allow. An image ECR cannot
 * scan (no verdict) fails the run only when the user asks.
 */
public final class ScanGate implements Gate {
    private static final int WORST_SHOWN = 10;

    private final Pipeline pipeline;
    private final Ecr ecr;
    private final ScanGateSettings settings;
    /** The reads of a scan not done yet: {@code settings.polls()} at most, {@code pollInterval} apart. */
    private final Waiting polls;
    private final Map<RepositoryName, RegistryScanning> scanning = new HashMap<>();

    private ScanGate(Pipeline pipeline, Ecr ecr, ScanGateSettings settings, Waiting polls) {
        this.pipeline = pipeline;
        this.ecr = ecr;
        this.settings = settings;
        this.polls = polls;
    }

    /** The gate the settings ask for: {@link Gate#OPEN} when it is off. */
    public static Gate of(Pipeline pipeline, Ecr ecr, ScanGateSettings settings) {
        return of(pipeline, ecr, settings, Clock.systemUTC(), Waiting.THREAD_SLEEP);
    }

    /**
     * As {@link #of(Pipeline, Ecr, ScanGateSettings)}, telling the time by {@code clock} and waiting between reads
     * with {@code sleeper} (tests: a sleeper that only moves the clock on).
     */
    static Gate of(Pipeline pipeline, Ecr ecr, ScanGateSettings settings, Clock clock, Waiting.Sleeper sleeper) {
        if (!settings.enabled()) {
            return Gate.OPEN;
        }
        int reads = (int) Math.min(Integer.MAX_VALUE, Math.max(1, settings.polls()));
        return new ScanGate(pipeline, ecr, settings, Waiting.fixed(reads, settings.pollInterval()).on(clock, sleeper));
    }

    @Override
    public void check(ImageRef image, Manifest manifest, HeldTags held) {
        pipeline.info("Scan gate: waiting for ECR's scan of " + image + " (thresholds " + settings.thresholds()
                + ", at most " + settings.timeout().toSeconds() + " s).");
        // ECR scans the images of an index, never the index itself; BuildKit's attestations are not images.
        Map<String, ImageRef> scanned = new LinkedHashMap<>();
        if (manifest.isIndex()) {
            manifest.images().forEach(entry -> scanned.put(entry.platform() + " (" + entry.digest() + ")",
                    image.withDigest(entry.digest())));
        } else {
            scanned.put(image.digestOpt().orElseThrow().toString(), image);
        }
        List<ScanReport> reports = new ArrayList<>();
        scanned.forEach((label, scannedImage) -> scanOf(scannedImage, held).ifPresent(report -> {
            pipeline.info("Scan findings of " + label + ": " + counts(report) + ".");
            showWorst(report);
            reports.add(report);
        }));
        if (reports.isEmpty()) {
            return;
        }
        ScanReport total = ScanReport.total(reports);
        if (reports.size() > 1) {
            pipeline.info("Scan findings of the " + reports.size() + " images together: " + counts(total) + ".");
        }
        enforce(image, total, held);
    }

    /** The image's scan once it is done; empty when it has none and the gate may do without (it warned). */
    private Optional<ScanReport> scanOf(ImageRef image, HeldTags held) {
        ScanReport report = awaitScan(image, held);
        switch (report.state()) {
            case COMPLETE -> {
                return Optional.of(settled(image, report));
            }
            case NOT_SCANNED -> noVerdict(image, held, "ECR has no scan of it and takes no request for one: the "
                    + "registry's scanning is enhanced and its filters leave " + image.repository() + " out. Add the "
                    + "repository to the registry's enhanced scanning filters (ECR console, Private registry, Scanning)");
            case UNSUPPORTED -> noVerdict(image, held, "ECR's scanner does not support this image (" + report.description()
                    + ")");
            default -> noVerdict(image, held, "ECR's scan failed (" + report.description() + ")");
        }
        return Optional.empty();
    }

    /**
     * Polls the image's scan until it is done. An image without a scan gets ECR's basic scan, which is done on
     * request once a day per image; a scan started today already (by this gate in another run, or on push) is
     * waited for. Until ECR lists the started scan it counts as in progress.
     */
    private ScanReport awaitScan(ImageRef image, HeldTags held) {
        Digest digest = image.digestOpt().orElseThrow();
        boolean started = false;
        for (int poll = 1; ; poll++) {
            ScanReport report = ecr.scanFindings(image.repository(), digest);
            if (report.state() == ScanReport.State.NOT_SCANNED && !started) {
                Optional<ScanReport> refused = start(image, digest);
                if (refused.isPresent()) {
                    return refused.get();
                }
                started = true;
            } else if (report.state() != ScanReport.State.IN_PROGRESS
                    && !(report.state() == ScanReport.State.NOT_SCANNED && started)) {
                return report;
            }
            if (!polls.allowsAfter(poll)) {
                throw new UserError("The scan of " + image + " did not complete within " + settings.timeout().toSeconds()
                        + " s (scanTimeout), so " + held.whenFailed() + ". Give the scan more time with scanTimeout, or "
                        + "check the repository's scanning in the ECR console.", "scanTimeout");
            }
            polls.pauseAfterAttempt(poll, ScanGate::interrupted);
        }
    }

    /**
     * The findings once they are final: a basic scan's at once, an enhanced scan's once they settle
     * ({@link FindingsSettle}), read again meanwhile. Where the registry's scanning cannot be read, the scan may be
     * enhanced, so its findings are settled too.
     */
    private ScanReport settled(ImageRef image, ScanReport complete) {
        RegistryScanning kind = scanning.computeIfAbsent(image.repository(), ecr::registryScanning);
        if (kind == RegistryScanning.BASIC) {
            return complete;
        }
        FindingsSettle settle = FindingsSettle.ENHANCED;
        Instant firstComplete = polls.now();
        Optional<ScanReport> previous = Optional.empty();
        ScanReport latest = complete;
        boolean told = false;
        while (!settle.settled(previous, latest, firstComplete, polls.now())) {
            if (!told) {
                pipeline.info((kind == RegistryScanning.ENHANCED ? "The registry's scanning is enhanced"
                        : "The registry's scanning configuration could not be read (ecr:GetRegistryScanningConfiguration), "
                        + "so the scan may be enhanced") + ": Amazon Inspector reports a scan complete before all its findings "
                        + "are in. Reading the findings of " + image + " again every " + settle.interval().toSeconds()
                        + " s until two reads agree (at most " + settle.settledAfter().toSeconds() + " s after the scan).");
            }
            polls.pause(settle.interval(), ScanGate::interrupted);
            ScanReport next = ecr.scanFindings(image.repository(), image.digestOpt().orElseThrow());
            // a scan begun again meanwhile (Inspector rescans) agrees with nothing: read on, within the bound
            previous = next.state() == ScanReport.State.COMPLETE ? Optional.of(latest) : Optional.empty();
            latest = next.state() == ScanReport.State.COMPLETE ? next : latest;
            told = true;
        }
        return latest;
    }

    /** StartImageScan; a refusal that leaves the image without a scan comes back as the report to judge. */
    private Optional<ScanReport> start(ImageRef image, Digest digest) {
        switch (ecr.startImageScan(image.repository(), digest)) {
            case STARTED -> pipeline.info("ECR had no scan of " + image + ": started its basic scan (StartImageScan).");
            case STARTED_EARLIER -> pipeline.info("ECR has no findings of " + image + " yet and scans an image on "
                    + "request once a day: a scan was started today, waiting for its findings.");
            case ENHANCED_SCANNING -> {
                return Optional.of(ScanReport.pending(ScanReport.State.NOT_SCANNED, "no scan, enhanced scanning"));
            }
            case UNSUPPORTED -> {
                return Optional.of(ScanReport.pending(ScanReport.State.UNSUPPORTED, "ECR does not scan this type of image"));
            }
        }
        return Optional.empty();
    }

    private static String counts(ScanReport report) {
        return Arrays.stream(Severity.values()).map(severity -> severity + " " + report.count(severity))
                .collect(Collectors.joining(", "));
    }

    private void showWorst(ScanReport report) {
        report.findings().stream().sorted(Comparator.comparing(ScanReport.Finding::severity)).limit(WORST_SHOWN)
                .forEach(f -> pipeline.relay("  " + f.severity() + " " + f.name() + " in " + f.packageName()
                        + (f.fixedIn().isEmpty() ? " (no fixed version yet)" : " (fixed in " + f.fixedIn() + ")")));
    }

    private void enforce(ImageRef image, ScanReport report, HeldTags held) {
        List<Severity> exceeded = settings.thresholds().exceededIn(report);
        if (!exceeded.isEmpty()) {
            throw new UserError("The scan of " + image + " found more than failOn allows: " + exceeded.stream()
                    .map(s -> report.count(s) + " " + s + " (at most " + settings.thresholds().allowed().get(s) + ")")
                    .collect(Collectors.joining(", ")) + "; so " + held.whenFailed() + ". Fix the findings (update the "
                    + "packages or the base image) or change failOn.", "failOn");
        }
        pipeline.info("Scan gate passed: within " + settings.thresholds() + ".");
    }

    private void noVerdict(ImageRef image, HeldTags held, String why) {
        if (settings.verdictRequired()) {
            throw new UserError("The scan gate has no verdict on " + image + ": " + why + "; so " + held.whenFailed()
                    + ". Set scanRequired to false to publish without a verdict.", "scanRequired");
        }
        pipeline.warning("The scan gate has no verdict on " + image + ": " + why + ". scanRequired is false, so the "
                + "publication goes on.");
    }

    private static UserError interrupted() {
        return new UserError("Interrupted while waiting for the image scan.");
    }
}
