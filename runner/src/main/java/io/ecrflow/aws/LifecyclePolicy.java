package io.ecrflow.aws;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrflow.UserError;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An ECR lifecycle policy, checked against the rules ECR applies
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html) before it is sent, so
 * a mistake is reported with the file it is in instead of as ECR's terse InvalidParameterException after the
 * repository was already created. Rules may expire images or archive them (action "transition" to the archive
 * storage class, https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_examples.html), and only
 * what ECR refuses is refused. The text is sent exactly as written.
 */
public record LifecyclePolicy(String text) {
    private static final String INPUT = "lifecyclePolicy";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> TAG_STATUSES = Set.of("tagged", "untagged", "any");
    private static final Set<String> COUNT_TYPES = Set.of("imageCountMoreThan", "sinceImagePushed", "sinceImagePulled",
            "sinceImageTransitioned");
    private static final String STANDARD = "standard";
    private static final String ARCHIVE = "archive";
    /** ECR allows up to four wildcards in one tagPatternList entry. */
    private static final int MAX_WILDCARDS = 4;
    /** Archived images stay at least 90 days: a rule that expires them sooner is refused. */
    public static final int MIN_ARCHIVE_DAYS = 90;

    /**
     * @param source where the text came from, for every message: "file 'policy.json'" or "the lifecyclePolicy input"
     */
    public static LifecyclePolicy parse(String written, String source) {
        // A file saved with a byte-order mark (Visual Studio's default) is the same policy.
        String text = written.startsWith("\uFEFF") ? written.substring(1) : written;
        JsonNode root = json(text, source);
        JsonNode rules = root.path("rules");
        if (!rules.isArray() || rules.isEmpty()) {
            throw invalid(source, "has no \"rules\" array with at least one rule");
        }
        Map<Integer, Integer> priorities = new HashMap<>();
        List<Rule> checked = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            String rule = "rule " + (i + 1);
            JsonNode node = rules.get(i);
            if (!node.isObject()) {
                throw invalid(source, rule + " is not an object");
            }
            JsonNode priority = node.path("rulePriority");
            if (!priority.isInt() || priority.intValue() < 1) {
                throw invalid(source, rule + " needs \"rulePriority\": a whole number of 1 or more (lower numbers apply first)");
            }
            int value = priority.intValue();
            rule = rule + " (rulePriority " + value + ")";
            Integer earlier = priorities.putIfAbsent(value, i + 1);
            if (earlier != null) {
                throw invalid(source, rule + " has the same rulePriority as rule " + earlier + "; every rule needs its own");
            }
            checked.add(checkRule(node, value, rule, source));
        }
        checkStorageClasses(checked, source);
        return new LifecyclePolicy(text);
    }

    /** What the checks across rules need of one rule. */
    private record Rule(int priority, String name, String storageClass, String tagStatus, Set<String> tags) {
    }

    /** Checks one rule's selection and action, each on its own and against the other. */
    private static Rule checkRule(JsonNode node, int priority, String rule, String source) {
        JsonNode selection = node.path("selection");
        if (!selection.isObject()) {
            throw invalid(source, rule + " has no \"selection\" object");
        }
        String status = selection.path("tagStatus").asText("");
        if (!TAG_STATUSES.contains(status)) {
            throw invalid(source, rule + " needs selection.tagStatus \"tagged\", \"untagged\" or \"any\"");
        }
        boolean prefixes = nonEmptyStrings(selection.path("tagPrefixList"));
        boolean patterns = nonEmptyStrings(selection.path("tagPatternList"));
        if (status.equals("tagged") && prefixes == patterns) {
            throw invalid(source, rule + " selects tagged images, so it needs one of tagPrefixList or tagPatternList "
                    + "(a non-empty list of strings), not " + (prefixes ? "both" : "neither"));
        }
        if (!status.equals("tagged") && (selection.has("tagPrefixList") || selection.has("tagPatternList"))) {
            throw invalid(source, rule + " selects " + status + " images, which takes no tagPrefixList or tagPatternList");
        }
        for (JsonNode pattern : selection.path("tagPatternList")) {
            if (pattern.asText().chars().filter(c -> c == '*').count() > MAX_WILDCARDS) {
                throw invalid(source, rule + " has the tagPatternList entry \"" + pattern.asText() + "\" with more than "
                        + MAX_WILDCARDS + " wildcards (*); use at most " + MAX_WILDCARDS);
            }
        }
        String countType = selection.path("countType").asText("");
        if (!COUNT_TYPES.contains(countType)) {
            throw invalid(source, rule + " needs selection.countType \"imageCountMoreThan\", \"sinceImagePushed\", "
                    + "\"sinceImagePulled\" or \"sinceImageTransitioned\"");
        }
        JsonNode number = selection.path("countNumber");
        if (!number.isInt() || number.intValue() < 1) {
            throw invalid(source, rule + " needs selection.countNumber: a whole number of 1 or more");
        }
        boolean days = selection.path("countUnit").asText("").equals("days");
        if (!countType.equals("imageCountMoreThan") && !days) {
            throw invalid(source, rule + " counts " + countType + ", which needs \"countUnit\": \"days\"");
        }
        if (countType.equals("imageCountMoreThan") && selection.has("countUnit")) {
            throw invalid(source, rule + " counts imageCountMoreThan, which takes no countUnit");
        }
        String storageClass = selection.path("storageClass").asText(STANDARD);
        if (!storageClass.equals(STANDARD) && !storageClass.equals(ARCHIVE)) {
            throw invalid(source, rule + " needs selection.storageClass \"standard\" (the default) or \"archive\"");
        }
        boolean sinceTransition = countType.equals("sinceImageTransitioned");
        if (sinceTransition != storageClass.equals(ARCHIVE)) {
            throw invalid(source, sinceTransition
                    ? rule + " counts sinceImageTransitioned, which selects archived images only: add \"storageClass\": \"archive\""
                    : rule + " selects storageClass \"archive\", which only countType \"sinceImageTransitioned\" counts");
        }
        checkAction(node.path("action"), countType, number.intValue(), rule, source);
        Set<String> tags = new TreeSet<>();
        selection.path("tagPrefixList").forEach(tag -> tags.add("prefix " + tag.asText()));
        selection.path("tagPatternList").forEach(tag -> tags.add("pattern " + tag.asText()));
        return new Rule(priority, rule, storageClass, status, tags);
    }

    /**
     * The action, and the count types ECR ties to one action (lifecycle_policy_examples.html): sinceImagePulled only
     * archives, sinceImageTransitioned only expires, and not before an image spent 90 days in the archive.
     */
    private static void checkAction(JsonNode action, String countType, int days, String rule, String source) {
        String type = action.path("type").asText("");
        if (!type.equals("expire") && !type.equals("transition")) {
            throw invalid(source, rule + " needs \"action\": {\"type\": \"expire\"} or "
                    + "{\"type\": \"transition\", \"targetStorageClass\": \"archive\"}");
        }
        if (type.equals("transition") && !action.path("targetStorageClass").asText("").equals(ARCHIVE)) {
            throw invalid(source, rule + " transitions images, which needs \"targetStorageClass\": \"archive\" in its action");
        }
        if (countType.equals("sinceImagePulled") && !type.equals("transition")) {
            throw invalid(source, rule + " counts sinceImagePulled, which can only archive: use \"action\": "
                    + "{\"type\": \"transition\", \"targetStorageClass\": \"archive\"}, and a sinceImageTransitioned rule to "
                    + "expire archived images later");
        }
        if (countType.equals("sinceImageTransitioned") && !type.equals("expire")) {
            throw invalid(source, rule + " counts sinceImageTransitioned, which can only expire: use \"action\": {\"type\": \"expire\"}");
        }
        if (countType.equals("sinceImageTransitioned") && days < MIN_ARCHIVE_DAYS) {
            throw invalid(source, rule + " expires images " + days + " days after they were archived, but archived images "
                    + "stay at least " + MIN_ARCHIVE_DAYS + " days: use a countNumber of " + MIN_ARCHIVE_DAYS + " or more");
        }
    }

    /**
     * The rules ECR applies among the rules of one storage class (LifecyclePolicies.html, "Lifecycle policy evaluation
     * rules"): the one with tagStatus "any" comes last, one rule at most selects untagged images, and no two select
     * the same set of tags. A rule for archived images and one for standard ones never meet.
     */
    private static void checkStorageClasses(List<Rule> rules, String source) {
        Map<String, List<Rule>> byClass = new TreeMap<>();
        rules.forEach(rule -> byClass.computeIfAbsent(rule.storageClass(), c -> new ArrayList<>()).add(rule));
        byClass.forEach((storageClass, ofClass) -> {
            ofClass.sort(Comparator.comparingInt(Rule::priority));
            for (int i = 0; i < ofClass.size() - 1; i++) {
                if (ofClass.get(i).tagStatus().equals("any")) {
                    throw invalid(source, "the rule with tagStatus \"any\" (rulePriority " + ofClass.get(i).priority()
                            + ") must have the highest rulePriority of the rules for " + storageClass
                            + " images, so that it is evaluated last");
                }
            }
            List<Rule> untagged = ofClass.stream().filter(rule -> rule.tagStatus().equals("untagged")).toList();
            if (untagged.size() > 1) {
                throw invalid(source, untagged.get(1).name() + " selects untagged " + storageClass + " images, as "
                        + untagged.get(0).name() + " does; only one rule per storage class may: merge them");
            }
            Map<Set<String>, Rule> bySelection = new HashMap<>();
            for (Rule rule : ofClass) {
                Rule same = rule.tags().isEmpty() ? null : bySelection.putIfAbsent(rule.tags(), rule);
                if (same != null) {
                    throw invalid(source, rule.name() + " selects the same tags as " + same.name() + "; the rules for "
                            + storageClass + " images each need their own tagPrefixList or tagPatternList");
                }
            }
        });
    }

    /**
     * Whether two policy texts hold the same rules: ECR hands a policy back in its own layout, so texts are
     * compared as JSON (member order and white space aside). Text that is not JSON equals only itself.
     */
    public static boolean sameRules(String one, String other) {
        try {
            return MAPPER.readTree(one).equals(MAPPER.readTree(other));
        } catch (JsonProcessingException e) {
            return one.equals(other);
        }
    }

    /** The policy as indented JSON, for the log. */
    public static String pretty(String text) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(MAPPER.readTree(text));
        } catch (JsonProcessingException e) {
            return text;
        }
    }

    private static boolean nonEmptyStrings(JsonNode list) {
        if (!list.isArray() || list.isEmpty()) {
            return false;
        }
        for (JsonNode item : list) {
            if (!item.isTextual() || item.asText().isBlank()) {
                return false;
            }
        }
        return true;
    }

    private static JsonNode json(String text, String source) {
        try {
            JsonNode root = MAPPER.readTree(text);
            if (root == null || !root.isObject()) {
                throw invalid(source, "is not a JSON object such as {\"rules\": [...]}");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            String reason = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("");
            throw new UserError("The lifecycle policy in " + source + " is not valid JSON" + where + ": " + reason
                    + ". Fix the JSON (see the ECR lifecycle policy syntax).", INPUT);
        }
    }

    private static UserError invalid(String source, String problem) {
        return new UserError("The lifecycle policy in " + source + " is not one ECR accepts: " + problem
                + ". See https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html.", INPUT);
    }
}
