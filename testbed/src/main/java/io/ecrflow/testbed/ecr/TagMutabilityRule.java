package io.ecrflow.testbed.ecr;

import io.ecrflow.testbed.aws.AwsError;
import io.ecrflow.testbed.aws.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A repository's image tag mutability as ECR keeps it: a mode and, for the two *_WITH_EXCLUSION modes,
 * up to five wildcard filters naming the tags that are the exception (ECR API reference,
 * PutImageTagMutability and ImageTagMutabilityExclusionFilter). A filter matches a whole tag; '*' is
 * any run of characters.
 */
record TagMutabilityRule(String mode, List<String> filters) {

    static final Set<String> MODES = Set.of("MUTABLE", "IMMUTABLE", "MUTABLE_WITH_EXCLUSION", "IMMUTABLE_WITH_EXCLUSION");
    private static final Pattern FILTER = Pattern.compile("[0-9a-zA-Z._*-]{1,128}");

    static final TagMutabilityRule MUTABLE = new TagMutabilityRule("MUTABLE", List.of());

    TagMutabilityRule {
        filters = List.copyOf(filters);
    }

    /** The rule a CreateRepository or PutImageTagMutability call asks for, checked as ECR checks it. */
    static Optional<TagMutabilityRule> from(JsonNode input) {
        Optional<String> mode = Json.text(input, "imageTagMutability");
        JsonNode given = input.path("imageTagMutabilityExclusionFilters");
        List<String> filters = new ArrayList<>();
        for (JsonNode filter : given) {
            if (!"WILDCARD".equals(filter.path("filterType").asText())) {
                throw AwsError.invalidParameter("Invalid parameter at 'filterType' failed to satisfy constraint: "
                        + "'Member must satisfy enum value set: [WILDCARD]'");
            }
            String value = filter.path("filter").asText("");
            if (!FILTER.matcher(value).matches()) {
                throw AwsError.invalidParameter("Invalid parameter at 'filter' failed to satisfy constraint: "
                        + "'Member must satisfy regular expression pattern: ^[0-9a-zA-Z._*-]{1,128}$'");
            }
            filters.add(value);
        }
        if (mode.isEmpty()) {
            if (!filters.isEmpty()) {
                throw AwsError.invalidParameter("Invalid parameter: imageTagMutabilityExclusionFilters require an "
                        + "imageTagMutability of IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION");
            }
            return Optional.empty();
        }
        if (!MODES.contains(mode.get())) {
            throw AwsError.invalidParameter("Invalid parameter at 'imageTagMutability' failed to satisfy constraint: "
                    + "'Member must satisfy enum value set: [MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION, "
                    + "MUTABLE_WITH_EXCLUSION]'");
        }
        if (filters.size() > 5) {
            throw AwsError.invalidParameter("Invalid parameter at 'imageTagMutabilityExclusionFilters' failed to "
                    + "satisfy constraint: 'Member must have length less than or equal to 5'");
        }
        boolean exclusionMode = mode.get().endsWith("_WITH_EXCLUSION");
        if (exclusionMode == filters.isEmpty()) {
            throw AwsError.invalidParameter(exclusionMode
                    ? "Invalid parameter: imageTagMutabilityExclusionFilters are required when imageTagMutability is "
                    + mode.get()
                    : "Invalid parameter: imageTagMutabilityExclusionFilters can only be given with "
                    + "IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION");
        }
        return Optional.of(new TagMutabilityRule(mode.get(), filters));
    }

    /** Whether a tag, once it holds an image, refuses another one. */
    boolean protects(String tag) {
        return switch (mode) {
            case "IMMUTABLE" -> true;
            case "IMMUTABLE_WITH_EXCLUSION" -> !excluded(tag);
            case "MUTABLE_WITH_EXCLUSION" -> excluded(tag);
            default -> false;
        };
    }

    private boolean excluded(String tag) {
        return filters.stream().anyMatch(filter -> Pattern.compile(Arrays.stream(filter.split("\\*", -1))
                .map(Pattern::quote).collect(Collectors.joining(".*"))).matcher(tag).matches());
    }
}
