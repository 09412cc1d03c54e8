package io.ecrflow.scan;

import io.ecrflow.UserError;
import io.ecrflow.aws.Ecr;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.publish.Gate;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.Manifest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Stops a publication on what ECR's scan found: waits for the scan of the image (basic or enhanced), prints
 * the count per severity and the worst findings, and fails before the moving tags when a severity has more
 * findings than the thresholds allow. An image without a verdict fails the run only when the user asks.
 */
public final class ScanGate implements Gate {
    private static final int WORST_SHOWN = 10;

    private final Pipeline pipeline;
    private final Ecr ecr;
    private final ScanGateSettings settings;

    private ScanGate(Pipeline pipeline, Ecr ecr, ScanGateSettings settings) {
        this.pipeline = pipeline;
        this.ecr = ecr;
        this.settings = settings;
    }

    /** The gate the settings ask for: {@link Gate#OPEN} when it is off. */
    public static Gate of(Pipeline pipeline, Ecr ecr, ScanGateSettings settings) {
        return settings.enabled() ? new ScanGate(pipeline, ecr, settings) : Gate.OPEN;
    }

    @Override
    public void check(ImageRef image, Manifest manifest, List<ImageRef> held) {
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
    private Optional<ScanReport> scanOf(ImageRef image, List<ImageRef> held) {
        ScanReport report = awaitScan(image, held);
        switch (report.state()) {
            case COMPLETE -> {
                return Optional.of(report);
            }
            case NOT_SCANNED -> noVerdict(image, held, "ECR has no scan of it: scanning is off for " + image.repository()
                    + ". Turn on scan on push (scanOnPush for a new repository) or the registry's enhanced scanning");
            case UNSUPPORTED -> noVerdict(image, held, "ECR's scanner does not support this image (" + report.description()
                    + ")");
            default -> noVerdict(image, held, "ECR's scan failed (" + report.description() + ")");
        }
        return Optional.empty();
    }

    private ScanReport awaitScan(ImageRef image, List<ImageRef> held) {
        for (long poll = 1; ; poll++) {
            ScanReport report = ecr.scanFindings(image.repository(), image.digestOpt().orElseThrow());
            if (report.state() != ScanReport.State.IN_PROGRESS) {
                return report;
            }
            if (poll >= settings.polls()) {
                throw new UserError("The scan of " + image + " did not complete within " + settings.timeout().toSeconds()
                        + " s (scanTimeout), so " + withheld(held) + ". Give the scan more time with scanTimeout, or "
                        + "check the repository's scanning in the ECR console.", "scanTimeout");
            }
            pause();
        }
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

    private void enforce(ImageRef image, ScanReport report, List<ImageRef> held) {
        List<Severity> exceeded = settings.thresholds().exceededIn(report);
        if (!exceeded.isEmpty()) {
            throw new UserError("The scan of " + image + " found more than failOn allows: " + exceeded.stream()
                    .map(s -> report.count(s) + " " + s + " (at most " + settings.thresholds().allowed().get(s) + ")")
                    .collect(Collectors.joining(", ")) + "; so " + withheld(held) + ". Fix the findings (update the "
                    + "packages or the base image) or change failOn.", "failOn");
        }
        pipeline.info("Scan gate passed: within " + settings.thresholds() + ".");
    }

    private void noVerdict(ImageRef image, List<ImageRef> held, String why) {
        if (settings.verdictRequired()) {
            throw new UserError("The scan gate has no verdict on " + image + ": " + why + "; so " + withheld(held)
                    + ". Set scanRequired to false to publish without a verdict.", "scanRequired");
        }
        pipeline.warning("The scan gate has no verdict on " + image + ": " + why + ". scanRequired is false, so the "
                + "publication goes on.");
    }

    private static String withheld(List<ImageRef> held) {
        return held.isEmpty() ? "the run fails with the image published under its tags"
                : "the tags that move (" + held.stream().map(ref -> ref.tag().value()).collect(Collectors.joining(", "))
                + ") were not published; the image is in the registry under the other tags";
    }

    private void pause() {
        try {
            Thread.sleep(settings.pollInterval().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("Interrupted while waiting for the image scan.");
        }
    }
}
