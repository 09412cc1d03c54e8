package io.ecrflow.testbed.ecr;

import io.ecrflow.testbed.aws.AwsError;
import io.ecrflow.testbed.aws.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An ECR Public repository's catalog data, the text and badges the ECR Public Gallery shows:
 * short description, "about" and "usage" markdown, operating systems and architectures.
 */
public record PublicCatalogData(Optional<String> description, Optional<String> aboutText, Optional<String> usageText,
        List<String> operatingSystems, List<String> architectures) {

    public PublicCatalogData {
        operatingSystems = List.copyOf(operatingSystems);
        architectures = List.copyOf(architectures);
    }

    static PublicCatalogData empty() {
        return new PublicCatalogData(Optional.empty(), Optional.empty(), Optional.empty(), List.of(), List.of());
    }

    /** A {@code RepositoryCatalogDataInput}, checked against the limits of the ECR Public API reference. */
    static PublicCatalogData fromInput(JsonNode input) {
        Optional<String> description = limited(input, "description", 1024);
        Optional<String> about = limited(input, "aboutText", 25600);
        Optional<String> usage = limited(input, "usageText", 25600);
        return new PublicCatalogData(description, about, usage, badges(input, "operatingSystems"),
                badges(input, "architectures"));
    }

    /** The {@code RepositoryCatalogData} output shape. */
    ObjectNode toJson() {
        ObjectNode output = Json.object();
        description.ifPresent(text -> output.put("description", text));
        aboutText.ifPresent(text -> output.put("aboutText", text));
        usageText.ifPresent(text -> output.put("usageText", text));
        if (!operatingSystems.isEmpty()) {
            operatingSystems.forEach(output.putArray("operatingSystems")::add);
        }
        if (!architectures.isEmpty()) {
            architectures.forEach(output.putArray("architectures")::add);
        }
        output.put("marketplaceCertified", false);
        return output;
    }

    private static Optional<String> limited(JsonNode input, String member, int max) {
        Optional<String> value = Json.text(input, member);
        if (value.isPresent() && value.get().length() > max) {
            throw AwsError.invalidParameter("Invalid parameter at '" + member + "' failed to satisfy constraint: "
                    + "'Member must have length less than or equal to " + max + "'");
        }
        return value;
    }

    private static List<String> badges(JsonNode input, String member) {
        List<String> values = new ArrayList<>();
        JsonNode list = input.path(member);
        list.forEach(value -> values.add(value.asText()));
        if (values.size() > 50 || values.stream().anyMatch(v -> v.isEmpty() || v.length() > 50)) {
            throw AwsError.invalidParameter("Invalid parameter at '" + member + "' failed to satisfy constraint: "
                    + "'at most 50 entries of 1 to 50 characters'");
        }
        return values;
    }
}
