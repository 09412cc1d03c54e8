package io.ecrflow.platform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecrflow.UserError;
import io.ecrflow.aws.LifecyclePolicy;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@code keepVersions}: the ECR lifecycle policy that keeps the newest {@code keep} version images of a prefix and
 * never expires an image that {@code latest}, an extra tag or the registry cache points at. It is written for the
 * way ECR evaluates a policy (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html):
 * <ul>
 * <li>each tag that must never lose its image gets a rule of its own, ahead of the version rules, that selects
 *     exactly that tag and keeps one image: a tag names one image at a time, so the rule never expires anything,
 *     and an image a higher-priority rule selects is never expired by a lower one. An old version that latest or
 *     an extra tag was moved back to (a rollback with promote) stays, though ECR dates it by its first push;</li>
 * <li>a version rule keeps the {@code keep} newest images with a version tag, newest by push time. A version
 *     image that is also protected still counts among them, so {@code keep} versions plus the protected ones
 *     remain. The older ones are expired, or, with {@link OldVersions} archive, moved to the archive storage class;
 *     a rule counts the images of one storage class only, so archived versions no longer count;</li>
 * <li>with archiveDays, one more rule per prefix selects its archived versions and expires them that many days
 *     after they were archived.</li>
 * </ul>
 * Nothing else is selected: other tags, untagged manifests (ECR lists the per-platform and attestation manifests
 * of an image index as untagged images, and expiring them would break the index) and images no rule selects are
 * left alone. ECR patterns have only {@code *}, so {@code <prefix>-*.*.*} also matches tags such as
 * {@code <prefix>-other-1.0.0}; {@link #refuseForeignTags} stops a run before such tags would count as versions.
 * <p>
 * A repository has one policy, and several prefixes may share it (a team may keep net6 and net7 images in one
 * repository): the rules ecrflow wrote for other prefixes are kept, each protected tag names the prefixes it is
 * kept for, and the rules are ordered by tag and pattern, so every prefix's run writes the same policy.
 *
 * @param protectedTags latest and the extra tags that move to each new version, the registry cache's tag
 * @param old           what happens to the versions past the newest {@code keep}: expired, or archived
 */
public record VersionRetention(VersionTags versions, int keep, List<Tag> protectedTags, OldVersions old) {
    public static final String INPUT = "keepVersions";
    /** ECR's quota of rules in one lifecycle policy. */
    static final int MAX_RULES = 50;
    private static final String DESCRIPTION = "ecrflow keepVersions: ";
    private static final String PROTECTS = DESCRIPTION + "never expire the image tagged ";
    private static final String KEEPS = DESCRIPTION + "keep the newest ";
    private static final String ARCHIVES = ", archive older ones";
    private static final String EXPIRES_ARCHIVED = DESCRIPTION + "expire archived ";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * keepVersions as given: no policy without it, else the one that keeps the newest {@code keep} versions.
     *
     * @param lifecyclePolicyGiven whether the user gave a lifecycle policy of their own, which keepVersions would replace
     * @param protectedTags        the tags whose images are never expired
     * @throws UserError for archive settings without keepVersions, or keepVersions beside a lifecycle policy
     */
    public static Optional<VersionRetention> of(Optional<Integer> keep, OldVersions.Action action,
                                                Optional<Integer> archiveDays, boolean lifecyclePolicyGiven,
                                                VersionTags versions, List<Tag> protectedTags) {
        if (keep.isEmpty()) {
            if (action == OldVersions.Action.ARCHIVE || archiveDays.isPresent()) {
                boolean days = archiveDays.isPresent();
                throw new UserError((days ? "archiveDays" : "retentionAction archive") + " applies to the "
                        + "versions keepVersions retires, but keepVersions is not set. Set keepVersions, or leave "
                        + (days ? "archiveDays" : "retentionAction") + " out.",
                        days ? OldVersions.DAYS_INPUT : OldVersions.ACTION_INPUT);
            }
            return Optional.empty();
        }
        OldVersions old = new OldVersions(action, archiveDays);
        if (lifecyclePolicyGiven) {
            throw new UserError("keepVersions and lifecyclePolicy both set the repository's lifecycle policy. Use "
                    + "keepVersions to keep the newest " + keep.get() + " " + versions.pattern() + " versions with the "
                    + "policy ecrflow generates, or lifecyclePolicy for rules of your own; not both.", INPUT);
        }
        return Optional.of(new VersionRetention(versions, keep.get(), protectedTags, old));
    }

    public VersionRetention {
        protectedTags = List.copyOf(protectedTags);
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

    /**
     * One prefix's share of the policy: how many versions it keeps, what happens to older ones, and the tags it
     * protects (filled in as read).
     */
    private record Family(int keep, OldVersions old, Set<String> protectedTags) {
    }

    /** The policy for this prefix alone, as indented JSON. */
    public String policyText() {
        return policyWith(Optional.empty());
    }

    /**
     * The policy to put, given the repository's current one: this prefix's rules replace the ones ecrflow wrote
     * for it before, the rules ecrflow wrote for other prefixes stay, rules written by hand are dropped.
     */
    public String policyWith(Optional<String> current) {
        Map<String, Family> families = new TreeMap<>(current.map(VersionRetention::familiesIn).orElseGet(TreeMap::new));
        families.put(pattern(), new Family(keep, old, protectedTags.stream().map(Tag::value)
                .collect(Collectors.toCollection(TreeSet::new))));
        Map<String, Set<String>> ownersByTag = new TreeMap<>();
        families.forEach((pattern, family) -> family.protectedTags()
                .forEach(tag -> ownersByTag.computeIfAbsent(tag, t -> new TreeSet<>()).add(pattern)));
        long archiveRules = families.values().stream().filter(family -> family.old().archiveDays().isPresent()).count();
        if (ownersByTag.size() + families.size() + archiveRules > MAX_RULES) {
            throw new UserError("keepVersions needs a lifecycle rule for each of the " + ownersByTag.size()
                    + " tags that move to new versions, one per version prefix (" + families.size()
                    + ") and one per prefix whose archived versions expire (" + archiveRules + "), but ECR takes at most "
                    + MAX_RULES + " rules in a policy. Use fewer extra tags, or write lifecyclePolicy yourself.", INPUT);
        }
        ObjectNode policy = JSON.createObjectNode();
        ArrayNode rules = policy.putArray("rules");
        ownersByTag.forEach((tag, owners) -> keepRule(rules, PROTECTS + tag + " (for " + String.join(", ", owners) + ")",
                tag, 1, false));
        families.forEach((pattern, family) -> keepRule(rules, KEEPS + family.keep() + " " + pattern + " versions"
                + (family.old().archives() ? ARCHIVES : ""), pattern, family.keep(), family.old().archives()));
        families.forEach((pattern, family) -> family.old().archiveDays().ifPresent(days -> expireArchivedRule(rules,
                EXPIRES_ARCHIVED + pattern + " versions " + days + " days after they were archived", pattern, days)));
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(policy);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new rule, last in priority, selecting the tagged images of a pattern: its count and action are the caller's. */
    private static ObjectNode taggedRule(ArrayNode rules, String description, String pattern) {
        ObjectNode rule = rules.addObject();
        rule.put("rulePriority", rules.size());
        rule.put("description", description);
        ObjectNode selection = rule.putObject("selection");
        selection.put("tagStatus", "tagged");
        selection.putArray("tagPatternList").add(pattern);
        return rule;
    }

    /** A rule that keeps the newest {@code keep} images of a pattern and expires, or archives, the others. */
    private static void keepRule(ArrayNode rules, String description, String pattern, int keep, boolean archive) {
        ObjectNode rule = taggedRule(rules, description, pattern);
        ObjectNode selection = (ObjectNode) rule.get("selection");
        selection.put("countType", "imageCountMoreThan");
        selection.put("countNumber", keep);
        ObjectNode action = rule.putObject("action");
        if (archive) {
            action.put("type", "transition").put("targetStorageClass", "archive");
        } else {
            action.put("type", "expire");
        }
    }

    /** A rule that expires a pattern's archived images {@code days} after they were archived. */
    private static void expireArchivedRule(ArrayNode rules, String description, String pattern, int days) {
        ObjectNode rule = taggedRule(rules, description, pattern);
        ObjectNode selection = (ObjectNode) rule.get("selection");
        selection.put("storageClass", "archive");
        selection.put("countType", "sinceImageTransitioned");
        selection.put("countUnit", "days");
        selection.put("countNumber", days);
        rule.putObject("action").put("type", "expire");
    }

    /** The prefixes a policy ecrflow wrote keeps versions of, read back from its rules; none in a policy of another. */
    private static Map<String, Family> familiesIn(String policy) {
        Map<String, Family> families = new TreeMap<>();
        JsonNode rules;
        try {
            rules = JSON.readTree(policy).path("rules");
        } catch (JsonProcessingException e) {
            return families;
        }
        Map<String, Integer> archiveDays = new TreeMap<>();
        for (JsonNode rule : rules) {
            String pattern = rule.path("selection").path("tagPatternList").path(0).asText("");
            if (rule.path("description").asText("").startsWith(EXPIRES_ARCHIVED) && !pattern.isEmpty()) {
                archiveDays.put(pattern, rule.path("selection").path("countNumber").asInt(LifecyclePolicy.MIN_ARCHIVE_DAYS));
            }
        }
        for (JsonNode rule : rules) {
            String description = rule.path("description").asText("");
            String pattern = rule.path("selection").path("tagPatternList").path(0).asText("");
            if (description.startsWith(KEEPS) && !pattern.isEmpty()) {
                boolean archives = rule.path("action").path("type").asText("").equals("transition");
                OldVersions old = archives
                        ? new OldVersions(OldVersions.Action.ARCHIVE, Optional.ofNullable(archiveDays.get(pattern)))
                        : OldVersions.EXPIRE;
                families.put(pattern, new Family(rule.path("selection").path("countNumber").asInt(1), old, new TreeSet<>()));
            }
        }
        for (JsonNode rule : rules) {
            String description = rule.path("description").asText("");
            int owners = description.lastIndexOf(" (for ");
            if (description.startsWith(PROTECTS) && owners > 0 && description.endsWith(")")) {
                String tag = rule.path("selection").path("tagPatternList").path(0).asText("");
                Arrays.stream(description.substring(owners + " (for ".length(), description.length() - 1).split(", "))
                        .map(families::get).filter(Objects::nonNull)
                        .forEach(family -> family.protectedTags().add(tag));
            }
        }
        return families;
    }

    /**
     * Refuses a repository whose other tags the version pattern would select: ECR would count their images as
     * versions and expire them. The protected tags are safe, and so are this prefix's real versions.
     */
    public void refuseForeignTags(RepositoryName repository, Collection<Tag> existing) {
        List<Tag> foreign = existing.stream()
                .filter(this::matchesPattern)
                .filter(tag -> versions.versionOf(tag).isEmpty() && !protectedTags.contains(tag))
                .sorted(Comparator.comparing(Tag::value))
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
