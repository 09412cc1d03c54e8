package io.ecrflow.aws;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What ECR says about an image's scan: where it stands and, once it is done, the count of findings per
 * severity and the findings themselves (basic and enhanced scanning read into one shape).
 */
public record ScanReport(State state, String description, Map<Severity, Integer> counts, List<Finding> findings,
                         Optional<Instant> completedAt) {

    public enum State {
        /** Basic scanning's COMPLETE, enhanced scanning's ACTIVE: the findings are in. */
        COMPLETE,
        /** PENDING or IN_PROGRESS: ask again. */
        IN_PROGRESS,
        /** No scan exists (ScanNotFoundException): none was pushed with the image or started since. */
        NOT_SCANNED,
        /** UNSUPPORTED_IMAGE: the scanner does not know the image's operating system or packages. */
        UNSUPPORTED,
        /** FAILED, FINDINGS_UNAVAILABLE, SCAN_ELIGIBILITY_EXPIRED and the like: no verdict to be had. */
        FAILED
    }

    /** One vulnerability: its id (a CVE), severity, the package it is in and the version that fixes it, if any. */
    public record Finding(String name, Severity severity, String packageName, String fixedIn) {
    }

    public ScanReport {
        counts = counts.isEmpty() ? new EnumMap<>(Severity.class) : new EnumMap<>(counts);
        findings = List.copyOf(findings);
    }

    /** A report without ECR's completion time (imageScanCompletedAt). */
    public ScanReport(State state, String description, Map<Severity, Integer> counts, List<Finding> findings) {
        this(state, description, counts, findings, Optional.empty());
    }

    /** Whether {@code other} found the same: the same counts and the same findings, in any order. */
    public boolean sameFindings(ScanReport other) {
        return counts.equals(other.counts) && sorted(findings).equals(sorted(other.findings));
    }

    private static List<String> sorted(List<Finding> findings) {
        return findings.stream().map(Finding::toString).sorted().toList();
    }

    public static ScanReport pending(State state, String description) {
        return new ScanReport(state, description, Map.of(), List.of());
    }

    /** The findings of several images (an index's platforms) as one report: counts added, findings listed together. */
    public static ScanReport total(List<ScanReport> reports) {
        Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
        reports.forEach(report -> report.counts().forEach((severity, count) -> counts.merge(severity, count, Integer::sum)));
        return new ScanReport(State.COMPLETE, "", counts, reports.stream().flatMap(r -> r.findings().stream()).toList());
    }

    public int count(Severity severity) {
        return counts.getOrDefault(severity, 0);
    }
}
