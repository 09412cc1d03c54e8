package io.ecrflow.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * ECR's DescribeImageScanFindings for the images of repositories a test gave a scan outcome: the scan is
 * IN_PROGRESS for a number of calls (or forever), then COMPLETE with the test's findings, paged as ECR pages
 * them; or it ends in another status (FAILED, UNSUPPORTED_IMAGE). An image with no outcome was never
 * scanned, which ECR answers with ScanNotFoundException. Counting calls instead of time keeps tests
 * deterministic.
 */
final class ImageScans {

    /** What the scan of every image of one repository comes to. */
    record Outcome(List<ScanFinding> findings, int callsInProgress, String finalStatus, boolean enhanced) {
        static final int NEVER = -1;
    }

    private final Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final ImageOperations images;

    ImageScans(ImageOperations images) {
        this.images = images;
    }

    void set(String repository, Outcome outcome) {
        outcomes.put(repository, outcome);
        calls.keySet().removeIf(key -> key.startsWith(repository + "@"));
    }

    ObjectNode describe(JsonNode input, String region) {
        String repository = Json.requiredText(input, "repositoryName");
        String digest = images.digestOf(input);
        Outcome outcome = outcomes.get(repository);
        if (outcome == null) {
            throw new AwsError("ScanNotFoundException", "Image scan does not exist for the image with '{imageDigest:'"
                    + digest + "', imageTag:'null'}' in the repository with name '" + repository + "'");
        }
        int call = calls.computeIfAbsent(repository + "@" + digest, key -> new AtomicInteger()).incrementAndGet();
        ObjectNode output = Json.object();
        output.put("repositoryName", repository);
        output.putObject("imageId").put("imageDigest", digest);
        ObjectNode status = output.putObject("imageScanStatus");
        if (outcome.callsInProgress() == Outcome.NEVER || call <= outcome.callsInProgress()) {
            status.put("status", "IN_PROGRESS").put("description", "The scan is in progress.");
            return output;
        }
        // Enhanced scanning (Amazon Inspector) reports an image it watches as ACTIVE rather than COMPLETE.
        status.put("status", outcome.enhanced() && outcome.finalStatus().equals("COMPLETE") ? "ACTIVE" : outcome.finalStatus());
        if (!outcome.finalStatus().equals("COMPLETE")) {
            status.put("description", outcome.finalStatus().equals("UNSUPPORTED_IMAGE")
                    ? "UnsupportedImageError: The operating system and/or package manager are not supported."
                    : "The scan failed.");
            return output;
        }
        status.put("description", "The scan was completed successfully.");
        int start = Json.text(input, "nextToken").map(Integer::parseInt).orElse(0);
        int page = input.path("maxResults").asInt(100);
        List<ScanFinding> all = outcome.findings();
        ObjectNode findings = output.putObject("imageScanFindings");
        Map<String, Integer> counts = new TreeMap<>();
        all.forEach(finding -> counts.merge(finding.severity(), 1, Integer::sum));
        ObjectNode severityCounts = findings.putObject("findingSeverityCounts");
        counts.forEach(severityCounts::put);
        ArrayNode list = findings.putArray(outcome.enhanced() ? "enhancedFindings" : "findings");
        for (ScanFinding finding : all.subList(Math.min(start, all.size()), Math.min(start + page, all.size()))) {
            if (outcome.enhanced()) {
                ObjectNode item = list.addObject().put("severity", finding.severity()).put("title", finding.name() + " - "
                        + finding.packageName()).put("type", "PACKAGE_VULNERABILITY").put("status", "ACTIVE");
                ObjectNode details = item.putObject("packageVulnerabilityDetails").put("vulnerabilityId", finding.name());
                ObjectNode pkg = details.putArray("vulnerablePackages").addObject().put("name", finding.packageName())
                        .put("version", finding.packageVersion());
                if (!finding.fixedInVersion().isEmpty()) {
                    pkg.put("fixedInVersion", finding.fixedInVersion());
                }
                continue;
            }
            ObjectNode item = list.addObject().put("name", finding.name()).put("severity", finding.severity())
                    .put("uri", "https://security-tracker.debian.org/tracker/" + finding.name());
            ArrayNode attributes = item.putArray("attributes");
            attributes.addObject().put("key", "package_name").put("value", finding.packageName());
            attributes.addObject().put("key", "package_version").put("value", finding.packageVersion());
        }
        if (start + page < all.size()) {
            output.put("nextToken", Integer.toString(start + page));
        }
        return output;
    }
}
