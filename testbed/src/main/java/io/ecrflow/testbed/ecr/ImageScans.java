package io.ecrflow.testbed.ecr;

import io.ecrflow.testbed.aws.AwsError;
import io.ecrflow.testbed.aws.Json;
import io.ecrflow.testbed.registry.DistributionRegistry;
import io.ecrflow.testbed.registry.Manifest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * ECR's StartImageScan and DescribeImageScanFindings. An image has a scan once it was started (basic
 * scanning on request), or when a test gave its repository an outcome and the repository scans on push or
 * the outcome is enhanced scanning's (which scans continuously, needing no start). The scan is IN_PROGRESS
 * for a number of calls (or forever), then COMPLETE with the test's findings (none without an outcome),
 * paged as ECR pages them; or it ends in another status (FAILED, UNSUPPORTED_IMAGE). An image without a scan
 * is answered with ScanNotFoundException. An image index (or manifest list) is never scanned, only the images it
 * lists: basic scanning has no scan of it (ScanNotFoundException; StartImageScan refuses it as ECR does, "An artifact
 * with media type 'application/vnd.oci.image.index.v1+json' cannot be scanned"), and enhanced scanning reports it
 * UNSUPPORTED_IMAGE (ImageScanStatus: "its media type ... isn't supported"). Counting calls instead of time keeps
 * tests deterministic.
 */
public final class ImageScans {

    /**
     * What the scan of every image of one repository comes to. {@code earlyReads}: after the calls in progress, so
     * many calls answer COMPLETE with no findings before the findings are in, as Amazon Inspector does right after a
     * scan (enhanced scanning only).
     */
    public record Outcome(List<ScanFinding> findings, int callsInProgress, String finalStatus, boolean enhanced, int earlyReads) {
        public static final int NEVER = -1;
        /** The scan of an image started in a repository no test gave an outcome: clean, after one call. */
        static final Outcome CLEAN = new Outcome(List.of(), 1, "COMPLETE", false, 0);

        public Outcome(List<ScanFinding> findings, int callsInProgress, String finalStatus, boolean enhanced) {
            this(findings, callsInProgress, finalStatus, enhanced, 0);
        }
    }

    private final Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    /** repository@digest → when its scan first answered complete (imageScanCompletedAt). */
    private final Map<String, Instant> completions = new ConcurrentHashMap<>();
    /** repository@digest of every image a scan was started for, in order. */
    private final List<String> started = new ArrayList<>();
    private final ImageOperations images;
    private final Repositories repositories;
    private final DistributionRegistry registry;

    ImageScans(ImageOperations images) {
        this.images = images;
        this.repositories = images.repositories();
        this.registry = images.registry();
    }

    public void set(String repository, Outcome outcome) {
        outcomes.put(repository, outcome);
        calls.keySet().removeIf(key -> key.startsWith(repository + "@"));
        completions.keySet().removeIf(key -> key.startsWith(repository + "@"));
    }

    /** The enhanced scans of {@code repository} answer COMPLETE with no findings {@code reads} times before their findings. */
    public void settleAfter(String repository, int reads) {
        Outcome outcome = outcomes.get(repository);
        if (outcome == null || !outcome.enhanced()) {
            throw new IllegalStateException("Give " + repository + " enhanced scan findings first (enhancedScanFindings).");
        }
        set(repository, new Outcome(outcome.findings(), outcome.callsInProgress(), outcome.finalStatus(), true, reads));
    }

    /**
     * GetRegistryScanningConfiguration: ENHANCED, with a continuous-scan rule naming each repository a test gave
     * enhanced scanning, once there is one; BASIC before. The test bed decides enhanced scanning per repository,
     * which the rules' repository filters express.
     */
    ObjectNode registryScanningConfiguration(JsonNode input, String region) {
        List<String> enhanced = outcomes.entrySet().stream().filter(entry -> entry.getValue().enhanced())
                .map(Map.Entry::getKey).sorted().toList();
        ObjectNode output = Json.object().put("registryId", repositories.accountId());
        ObjectNode configuration = output.putObject("scanningConfiguration")
                .put("scanType", enhanced.isEmpty() ? "BASIC" : "ENHANCED");
        ArrayNode rules = configuration.putArray("rules");
        if (!enhanced.isEmpty()) {
            ArrayNode filters = rules.addObject().put("scanFrequency", "CONTINUOUS_SCAN").putArray("repositoryFilters");
            enhanced.forEach(name -> filters.addObject().put("filter", name).put("filterType", "WILDCARD"));
        }
        return output;
    }

    /** The digests of {@code repository} a scan was started for, in order. */
    public synchronized List<String> starts(String repository) {
        return started.stream().filter(key -> key.startsWith(repository + "@"))
                .map(key -> key.substring(repository.length() + 1)).toList();
    }

    /**
     * StartImageScan: a basic scan of one image, at most once a day (a scan on push counts); an index is no
     * image, and with enhanced scanning (Amazon Inspector scans continuously) ECR refuses a manual scan.
     */
    ObjectNode start(JsonNode input, String region) {
        String repository = Json.requiredText(input, "repositoryName");
        String digest = images.digestOf(input);
        Outcome outcome = outcomes.get(repository);
        if (outcome != null && outcome.enhanced()) {
            throw new AwsError("ValidationException", "This operation is not supported for the registry's scan type "
                    + "ENHANCED: Amazon Inspector scans its images.");
        }
        Optional<String> index = indexType(repository, digest);
        if (index.isPresent()) {
            throw new AwsError("UnsupportedImageTypeException", "An artifact with media type '" + index.get()
                    + "' cannot be scanned. For more information, see the Amazon ECR documentation.");
        }
        synchronized (this) {
            // the test bed lives less than a day: every second start of an image is over the daily quota
            if (hasScan(repository, digest, outcome)) {
                throw new AwsError("LimitExceededException", "The scan quota per image has been exceeded. Wait and try again.");
            }
            started.add(repository + "@" + digest);
        }
        ObjectNode output = Json.object();
        output.put("registryId", repositories.accountId()).put("repositoryName", repository);
        output.putObject("imageId").put("imageDigest", digest);
        output.putObject("imageScanStatus").put("status", "IN_PROGRESS").put("description", "The scan is in progress.");
        return output;
    }

    private synchronized boolean hasScan(String repository, String digest, Outcome outcome) {
        return started.contains(repository + "@" + digest) || outcome != null
                && (outcome.enhanced() || repositories.find(repository).map(Repository::scanOnPush).orElse(false));
    }

    /** The media type of the manifest when it is an index or a manifest list; empty for an image. */
    private Optional<String> indexType(String repository, String digest) {
        return registry.manifest(repository, digest).filter(Manifest::isIndex).map(Manifest::mediaType);
    }

    ObjectNode describe(JsonNode input, String region) {
        String repository = Json.requiredText(input, "repositoryName");
        String digest = images.digestOf(input);
        Outcome set = outcomes.get(repository);
        boolean index = indexType(repository, digest).isPresent();
        if (index && set != null && set.enhanced()) {
            ObjectNode output = Json.object();
            output.put("repositoryName", repository);
            output.putObject("imageId").put("imageDigest", digest);
            output.putObject("imageScanStatus").put("status", "UNSUPPORTED_IMAGE")
                    .put("description", "The image's media type is not supported for scanning.");
            return output;
        }
        if (index || !hasScan(repository, digest, set)) {
            throw new AwsError("ScanNotFoundException", "Image scan does not exist for the image with '{imageDigest:'"
                    + digest + "', imageTag:'null'}' in the repository with name '" + repository + "'");
        }
        Outcome outcome = set == null ? Outcome.CLEAN : set;
        int call = calls.computeIfAbsent(repository + "@" + digest, key -> new AtomicInteger()).incrementAndGet();
        ObjectNode output = Json.object();
        output.put("repositoryName", repository);
        output.putObject("imageId").put("imageDigest", digest);
        ObjectNode status = output.putObject("imageScanStatus");
        if (outcome.callsInProgress() == Outcome.NEVER || call <= outcome.callsInProgress()) {
            status.put("status", "IN_PROGRESS").put("description", "The scan is in progress.");
            return output;
        }
        Instant completedAt = completions.computeIfAbsent(repository + "@" + digest, key -> Instant.now());
        if (outcome.finalStatus().equals("COMPLETE") && call <= Math.max(0, outcome.callsInProgress()) + outcome.earlyReads()) {
            // Amazon Inspector's first answers after a scan: complete, before its findings are in
            status.put("status", "COMPLETE").put("description", "The scan was completed successfully.");
            ObjectNode none = output.putObject("imageScanFindings").put("imageScanCompletedAt", Json.epochSeconds(completedAt));
            none.putObject("findingSeverityCounts");
            none.putArray("enhancedFindings");
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
        ObjectNode findings = output.putObject("imageScanFindings").put("imageScanCompletedAt", Json.epochSeconds(completedAt));
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
