package io.ecrflow.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecrflow.UserError;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code keepVersions}: the ECR lifecycle policy that keeps the newest {@code keep} version images of a prefix and
 * never expires an image that {@code latest}, an extra tag or the registry cache points at. It is written for the
 * way ECR evaluates a policy (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html):
 * <ul>
 * <li>each tag that must never lose its image gets a rule of its own, first in priority, that selects exactly that
 *     tag and keeps one image: a tag names one image at a time, so the rule never expires anything, and an image a
 *     higher-priority rule selects is never expired by a lower one. An old version that latest or an extra tag was
 *     moved back to (a rollback with promote) stays, though ECR dates it by its first push, not by the re-tag;</li>
 * <li>the last rule keeps the {@code keep} newest images with a version tag, newest by push time. A version image
 *     that is also protected still counts among them, so at most {@code keep} versions plus the protected ones
 *     remain.</li>
 * </ul>
 * Nothing else is selected: other tags of the repository, untagged manifests (ECR lists the per-platform and
 * attestation manifests of an image index as untagged images, and expiring them would break the index) and
 * images no rule selects are left alone. ECR patterns have only {@code *}, so {@code <prefix>-*.*.*} also
 * matches tags such as {@code <prefix>-other-1.0.0}; {@link #refuseForeignTags} stops a run before such tags
 * would be counted as versions.
 *
 * @param protectedTags latest and the extra tags that move to each new version, the registry cache's tag
 */
public record VersionRetention(VersionTags versions, int keep, List<Tag> protectedTags) {
    public static final String INPUT = "keepVersions";
    /** ECR's quota of rules in one lifecycle policy. */
    static final int MAX_RULES = 50;
    private static final String DESCRIPTION = "ecrflow keepVersions: ";
    private static final ObjectMapper JSON = new ObjectMapper();

    public VersionRetention {
        protectedTags = List.copyOf(protectedTags);
        if (protectedTags.size() + 1 > MAX_RULES) {
            throw new UserError("keepVersions needs a lifecycle rule for each of the " + protectedTags.size()
                    + " tags that move to every version, but ECR takes at most " + MAX_RULES + " rules in a policy. "
                    + "Use fewer extra tags, or write lifecyclePolicy yourself.", INPUT);
        }
    }

    /** The tagPatternList entry that selects the version tags: {@code 6.0-bullseye-slim-*.*.*}. */
    public String pattern() {
        return versions.prefix().isEmpty() ? "*.*.*" : versions.prefix() + "-*.*.*";
    }

    /** Whether ECR's wildcard pattern matches the tag: {@code *} matches any run of characters, even none. */
    boolean matchesPattern(Tag tag) {
        String start = versions.prefix().isEmpty() ? "" : versions.prefix() + "-";
        String value = tag.value();
        return value.startsWith(start) && value.substring(start.length()).chars().filter(c -> c == '.').count() >= 2;
    }

    /** The policy, as indented JSON: the text shown in the log and put on the repository. */
    public String policyText() {
        ObjectNode policy = JSON.createObjectNode();
        ArrayNode rules = policy.putArray("rules");
        int priority = 1;
        for (Tag tag : protectedTags) {
            rule(rules, priority++, "never expire the image tagged " + tag, tag.value(), 1);
        }
        rule(rules, priority, "keep the newest " + keep + " " + versions.pattern() + " versions", pattern(), keep);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(policy);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void rule(ArrayNode rules, int priority, String description, String pattern, int keep) {
        ObjectNode rule = rules.addObject();
        rule.put("rulePriority", priority);
        rule.put("description", DESCRIPTION + description);
        ObjectNode selection = rule.putObject("selection");
        selection.put("tagStatus", "tagged");
        selection.putArray("tagPatternList").add(pattern);
        selection.put("countType", "imageCountMoreThan");
        selection.put("countNumber", keep);
        rule.putObject("action").put("type", "expire");
    }

    /**
     * Refuses a repository whose other tags the version pattern would select: ECR would count their images as
     * versions and expire them. The protected tags are safe, and so are this prefix's real versions.
     */
    public void refuseForeignTags(RepositoryName repository, Collection<Tag> existing) {
        List<Tag> foreign = existing.stream()
                .filter(this::matchesPattern)
                .filter(tag -> versions.versionOf(tag).isEmpty() && !protectedTags.contains(tag))
                .sorted(java.util.Comparator.comparing(Tag::value))
                .toList();
        if (!foreign.isEmpty()) {
            throw new UserError("keepVersions cannot be applied to " + repository + ": its tags "
                    + foreign.stream().limit(5).map(Tag::value).collect(Collectors.joining(", "))
                    + (foreign.size() > 5 ? " (and " + (foreign.size() - 5) + " more)" : "")
                    + " are not " + versions.pattern() + " versions, but match " + pattern() + ", the closest pattern an "
                    + "ECR lifecycle rule can express, so ECR would count and expire them as versions. Keep this "
                    + "prefix in a repository of its own, or write lifecyclePolicy yourself instead of keepVersions.",
                    INPUT);
        }
    }
}
