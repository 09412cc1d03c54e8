package io.ecrflow.testbed.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/** Reading request members and writing response members in the JSON 1.1 protocol's conventions. */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static Optional<String> text(JsonNode input, String member) {
        JsonNode value = input.get(member);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
    }

    /** A required member; AWS reports a missing one as a parameter that failed its constraint. */
    public static String requiredText(JsonNode input, String member) {
        return text(input, member).orElseThrow(() -> AwsError.invalidParameter(
                "Invalid parameter at '" + member + "' failed to satisfy constraint: 'must not be null'"));
    }

    /** JSON 1.1 timestamps are epoch seconds, as a number with a fractional part. */
    public static BigDecimal epochSeconds(Instant instant) {
        return BigDecimal.valueOf(instant.toEpochMilli()).movePointLeft(3);
    }
}
