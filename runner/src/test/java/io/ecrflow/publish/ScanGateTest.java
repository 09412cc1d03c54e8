package io.ecrflow.publish;

import io.ecrflow.ManualClock;
import io.ecrflow.aws.ScanReport;
import io.ecrflow.aws.Severity;

import io.ecrflow.UserError;
import io.ecrflow.aws.Ecr;
import io.ecrflow.aws.RegistryScanning;
import io.ecrflow.aws.RepositoryInfo;
import io.ecrflow.aws.RepositorySettings;
import io.ecrflow.aws.ScanStart;
import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.PlainPipeline;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.Manifest;
import io.ecrflow.registry.RegistryCredential;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the gate asks ECR and what it decides: a missing scan is started (per image of an index, never the index),
 * a start refused leaves no verdict, and a failure names the tags it kept off. ECR is a scripted seam here; the
 * end-to-end tests ({@code ScanGateIT}) run against the test bed's StartImageScan.
 */
class ScanGateTest {
    private static final String REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
    private static final RepositoryName REPOSITORY = new RepositoryName("team/web");
    private static final ScanReport.Finding CRITICAL = new ScanReport.Finding("CVE-2024-0001", Severity.CRITICAL,
            "openssl", "3.0.13-1");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final PlainPipeline pipeline = new PlainPipeline(Environment.of(Map.of()),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
    private final ScriptedEcr ecr = new ScriptedEcr();
    private final ManualClock clock = new ManualClock();
    private final Manifest image = Manifest.of("{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:%s\"},\"layers\":[]}"
            .formatted("c".repeat(64)).getBytes(StandardCharsets.UTF_8));
    private final List<ImageRef> release = List.of(ImageRef.tagged(REGISTRY, REPOSITORY, Tag.of("release")),
            ImageRef.tagged(REGISTRY, REPOSITORY, Tag.of("latest")));

    @Test
    void anImageWithoutAScanGetsECRsBasicScanAndFailsOnItsFindingsBeforeAnyTag() {
        ecr.answers(image.digest(), notScanned(), inProgress(), complete(CRITICAL));

        assertThatThrownBy(() -> gate(true).check(pinned(image.digest()), image, HeldTags.every(release)))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("1 CRITICAL (at most 0)")
                .hasMessageContaining("so none of the tags (release, latest) were published");
        assertThat(ecr.calls).containsExactly("describe " + image.digest(), "start " + image.digest(),
                "describe " + image.digest(), "describe " + image.digest());
        assertThat(clock.pauses()).hasSize(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("started its basic scan (StartImageScan)");
    }

    @Test
    void aScanStartedEarlierTodayIsWaitedForUntilECRListsIt() {
        ecr.start = ScanStart.STARTED_EARLIER;
        ecr.answers(image.digest(), notScanned(), notScanned(), complete());

        gate(true).check(pinned(image.digest()), image, HeldTags.every(release));

        assertThat(ecr.calls).filteredOn(call -> call.startsWith("start")).hasSize(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("a scan was started today").contains("Scan gate passed");
    }

    @Test
    void anImageThatHasAScanIsNotScannedAgain() {
        ecr.answers(image.digest(), inProgress(), complete());

        gate(true).check(pinned(image.digest()), image, HeldTags.moving(release.subList(1, 2)));

        assertThat(ecr.calls).noneMatch(call -> call.startsWith("start"));
    }

    @Test
    void enhancedScanningThatLeavesTheRepositoryOutGivesNoVerdict() {
        ecr.start = ScanStart.ENHANCED_SCANNING;
        ecr.answers(image.digest(), notScanned());

        assertThatThrownBy(() -> gate(true).check(pinned(image.digest()), image, HeldTags.every(release)))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("enhanced scanning filters").hasMessageContaining("Set scanRequired to false")
                .hasMessageContaining("none of the tags (release, latest) were published");

        ecr.answers(image.digest(), notScanned());
        gate(false).check(pinned(image.digest()), image, HeldTags.every(release));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("scanRequired is false, so the publication goes on");
    }

    @Test
    void anImageTypeECRDoesNotScanFailsOnlyWhenAVerdictIsRequired() {
        ecr.start = ScanStart.UNSUPPORTED;
        ecr.answers(image.digest(), notScanned());

        assertThatThrownBy(() -> gate(true).check(pinned(image.digest()), image, HeldTags.moving(release)))
                .isInstanceOf(UserError.class).hasMessageContaining("does not support this image")
                .hasMessageContaining("the tags that move (release, latest) were not published");
    }

    @Test
    void eachPlatformImageOfAnIndexIsStartedNeverTheIndexNorItsAttestation() {
        Digest amd64 = Digest.parse("sha256:" + "1".repeat(64));
        Digest arm64 = Digest.parse("sha256:" + "2".repeat(64));
        Digest attestation = Digest.parse("sha256:" + "3".repeat(64));
        Manifest index = Manifest.of(("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                + "\"manifests\":[" + entry(amd64, "linux", "amd64") + "," + entry(arm64, "linux", "arm64") + ","
                + entry(attestation, "unknown", "unknown") + "]}").getBytes(StandardCharsets.UTF_8));
        ecr.answers(amd64, notScanned(), complete());
        ecr.answers(arm64, notScanned(), complete(CRITICAL));

        assertThatThrownBy(() -> gate(true).check(pinned(index.digest()), index, HeldTags.every(release)))
                .isInstanceOf(UserError.class).hasMessageContaining("1 CRITICAL");
        assertThat(ecr.calls).filteredOn(call -> call.startsWith("start"))
                .containsExactly("start " + amd64, "start " + arm64);
        // ECR has no scan of an index (and StartImageScan refuses one): the gate never asks about it
        assertThat(ecr.calls).noneMatch(call -> call.endsWith(index.digest().toString()))
                .noneMatch(call -> call.endsWith(attestation.toString()));
    }

    @Test
    void aScanThatNeverCompletesTimesOutAfterTheGivenPolls() {
        ecr.answers(image.digest(), notScanned());
        ecr.otherwise = inProgress();

        assertThatThrownBy(() -> gate(true).check(pinned(image.digest()), image, HeldTags.every(release)))
                .isInstanceOf(UserError.class).hasMessageContaining("did not complete within 2 s (scanTimeout)")
                .hasMessageContaining("none of the tags (release, latest) were published");
        assertThat(clock.pauses()).hasSize((int) settings(true).polls() - 1);
    }

    @Test
    void anEnhancedScansEarlyCompleteWithoutFindingsIsReadAgainUntilTheFindingsSettleAndThenFails() {
        ecr.scanning = RegistryScanning.ENHANCED;
        ecr.answers(image.digest(), complete(), complete(CRITICAL), complete(CRITICAL));

        assertThatThrownBy(() -> gate(true).check(pinned(image.digest()), image, HeldTags.every(release)))
                .isInstanceOf(UserError.class).hasMessageContaining("1 CRITICAL (at most 0)");
        assertThat(ecr.calls).containsExactly("describe " + image.digest(), "describe " + image.digest(),
                "describe " + image.digest());
        assertThat(clock.pauses()).containsExactly(Duration.ofSeconds(15), Duration.ofSeconds(15));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("The registry's scanning is enhanced")
                .contains("again every 15 s until two reads agree");
    }

    @Test
    void anEnhancedScanThatCompletedAMinuteAgoIsFinalAtOnce() {
        ecr.scanning = RegistryScanning.ENHANCED;
        ecr.answers(image.digest(), completedAt(clock.instant().minus(Duration.ofMinutes(1)), CRITICAL));

        assertThatThrownBy(() -> gate(true).check(pinned(image.digest()), image, HeldTags.every(release)))
                .isInstanceOf(UserError.class).hasMessageContaining("1 CRITICAL");
        assertThat(ecr.calls).hasSize(1);
        assertThat(clock.pauses()).isEmpty();
    }

    @Test
    void findingsThatKeepChangingAreTakenAMinuteAfterTheScanCompleted() {
        ecr.scanning = RegistryScanning.ENHANCED;
        ScanReport.Finding high = new ScanReport.Finding("CVE-2024-0002", Severity.HIGH, "zlib", "1.3");
        ecr.answers(image.digest(), complete(), complete(high), complete(high, high), complete(high, high, high),
                complete(CRITICAL), complete(CRITICAL, high));

        assertThatThrownBy(() -> gate(true).check(pinned(image.digest()), image, HeldTags.every(release)))
                .isInstanceOf(UserError.class).hasMessageContaining("1 CRITICAL");
        // reads at 0, 15, 30, 45 and 60 s after the first complete one; the last is taken
        assertThat(ecr.calls).hasSize(5);
        assertThat(clock.pauses()).hasSize(4);
    }

    @Test
    void aBasicScansCompleteIsFinalAndWhereTheScanningCannotBeReadTheFindingsAreSettled() {
        ecr.answers(image.digest(), complete());
        gate(true).check(pinned(image.digest()), image, HeldTags.every(release));
        assertThat(clock.pauses()).isEmpty();

        ecr.scanning = RegistryScanning.UNKNOWN;
        ecr.answers(image.digest(), complete(), complete());
        gate(true).check(pinned(image.digest()), image, HeldTags.every(release));
        assertThat(clock.pauses()).containsExactly(Duration.ofSeconds(15));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("ecr:GetRegistryScanningConfiguration");
    }

    private Gate gate(boolean verdictRequired) {
        return ScanGate.of(pipeline, ecr, settings(verdictRequired), clock, clock.sleeper());
    }

    private static ScanGateSettings settings(boolean verdictRequired) {
        return new ScanGateSettings(true, new ScanThresholds(Map.of(Severity.CRITICAL, 0)), Duration.ofSeconds(2), verdictRequired);
    }

    private static ImageRef pinned(Digest digest) {
        return ImageRef.pinned(REGISTRY, REPOSITORY, digest);
    }

    private static String entry(Digest digest, String os, String architecture) {
        return "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + digest + "\",\"size\":1,"
                + "\"platform\":{\"os\":\"" + os + "\",\"architecture\":\"" + architecture + "\"}}";
    }

    private static ScanReport notScanned() {
        return ScanReport.pending(ScanReport.State.NOT_SCANNED, "no scan");
    }

    private static ScanReport inProgress() {
        return ScanReport.pending(ScanReport.State.IN_PROGRESS, "IN_PROGRESS");
    }

    private static ScanReport complete(ScanReport.Finding... findings) {
        Map<Severity, Integer> counts = new HashMap<>();
        for (ScanReport.Finding finding : findings) {
            counts.merge(finding.severity(), 1, Integer::sum);
        }
        return new ScanReport(ScanReport.State.COMPLETE, "complete", counts, List.of(findings));
    }

    private static ScanReport completedAt(Instant at, ScanReport.Finding... findings) {
        ScanReport report = complete(findings);
        return new ScanReport(report.state(), report.description(), report.counts(), report.findings(), Optional.of(at));
    }

    /** ECR's scan API as a script: each image's DescribeImageScanFindings answers in turn, one StartImageScan answer. */
    private static final class ScriptedEcr implements Ecr {
        final List<String> calls = new ArrayList<>();
        final Map<Digest, Deque<ScanReport>> scans = new HashMap<>();
        ScanStart start = ScanStart.STARTED;
        ScanReport otherwise = notScanned();
        RegistryScanning scanning = RegistryScanning.BASIC;

        @Override
        public RegistryScanning registryScanning(RepositoryName name) {
            return scanning;
        }

        void answers(Digest digest, ScanReport... reports) {
            scans.put(digest, new ArrayDeque<>(List.of(reports)));
        }

        @Override
        public ScanReport scanFindings(RepositoryName name, Digest digest) {
            calls.add("describe " + digest);
            Deque<ScanReport> left = scans.getOrDefault(digest, new ArrayDeque<>());
            return left.isEmpty() ? otherwise : left.poll();
        }

        @Override
        public ScanStart startImageScan(RepositoryName name, Digest digest) {
            calls.add("start " + digest);
            return start;
        }

        @Override
        public RegistryCredential login() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<RepositoryInfo> describe(RepositoryName name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public RepositoryInfo create(RepositorySettings settings) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void putLifecyclePolicy(RepositoryName name, String policyText) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<Tag, Digest> existingTags(RepositoryName name, Iterable<Tag> tags) {
            throw new UnsupportedOperationException();
        }
    }
}
