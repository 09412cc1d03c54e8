package io.ecrflow.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * ECR's lifecycle policy evaluator, as its user guide describes it
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html, "Lifecycle policy evaluation
 * rules", and the worked examples of lifecycle_policy_examples.html):
 * <ul>
 * <li>every rule sees every image its selection matches, whatever other rules do with them; its count or age
 *     limit picks the images it would expire, oldest first by push time;</li>
 * <li>rules apply in rulePriority order, lowest first, and an image is expired by one rule at most: an image
 *     that a higher-priority rule's selection matches is never expired by a lower one, even when that rule
 *     kept it;</li>
 * <li>tagPatternList (with {@code *} wildcards) and tagPrefixList select an image when each of their entries
 *     matches one of its tags; {@code untagged} selects images without tags, {@code any} every image.</li>
 * </ul>
 * Only {@code expire} actions are evaluated; the archive storage class is not modelled.
 */
final class LifecyclePolicyEvaluator {

    /** ECR allows up to four wildcards in one tagPatternList entry. */
    private static final int MAX_WILDCARDS = 4;

    /** An image as the evaluator sees it: its digest, its tags (none when untagged) and when it was pushed. */
    record Image(String digest, List<String> tags, Instant pushedAt) {
        Image {
            tags = List.copyOf(tags);
        }
    }

    /** An image the policy expires and the rule that expires it. */
    record Expiry(Image image, int rulePriority) {
    }

    private record Rule(int priority, String tagStatus, List<Pattern> tagPatterns, List<String> tagPrefixes,
                        String countType, int countNumber) {

        boolean selects(Image image) {
            return switch (tagStatus) {
                case "untagged" -> image.tags().isEmpty();
                case "any" -> true;
                default -> !image.tags().isEmpty()
                        && tagPatterns.stream().allMatch(p -> image.tags().stream().anyMatch(t -> p.matcher(t).matches()))
                        && tagPrefixes.stream().allMatch(p -> image.tags().stream().anyMatch(t -> t.startsWith(p)));
            };
        }

        /** The images this rule would expire among those it selects, as if no other rule existed. */
        List<Image> overLimit(List<Image> selected, Instant now) {
            List<Image> youngestFirst = new ArrayList<>(selected);
            youngestFirst.sort(YOUNGEST_FIRST);
            if (countType.equals("imageCountMoreThan")) {
                return youngestFirst.subList(Math.min(countNumber, youngestFirst.size()), youngestFirst.size());
            }
            Instant limit = now.minus(Duration.ofDays(countNumber));
            return youngestFirst.stream().filter(image -> image.pushedAt().isBefore(limit)).toList();
        }
    }

    /** Push time, newest first; the digest breaks ties so that an evaluation is repeatable. */
    private static final Comparator<Image> YOUNGEST_FIRST = Comparator.comparing(Image::pushedAt).reversed()
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
        int untaggedRules = 0;
        for (JsonNode node : tree.path("rules")) {
            Rule rule = rule(node);
            if (!priorities.add(rule.priority())) {
                throw invalid("rulePriority " + rule.priority() + " is used by more than one rule");
            }
            if (rule.tagStatus().equals("untagged") && ++untaggedRules > 1) {
                throw invalid("only one rule may have tagStatus untagged");
            }
            rules.add(rule);
        }
        rules.sort(Comparator.comparingInt(Rule::priority));
        for (int i = 0; i < rules.size() - 1; i++) {
            if (rules.get(i).tagStatus().equals("any")) {
                throw invalid("a rule with tagStatus 'any' must have the highest rulePriority");
            }
        }
        return new LifecyclePolicyEvaluator(List.copyOf(rules));
    }

    private static Rule rule(JsonNode node) {
        JsonNode selection = node.path("selection");
        if (!node.path("rulePriority").canConvertToInt() || node.path("rulePriority").intValue() < 1
                || !selection.isObject() || !node.path("action").isObject()) {
            throw invalid("every rule needs 'rulePriority' (1 or more), 'selection' and 'action'");
        }
        if (!node.path("action").path("type").asText().equals("expire")) {
            throw invalid("the action type must be 'expire'");
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
        switch (countType) {
            case "imageCountMoreThan" -> {
                if (selection.has("countUnit")) {
                    throw invalid("countUnit is only for sinceImagePushed");
                }
            }
            case "sinceImagePushed" -> {
                if (!days) {
                    throw invalid("sinceImagePushed needs countUnit 'days'");
                }
            }
            default -> throw invalid("countType must be imageCountMoreThan or sinceImagePushed");
        }
        return new Rule(node.path("rulePriority").intValue(), tagStatus,
                patterns.stream().map(LifecyclePolicyEvaluator::wildcard).toList(), prefixes, countType,
                countNumber.intValue());
    }

    /** The images the policy expires at {@code now}, each with the one rule that expires it, oldest first. */
    List<Expiry> expired(List<Image> images, Instant now) {
        Map<String, Expiry> expired = new LinkedHashMap<>();
        Set<String> selectedByHigherRules = new HashSet<>();
        for (Rule rule : rules) {
            List<Image> selected = images.stream().filter(rule::selects).toList();
            for (Image image : rule.overLimit(selected, now)) {
                if (!selectedByHigherRules.contains(image.digest())) {
                    expired.putIfAbsent(image.digest(), new Expiry(image, rule.priority()));
                }
            }
            selected.forEach(image -> selectedByHigherRules.add(image.digest()));
        }
        List<Expiry> oldestFirst = new ArrayList<>(expired.values());
        oldestFirst.sort(Comparator.comparing((Expiry e) -> e.image(), YOUNGEST_FIRST).reversed());
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
