package io.ecrflow.aws;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrflow.UserError;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * An ECR lifecycle policy, checked against the rules ECR applies
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html) before it is sent, so
 * a mistake is reported with the file it is in instead of as ECR's terse InvalidParameterException after the
 * repository was already created. The text is sent exactly as written.
 */
public record LifecyclePolicy(String text) {
    private static final String INPUT = "lifecyclePolicy";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> TAG_STATUSES = Set.of("tagged", "untagged", "any");
    private static final Set<String> COUNT_TYPES = Set.of("imageCountMoreThan", "sinceImagePushed");

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
        int anyPriority = -1;
        int highest = Integer.MIN_VALUE;
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
            highest = Math.max(highest, value);
            if (checkSelection(node.path("selection"), rule, source)) {
                anyPriority = value;
            }
            if (!node.path("action").path("type").asText("").equals("expire")) {
                throw invalid(source, rule + " needs \"action\": {\"type\": \"expire\"}");
            }
        }
        if (anyPriority >= 0 && anyPriority != highest) {
            throw invalid(source, "the rule with tagStatus \"any\" (rulePriority " + anyPriority + ") must have the highest "
                    + "rulePriority, so that it is evaluated last");
        }
        return new LifecyclePolicy(text);
    }

    /** Checks one rule's selection; true when it selects any image. */
    private static boolean checkSelection(JsonNode selection, String rule, String source) {
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
        String countType = selection.path("countType").asText("");
        if (!COUNT_TYPES.contains(countType)) {
            throw invalid(source, rule + " needs selection.countType \"imageCountMoreThan\" or \"sinceImagePushed\"");
        }
        JsonNode number = selection.path("countNumber");
        if (!number.isInt() || number.intValue() < 1) {
            throw invalid(source, rule + " needs selection.countNumber: a whole number of 1 or more");
        }
        boolean days = selection.path("countUnit").asText("").equals("days");
        if (countType.equals("sinceImagePushed") && !days) {
            throw invalid(source, rule + " counts sinceImagePushed, which needs \"countUnit\": \"days\"");
        }
        if (countType.equals("imageCountMoreThan") && selection.has("countUnit")) {
            throw invalid(source, rule + " counts imageCountMoreThan, which takes no countUnit");
        }
        return status.equals("any");
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
