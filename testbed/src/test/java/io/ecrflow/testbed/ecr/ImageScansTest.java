package io.ecrflow.testbed.ecr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecrflow.testbed.AwsClients;
import io.ecrflow.testbed.EcrTestbed;
import io.ecrflow.testbed.RegistryPushes;
import io.ecrflow.testbed.registry.Manifest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ecr.model.DescribeImageScanFindingsResponse;
import software.amazon.awssdk.services.ecr.model.LimitExceededException;
import software.amazon.awssdk.services.ecr.model.ScanNotFoundException;
import software.amazon.awssdk.services.ecr.model.ScanStatus;
import software.amazon.awssdk.services.ecr.model.UnsupportedImageTypeException;
import software.amazon.awssdk.services.ecr.model.ValidationException;

/** StartImageScan and DescribeImageScanFindings as ECR answers them, driven by the real AWS SDK. */
class ImageScansTest {
    private static final List<ScanFinding> FINDINGS = List.of(
            new ScanFinding("CVE-2024-0001", "CRITICAL", "openssl", "3.0.11-1", "3.0.13-1"));
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    @RegisterExtension
    static final EcrTestbed bed = EcrTestbed.standard();

    @Test
    void anImageWithoutScanOnPushHasNoScanUntilStartedThenItsScanRunsAndCompletesOncePerDay() throws Exception {
        bed.ecr().createRepository(r -> r.repositoryName("scans/basic"));
        String digest = pushImage("scans/basic", "basic");
        bed.testbed().scanFindings("scans/basic", 1, FINDINGS);

        assertThatThrownBy(() -> findings("scans/basic", digest)).isInstanceOf(ScanNotFoundException.class);
        var started = bed.ecr().startImageScan(r -> r.repositoryName("scans/basic").imageId(i -> i.imageDigest(digest)));

        assertThat(started.imageScanStatus().status()).isEqualTo(ScanStatus.IN_PROGRESS);
        assertThat(started.imageId().imageDigest()).isEqualTo(digest);
        assertThat(findings("scans/basic", digest).imageScanStatus().status()).isEqualTo(ScanStatus.IN_PROGRESS);
        DescribeImageScanFindingsResponse done = findings("scans/basic", digest);
        assertThat(done.imageScanStatus().status()).isEqualTo(ScanStatus.COMPLETE);
        assertThat(done.imageScanFindings().findings()).singleElement()
                .satisfies(finding -> assertThat(finding.name()).isEqualTo("CVE-2024-0001"));
        assertThat(bed.testbed().scanStarts("scans/basic")).containsExactly(digest);
        assertThatThrownBy(() -> bed.ecr().startImageScan(r -> r.repositoryName("scans/basic").imageId(i -> i.imageDigest(digest))))
                .isInstanceOf(LimitExceededException.class);
    }

    @Test
    void aScanStartedWhereNoTestGaveAnOutcomeFindsNothing() throws Exception {
        bed.ecr().createRepository(r -> r.repositoryName("scans/clean"));
        String digest = pushImage("scans/clean", "clean");

        bed.ecr().startImageScan(r -> r.repositoryName("scans/clean").imageId(i -> i.imageDigest(digest)));

        assertThat(findings("scans/clean", digest).imageScanStatus().status()).isEqualTo(ScanStatus.IN_PROGRESS);
        DescribeImageScanFindingsResponse done = findings("scans/clean", digest);
        assertThat(done.imageScanStatus().status()).isEqualTo(ScanStatus.COMPLETE);
        assertThat(done.imageScanFindings().findings()).isEmpty();
    }

    @Test
    void aRepositoryThatScansOnPushHasTheScanAndCountsItAsTodaysStart() throws Exception {
        bed.ecr().createRepository(r -> r.repositoryName("scans/on-push").imageScanningConfiguration(s -> s.scanOnPush(true)));
        String digest = pushImage("scans/on-push", "on-push");
        bed.testbed().scanFindings("scans/on-push", 0, FINDINGS);

        assertThat(findings("scans/on-push", digest).imageScanStatus().status()).isEqualTo(ScanStatus.COMPLETE);
        assertThatThrownBy(() -> bed.ecr().startImageScan(r -> r.repositoryName("scans/on-push").imageId(i -> i.imageDigest(digest))))
                .isInstanceOf(LimitExceededException.class);
        assertThat(bed.testbed().scanStarts("scans/on-push")).isEmpty();
    }

    @Test
    void enhancedScanningScansWithoutAStartAndRefusesOne() throws Exception {
        bed.ecr().createRepository(r -> r.repositoryName("scans/enhanced"));
        String digest = pushImage("scans/enhanced", "enhanced");
        bed.testbed().enhancedScanFindings("scans/enhanced", 0, FINDINGS);

        assertThat(findings("scans/enhanced", digest).imageScanStatus().statusAsString()).isEqualTo("ACTIVE");
        assertThatThrownBy(() -> bed.ecr().startImageScan(r -> r.repositoryName("scans/enhanced").imageId(i -> i.imageDigest(digest))))
                .isInstanceOf(ValidationException.class);
    }

    @Test
    void anIndexIsNoImageToScanEvenWhereItsImagesAreScannedOnPush() throws Exception {
        bed.ecr().createRepository(r -> r.repositoryName("scans/index").imageScanningConfiguration(s -> s.scanOnPush(true)));
        String image = pushImage("scans/index", "index");
        String indexDigest = pushIndex("scans/index", image, "index");
        bed.testbed().scanFindings("scans/index", 0, FINDINGS);

        assertThatThrownBy(() -> bed.ecr().startImageScan(r -> r.repositoryName("scans/index").imageId(i -> i.imageDigest(indexDigest))))
                .isInstanceOf(UnsupportedImageTypeException.class)
                .hasMessageContaining("An artifact with media type 'application/vnd.oci.image.index.v1+json' cannot be scanned");
        assertThatThrownBy(() -> findings("scans/index", indexDigest)).isInstanceOf(ScanNotFoundException.class);
        assertThat(findings("scans/index", image).imageScanStatus().status()).isEqualTo(ScanStatus.COMPLETE);
        assertThat(bed.testbed().scanStarts("scans/index")).isEmpty();
    }

    @Test
    void enhancedScanningReportsAnIndexAsAnUnsupportedImage() throws Exception {
        bed.ecr().createRepository(r -> r.repositoryName("scans/enhanced-index"));
        String image = pushImage("scans/enhanced-index", "enhanced-index");
        String indexDigest = pushIndex("scans/enhanced-index", image, "enhanced-index");
        bed.testbed().enhancedScanFindings("scans/enhanced-index", 0, FINDINGS);

        DescribeImageScanFindingsResponse index = findings("scans/enhanced-index", indexDigest);

        assertThat(index.imageScanStatus().status()).isEqualTo(ScanStatus.UNSUPPORTED_IMAGE);
        assertThat(index.imageScanFindings()).isNull();
        assertThat(findings("scans/enhanced-index", image).imageScanStatus().statusAsString()).isEqualTo("ACTIVE");
    }

    @Test
    void anEnhancedScanAnswersCompleteWithoutFindingsForTheGivenReadsThenItsFindings() throws Exception {
        bed.ecr().createRepository(r -> r.repositoryName("scans/settling"));
        String digest = pushImage("scans/settling", "settling");
        bed.testbed().enhancedScanFindings("scans/settling", 1, FINDINGS);
        bed.testbed().enhancedScanSettlesAfter("scans/settling", 2);

        assertThat(findings("scans/settling", digest).imageScanStatus().status()).isEqualTo(ScanStatus.IN_PROGRESS);
        for (int read = 1; read <= 2; read++) {
            DescribeImageScanFindingsResponse early = findings("scans/settling", digest);
            assertThat(early.imageScanStatus().status()).isEqualTo(ScanStatus.COMPLETE);
            assertThat(early.imageScanFindings().findingSeverityCounts()).isEmpty();
            assertThat(early.imageScanFindings().enhancedFindings()).isEmpty();
        }
        DescribeImageScanFindingsResponse settled = findings("scans/settling", digest);
        assertThat(settled.imageScanStatus().statusAsString()).isEqualTo("ACTIVE");
        assertThat(settled.imageScanFindings().enhancedFindings()).singleElement()
                .satisfies(finding -> assertThat(finding.severity()).isEqualTo("CRITICAL"));
        assertThat(settled.imageScanFindings().imageScanCompletedAt()).isNotNull();

        var scanning = bed.ecr().getRegistryScanningConfiguration(r -> { }).scanningConfiguration();
        assertThat(scanning.scanTypeAsString()).isEqualTo("ENHANCED");
        assertThat(scanning.rules()).flatExtracting(rule -> rule.repositoryFilters())
                .extracting(filter -> filter.filter()).contains("scans/settling");
    }

    /** An OCI index of the one image {@code image} (pushed with {@code marker}), put with PutImage under "multi". */
    private static String pushIndex(String repository, String image, String marker) {
        String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{"
                + "\"mediaType\":\"" + OCI_MANIFEST + "\",\"digest\":\"" + image + "\",\"size\":" + manifest(marker).length()
                + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
        return bed.ecr().putImage(r -> r.repositoryName(repository).imageTag("multi").imageManifest(index))
                .image().imageId().imageDigest();
    }

    private static DescribeImageScanFindingsResponse findings(String repository, String digest) {
        return bed.ecr().describeImageScanFindings(r -> r.repositoryName(repository).imageId(i -> i.imageDigest(digest)));
    }

    /** An image of one small layer, its blobs uploaded through the registry front and its manifest put with PutImage. */
    private static String pushImage(String repository, String marker) throws Exception {
        upload(repository, config(marker));
        upload(repository, marker.getBytes(StandardCharsets.UTF_8));
        return bed.ecr().putImage(r -> r.repositoryName(repository).imageTag(marker).imageManifest(manifest(marker)))
                .image().imageId().imageDigest();
    }

    private static byte[] config(String marker) {
        return ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"marker\":\"" + marker + "\"}},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + digest(marker.getBytes(StandardCharsets.UTF_8))
                + "\"]}}").getBytes(StandardCharsets.UTF_8);
    }

    private static String manifest(String marker) {
        byte[] config = config(marker);
        byte[] layer = marker.getBytes(StandardCharsets.UTF_8);
        return "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + digest(config) + "\",\"size\":" + config.length
                + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + digest(layer)
                + "\",\"size\":" + layer.length + "}]}";
    }

    private static void upload(String repository, byte[] blob) throws Exception {
        new RegistryPushes(bed.testbed(), bed.ecr()).uploadBlob(repository, blob);
    }

    private static String digest(byte[] content) {
        return Manifest.digestOf(content);
    }
}
