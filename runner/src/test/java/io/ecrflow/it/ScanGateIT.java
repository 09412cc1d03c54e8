package io.ecrflow.it;

import io.ecrflow.testbed.apps.SampleApp;
import io.ecrflow.testbed.ecr.ScanFinding;
import io.ecrflow.testbed.TestbedAccount;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scan gate against the test bed's StartImageScan and DescribeImageScanFindings: in {@code promote}
 * findings over the thresholds fail the run before any target tag, and print; under them it publishes; a scan
 * that never completes times out; an image without a scan gets ECR's basic scan. In {@code build-push} the
 * gate comes before the moving tags. The test bed's scan completes after a number of calls, so nothing depends
 * on timing.
 */
class ScanGateIT extends TestBedTest {
    private static final List<ScanFinding> FINDINGS = List.of(
            new ScanFinding("CVE-2024-0001", "CRITICAL", "openssl", "3.0.11-1", "3.0.13-1"),
            new ScanFinding("CVE-2024-0002", "HIGH", "zlib", "1.2.13", "1.3"),
            new ScanFinding("CVE-2024-0003", "HIGH", "busybox", "1.36.1", ""),
            new ScanFinding("CVE-2024-0004", "LOW", "libc6", "2.36-9", ""));

    private String repository;
    private String oldDigest;
    private String newDigest;

    /** Two images: the old one under latest, the new one under rc; the gate decides whether latest moves. */
    private void twoImages() throws Exception {
        repository = "team/scan-" + UUID.randomUUID().toString().substring(0, 8);
        oldDigest = push("old");
        newDigest = push("rc");
        RunResult latest = promote("--source-tag", "old", "--tags", "latest");
        assertThat(latest.exitCode()).as(latest.toString()).isZero();
    }

    private String push(String tag) throws Exception {
        Path context = Files.createDirectories(work.resolve(tag));
        SampleApp.create(context, "scan-" + UUID.randomUUID());
        RunResult pushed = runner("build-push", "--repository", repository, "--context", "src", "--tags", tag)
                .env(TestBedFixture.awsEnvironment()).in(context).run();
        assertThat(pushed.exitCode()).as(pushed.toString()).isZero();
        return pushed.outputs().get("digest");
    }

    private RunResult promote(String... arguments) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("promote", "--source-repository", repository));
        all.addAll(List.of(arguments));
        return runner(all.toArray(String[]::new)).env(TestBedFixture.awsEnvironment()).env("TF_BUILD", "True").in(work).run();
    }

    @Test
    void findingsOverTheThresholdFailThePromotionBeforeAnyTagAndArePrinted() throws Exception {
        twoImages();
        testbed.enhancedScanFindings(repository, 2, FINDINGS);
        int mark = testbed.calls().size();

        RunResult result = promote("--source-tag", "rc", "--tags", "1.0.0,latest", "--scan-gate", "true",
                "--fail-on", "CRITICAL=0,HIGH=5", "--scan-timeout", "60s");

        assertThat(result.exitCode()).isNotZero();
        assertThat(String.join("\n", result.errors())).contains("1 CRITICAL (at most 0)")
                .contains("so none of the tags (1.0.0, latest) were published");
        assertThat(result.stdout()).contains("CRITICAL 1, HIGH 2, MEDIUM 0, LOW 1")
                .contains("CRITICAL CVE-2024-0001 in openssl 3.0.11-1 (fixed in 3.0.13-1)")
                .contains("HIGH CVE-2024-0003 in busybox 1.36.1");
        if (onCurrentEngine()) {
            // an index: ECR scans its image, never the index, and BuildKit's attestation is no image
            assertThat(result.stdout()).contains("Scan findings of linux/amd64 (sha256:").doesNotContain("unknown/unknown");
        }
        assertScansAskedOnlyAboutImages(mark);
        assertThat(testbed.manifestDigest(repository, "latest")).contains(oldDigest);
        assertThat(testbed.manifestDigest(repository, "1.0.0")).isEmpty();
        // enhanced scanning scans by itself: nothing to start
        assertThat(testbed.scanStarts(repository)).isEmpty();
    }

    @Test
    void anEnhancedScansEarlyCompleteWithoutFindingsIsReadAgainAndTheSettledFindingsFailThePromotion() throws Exception {
        twoImages();
        testbed.enhancedScanFindings(repository, 0, FINDINGS);
        // Amazon Inspector's first answer: COMPLETE, no findings yet, which alone would pass CRITICAL=0
        testbed.enhancedScanSettlesAfter(repository, 1);
        int mark = testbed.calls().size();

        RunResult result = promote("--source-tag", "rc", "--tags", "1.0.0,latest", "--scan-gate", "true",
                "--fail-on", "CRITICAL=0", "--scan-timeout", "60s");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stdout()).contains("The registry's scanning is enhanced")
                .contains("until two reads agree").contains("CRITICAL 1, HIGH 2, MEDIUM 0, LOW 1");
        assertThat(String.join("\n", result.errors())).contains("1 CRITICAL (at most 0)")
                .contains("so none of the tags (1.0.0, latest) were published");
        assertThat(testbed.manifestDigest(repository, "latest")).contains(oldDigest);
        assertThat(testbed.manifestDigest(repository, "1.0.0")).isEmpty();
        // per image: the early read, the findings, and the read that agrees with them
        Map<String, Long> reads = RunAssertions.callsSince(testbed, mark).stream()
                .filter(call -> call.operation().equals("DescribeImageScanFindings"))
                .collect(Collectors.groupingBy(call -> call.parameter("imageDigest").orElseThrow(), Collectors.counting()));
        assertThat(reads).isNotEmpty().allSatisfy((digest, count) -> assertThat(count).isEqualTo(3));
    }

    @Test
    void aPromotionWhoseGateFailsWritesNoTargetTagInTheSameOrAnotherRepositoryOrAccount() throws Exception {
        twoImages();
        testbed.scanFindings(repository, 1, FINDINGS);
        String other = repository + "-prod";

        RunResult same = promote("--source-tag", "rc", "--tags", "release,latest", "--scan-gate", "true",
                "--scan-timeout", "2s");
        RunResult another = promote("--source-tag", "rc", "--repository", other, "--tags", "release,latest",
                "--scan-gate", "true", "--scan-timeout", "2s");

        assertThat(same.exitCode()).isNotZero();
        assertThat(String.join("\n", same.errors())).contains("1 CRITICAL (at most 0)")
                .contains("so none of the tags (release, latest) were published");
        assertThat(testbed.tagsOf(repository)).containsExactlyInAnyOrder("old", "rc", "latest");
        assertThat(testbed.manifestDigest(repository, "latest")).contains(oldDigest);
        // in its own registry the gate judges the source image, which is there already
        assertThat(another.exitCode()).isNotZero();
        assertThat(String.join("\n", another.errors())).contains("so none of the tags (release, latest) were published");
        assertThat(testbed.tagsOf(other)).isEmpty();

        // in another account the copy is put there by digest only and judged there
        TestbedAccount prod = testbed.account(TestBedFixture.OTHER_ACCOUNT);
        prod.scanFindings(repository, 1, FINDINGS);
        RunResult crossAccount = promote("--source-tag", "rc", "--registry-id", TestBedFixture.OTHER_ACCOUNT,
                "--tags", "release", "--scan-gate", "true", "--scan-timeout", "2s");
        assertThat(crossAccount.exitCode()).isNotZero();
        assertThat(String.join("\n", crossAccount.errors())).contains("so none of the tags (release) were published");
        assertThat(crossAccount.stdout()).contains("by digest, without a tag");
        assertThat(prod.tagsOf(repository)).isEmpty();
        assertThat(prod.scanStarts(repository)).isNotEmpty();
    }

    @Test
    void findingsWithinTheThresholdsLetEveryTagThrough() throws Exception {
        twoImages();
        testbed.scanFindings(repository, 1, FINDINGS);

        RunResult result = promote("--source-tag", "rc", "--tags", "1.0.0,latest", "--scan-gate", "true",
                "--fail-on", "CRITICAL=1,HIGH=2", "--scan-timeout", "60s");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("Scan gate passed");
        assertThat(testbed.manifestDigest(repository, "latest")).contains(newDigest);
    }

    @Test
    void aScanThatNeverCompletesTimesOutWithAClearError() throws Exception {
        twoImages();
        testbed.scanNeverCompletes(repository);

        RunResult result = promote("--source-tag", "rc", "--tags", "1.0.0,latest", "--scan-gate", "true",
                "--scan-timeout", "2s");

        assertThat(result.exitCode()).isNotZero();
        assertThat(String.join("\n", result.errors())).contains("did not complete within 2 s (scanTimeout)")
                .contains("latest");
        assertThat(testbed.manifestDigest(repository, "latest")).contains(oldDigest);
    }

    @Test
    void anImageThatWasNeverScannedGetsABasicScanAndOneEcrCannotScanFailsOnlyWhenAVerdictIsRequired() throws Exception {
        twoImages();
        testbed.scanEndsIn(repository, "UNSUPPORTED_IMAGE");
        int mark = testbed.calls().size();

        RunResult required = promote("--source-tag", "rc", "--tags", "1.0.0,latest", "--scan-gate", "true",
                "--scan-timeout", "2s");
        assertThat(required.exitCode()).isNotZero();
        assertThat(required.stdout()).contains("started its basic scan (StartImageScan)");
        assertThat(String.join("\n", required.errors())).contains("does not support this image")
                .contains("so none of the tags (1.0.0, latest) were published");
        assertThat(testbed.manifestDigest(repository, "latest")).contains(oldDigest);
        assertThat(testbed.manifestDigest(repository, "1.0.0")).isEmpty();
        if (onCurrentEngine()) {
            // an index: each platform image is scanned, never the index
            assertThat(testbed.scanStarts(repository)).isNotEmpty().doesNotContain(newDigest);
        } else {
            assertThat(testbed.scanStarts(repository)).containsExactly(newDigest);
        }
        assertScansAskedOnlyAboutImages(mark);

        RunResult lenient = promote("--source-tag", "rc", "--tags", "1.0.0,latest", "--scan-gate", "true",
                "--scan-required", "false", "--scan-timeout", "2s");
        assertThat(lenient.exitCode()).as(lenient.toString()).isZero();
        assertThat(lenient.stdout()).contains("no verdict");
        assertThat(testbed.manifestDigest(repository, "latest")).contains(newDigest);
    }

    @Test
    void aGatedBuildPushIntoARepositoryWithoutScanOnPushStartsAScanAndPassesOrFailsOnItsFindings() throws Exception {
        repository = "team/scan-" + UUID.randomUUID().toString().substring(0, 8);
        Path context = Files.createDirectories(work.resolve("app"));
        SampleApp.create(context, "scan-" + UUID.randomUUID());
        testbed.scanFindings(repository, 1, FINDINGS);

        RunResult result = buildPush(context, "801", "CRITICAL=0");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stdout()).contains("started its basic scan (StartImageScan)");
        assertThat(String.join("\n", result.errors())).contains("1 CRITICAL (at most 0)")
                .contains("the tags that move (login) were not published");
        // build-push keeps its order: the build's own tag first, the moving ones after the gate
        assertThat(testbed.tagsOf(repository)).containsExactly("801");
        String built = testbed.manifestDigest(repository, "801").orElseThrow();
        if (onCurrentEngine()) {
            assertThat(testbed.scanStarts(repository)).isNotEmpty().doesNotContain(built);
        } else {
            assertThat(testbed.scanStarts(repository)).containsExactly(built);
        }

        RunResult passed = buildPush(context, "802", "CRITICAL=1,HIGH=2");

        assertThat(passed.exitCode()).as(passed.toString()).isZero();
        assertThat(passed.stdout()).contains("Scan gate passed");
        assertThat(testbed.tagsOf(repository)).contains("802", "login");
    }

    /**
     * On the current engine the promoted image is an index: ECR has no scan of an index, so the gate asks about each
     * image it lists and never about the index itself (the test bed answers an index as ECR does, and the gate would
     * wait on it for nothing). On the classic engine the promoted digest is the image, asked about as such.
     */
    private void assertScansAskedOnlyAboutImages(int mark) {
        List<String> asked = RunAssertions.callsSince(testbed, mark).stream()
                .filter(call -> call.operation().equals("DescribeImageScanFindings") || call.operation().equals("StartImageScan"))
                .map(call -> call.parameter("imageDigest").orElseThrow()).toList();
        assertThat(asked).isNotEmpty();
        if (onCurrentEngine()) {
            assertThat(asked).doesNotContain(newDigest);
        } else {
            assertThat(asked).containsOnly(newDigest);
        }
    }

    private RunResult buildPush(Path context, String buildId, String failOn) throws Exception {
        return runner("build-push", "--repository", repository, "--context", "src",
                "--tags", "$(Build.BuildId),$(Build.SourceBranchName)", "--scan-gate", "true", "--fail-on", failOn,
                "--scan-timeout", "2s")
                .env(TestBedFixture.awsEnvironment())
                .env(TestBedFixture.azurePipelineVariables(buildId, "0123456789abcdef0123456789abcdef01234567"))
                .in(context).run();
    }
}
