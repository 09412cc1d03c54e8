package io.ecrflow.testbed.ecr;

import io.ecrflow.testbed.aws.AwsError;
import io.ecrflow.testbed.aws.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * ECR's lifecycle policy evaluator, as its user guide describes it
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html, "Lifecycle policy evaluation
 * rules", lifecycle_policy_parameters.html, and the worked examples of lifecycle_policy_examples.html):
 * <ul>
 * <li>a rule selects images of one storage class ({@code standard} unless it says {@code archive}); every rule
 *     sees every image its selection matches, whatever other rules do with them; its count or age limit picks the
 *     images it would act on, oldest first;</li>
 * <li>rules apply in rulePriority order, lowest first, and an image is expired or archived by one rule at most:
 *     an image that a higher-priority rule's selection matches is never acted on by a lower one, even when that
 *     rule kept it;</li>
 * <li>{@code expire} deletes an image, {@code transition} moves it to the archive storage class;</li>
 * <li>{@code imageCountMoreThan} counts by push time (by the last restore for an image restored from the
 *     archive), {@code sinceImagePushed} by push time, {@code sinceImagePulled} by the last pull (the push, or the
 *     last restore, when the image was not pulled since), {@code sinceImageTransitioned} by the last archive;</li>
 * <li>tagPatternList (with {@code *} wildcards) and tagPrefixList select an image when each of their entries
 *     matches one of its tags; {@code untagged} selects images without tags, {@code any} every image.</li>
 * </ul>
 * Not modelled: images an index refers to are not kept back from their index.
 */
public final class LifecyclePolicyEvaluator {

    /** ECR allows up to four wildcards in one tagPatternList entry. */
    private static final int MAX_WILDCARDS = 4;
    /** Archived images stay at least 90 days: ECR refuses a rule that expires them sooner. */
    private static final int MIN_ARCHIVE_DAYS = 90;

    enum StorageClass {
        STANDARD, ARCHIVE;

        static StorageClass of(String value) {
            return switch (value) {
                case "standard" -> STANDARD;
                case "archive" -> ARCHIVE;
                default -> throw invalid("storageClass must be standard or archive");
            };
        }
    }

    /** What a rule does to the images it picks. */
    public enum Kind { EXPIRE, TRANSITION }

    /**
     * An image as the evaluator sees it: its digest, its tags (none when untagged), when it was pushed, its storage
     * class, and when it was last pulled, archived and restored, where that happened.
     */
    public record Image(String digest, List<String> tags, Instant pushedAt, StorageClass storageClass,
                 Optional<Instant> lastPulledAt, Optional<Instant> lastArchivedAt, Optional<Instant> lastActivatedAt) {
        public Image {
            tags = List.copyOf(tags);
        }

        /** Push time, or the last restore from the archive: what ECR orders images by. */
        Instant age() {
            return lastActivatedAt.orElse(pushedAt);
        }

        /** The last pull; for an image not pulled since its push or its last restore, that moment. */
        Instant lastUsed() {
            Instant since = age();
            return lastPulledAt.filter(pulled -> pulled.isAfter(since)).orElse(since);
        }
    }

    /** An image the policy expires or archives, and the rule that does it. */
    public record Action(Image image, int rulePriority, Kind kind) {
    }

    private record Rule(int priority, StorageClass storageClass, String tagStatus, List<Pattern> tagPatterns,
                        List<String> tagPrefixes, Set<String> tagLists, String countType, int countNumber, Kind kind) {

        boolean selects(Image image) {
            if (image.storageClass() != storageClass) {
                return false;
            }
            return switch (tagStatus) {
                case "untagged" -> image.tags().isEmpty();
                case "any" -> true;
                default -> !image.tags().isEmpty()
                        && tagPatterns.stream().allMatch(p -> image.tags().stream().anyMatch(t -> p.matcher(t).matches()))
                        && tagPrefixes.stream().allMatch(p -> image.tags().stream().anyMatch(t -> t.startsWith(p)));
            };
        }

        /** The images this rule would act on among those it selects, as if no other rule existed. */
        List<Image> overLimit(List<Image> selected, Instant now) {
            List<Image> youngestFirst = new ArrayList<>(selected);
            youngestFirst.sort(YOUNGEST_FIRST);
            Instant limit = now.minus(Duration.ofDays(countNumber));
            return switch (countType) {
                case "imageCountMoreThan" ->
                        youngestFirst.subList(Math.min(countNumber, youngestFirst.size()), youngestFirst.size());
                case "sinceImagePulled" -> youngestFirst.stream().filter(image -> image.lastUsed().isBefore(limit)).toList();
                case "sinceImageTransitioned" -> youngestFirst.stream()
                        .filter(image -> image.lastArchivedAt().filter(at -> at.isBefore(limit)).isPresent()).toList();
                default -> youngestFirst.stream().filter(image -> image.pushedAt().isBefore(limit)).toList();
            };
        }
    }

    /** Newest first; the digest breaks ties so that an evaluation is repeatable. */
    private static final Comparator<Image> YOUNGEST_FIRST = Comparator.comparing(Image::age).reversed()
            .thenComparing(Image::digest);

    private final List<Rule> rules;

    private LifecyclePolicyEvaluator(List<Rule> rules) {
        this.rules = rules;
    }

    /** Parses a policy as PutLifecyclePolicy checks it; a policy ECR would refuse is InvalidParameterException. */
    static LifecyclePolicyEvaluator parse(String policy) {
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(policy);
        } catch (IOException e) {
            throw invalid("the policy is not valid JSON");
        }
        if (tree == null || !tree.path("rules").isArray() || tree.path("rules").isEmpty()) {
            throw invalid("the policy needs a non-empty 'rules' array");
        }
        List<Rule> rules = new ArrayList<>();
        Set<Integer> priorities = new HashSet<>();
        for (JsonNode node : tree.path("rules")) {
            Rule rule = rule(node);
            if (!priorities.add(rule.priority())) {
                throw invalid("rulePriority " + rule.priority() + " is used by more than one rule");
            }
            rules.add(rule);
        }
        rules.sort(Comparator.comparingInt(Rule::priority));
        for (StorageClass storageClass : StorageClass.values()) {
            checkAmongRulesOf(rules.stream().filter(rule -> rule.storageClass() == storageClass).toList());
        }
        return new LifecyclePolicyEvaluator(List.copyOf(rules));
    }

    /** The rules of one storage class: 'any' comes last, one untagged rule at most, each its own set of tags. */
    private static void checkAmongRulesOf(List<Rule> rules) {
        for (int i = 0; i < rules.size() - 1; i++) {
            if (rules.get(i).tagStatus().equals("any")) {
                throw invalid("a rule with tagStatus 'any' must have the highest rulePriority of its storage class");
            }
        }
        if (rules.stream().filter(rule -> rule.tagStatus().equals("untagged")).count() > 1) {
            throw invalid("only one rule of a storage class may have tagStatus untagged");
        }
        Set<Set<String>> tagLists = new HashSet<>();
        for (Rule rule : rules) {
            if (!rule.tagLists().isEmpty() && !tagLists.add(rule.tagLists())) {
                throw invalid("the rules of a storage class must contain a unique set of prefixes");
            }
        }
    }

    private static Rule rule(JsonNode node) {
        JsonNode selection = node.path("selection");
        JsonNode action = node.path("action");
        if (!node.path("rulePriority").canConvertToInt() || node.path("rulePriority").intValue() < 1
                || !selection.isObject() || !action.isObject()) {
            throw invalid("every rule needs 'rulePriority' (1 or more), 'selection' and 'action'");
        }
        Kind kind = switch (action.path("type").asText()) {
            case "expire" -> Kind.EXPIRE;
            case "transition" -> Kind.TRANSITION;
            default -> throw invalid("the action type must be 'expire' or 'transition'");
        };
        if (kind == Kind.TRANSITION && !action.path("targetStorageClass").asText().equals("archive")) {
            throw invalid("a transition needs targetStorageClass 'archive'");
        }
        String tagStatus = selection.path("tagStatus").asText();
        List<String> patterns = strings(selection.path("tagPatternList"));
        List<String> prefixes = strings(selection.path("tagPrefixList"));
        switch (tagStatus) {
            case "tagged" -> {
                if (patterns.isEmpty() == prefixes.isEmpty()) {
                    throw invalid("a tagged rule needs exactly one of tagPatternList and tagPrefixList");
                }
            }
            case "untagged", "any" -> {
                if (!patterns.isEmpty() || !prefixes.isEmpty()) {
                    throw invalid("tagPatternList and tagPrefixList are only for tagged rules");
                }
            }
            default -> throw invalid("tagStatus must be tagged, untagged or any");
        }
        for (String pattern : patterns) {
            if (pattern.chars().filter(c -> c == '*').count() > MAX_WILDCARDS) {
                throw invalid("a tagPatternList entry may hold at most " + MAX_WILDCARDS + " wildcards");
            }
        }
        String countType = selection.path("countType").asText();
        JsonNode countNumber = selection.path("countNumber");
        if (!countNumber.canConvertToInt() || countNumber.intValue() < 1) {
            throw invalid("countNumber must be a positive integer");
        }
        boolean days = selection.path("countUnit").asText().equals("days");
        StorageClass storageClass = StorageClass.of(selection.path("storageClass").asText("standard"));
        switch (countType) {
            case "imageCountMoreThan" -> {
                if (selection.has("countUnit")) {
                    throw invalid("countUnit is only for sinceImagePushed, sinceImagePulled and sinceImageTransitioned");
                }
            }
            case "sinceImagePushed", "sinceImagePulled", "sinceImageTransitioned" -> {
                if (!days) {
                    throw invalid(countType + " needs countUnit 'days'");
                }
            }
            default -> throw invalid("countType must be imageCountMoreThan, sinceImagePushed, sinceImagePulled or "
                    + "sinceImageTransitioned");
        }
        boolean sinceTransition = countType.equals("sinceImageTransitioned");
        if (sinceTransition != (storageClass == StorageClass.ARCHIVE)) {
            throw invalid("storageClass 'archive' goes with countType sinceImageTransitioned, and only with it");
        }
        if (countType.equals("sinceImagePulled") && kind != Kind.TRANSITION) {
            throw invalid("sinceImagePulled can only be used with the transition action");
        }
        if (sinceTransition && kind != Kind.EXPIRE) {
            throw invalid("sinceImageTransitioned can only be used with the expire action");
        }
        if (sinceTransition && countNumber.intValue() < MIN_ARCHIVE_DAYS) {
            throw invalid("archived images must stay at least " + MIN_ARCHIVE_DAYS + " days before they are expired");
        }
        Set<String> tagLists = new TreeSet<>();
        prefixes.forEach(prefix -> tagLists.add("prefix:" + prefix));
        patterns.forEach(pattern -> tagLists.add("pattern:" + pattern));
        return new Rule(node.path("rulePriority").intValue(), storageClass, tagStatus,
                patterns.stream().map(LifecyclePolicyEvaluator::wildcard).toList(), prefixes, tagLists, countType,
                countNumber.intValue(), kind);
    }

    /** What the policy does at {@code now}: each image it expires or archives with the one rule that does it, oldest first. */
    List<Action> actions(List<Image> images, Instant now) {
        Map<String, Action> actions = new LinkedHashMap<>();
        Map<StorageClass, Set<String>> selectedByHigherRules = new HashMap<>();
        for (Rule rule : rules) {
            Set<String> selectedBefore = selectedByHigherRules.computeIfAbsent(rule.storageClass(), c -> new HashSet<>());
            List<Image> selected = images.stream().filter(rule::selects).toList();
            for (Image image : rule.overLimit(selected, now)) {
                if (!selectedBefore.contains(image.digest())) {
                    actions.putIfAbsent(image.digest(), new Action(image, rule.priority(), rule.kind()));
                }
            }
            selected.forEach(image -> selectedBefore.add(image.digest()));
        }
        List<Action> oldestFirst = new ArrayList<>(actions.values());
        oldestFirst.sort(Comparator.comparing((Action a) -> a.image(), YOUNGEST_FIRST).reversed());
        return oldestFirst;
    }

    private static List<String> strings(JsonNode list) {
        List<String> values = new ArrayList<>();
        if (list.isArray()) {
            list.forEach(item -> values.add(item.asText()));
        }
        return values;
    }

    /** A tagPatternList entry: {@code *} stands for any run of characters, everything else for itself. */
    private static Pattern wildcard(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    private static AwsError invalid(String why) {
        return AwsError.invalidParameter("Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: "
                + "'Lifecycle policy validation failure: " + why + "'");
    }
}
