package io.ecrflow.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrflow.UserError;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * What a credentials command printed, read as AWS's {@code credential_process} output: {@code Version}
 * 1, {@code AccessKeyId}, {@code SecretAccessKey}, optionally {@code SessionToken} and
 * {@code Expiration} (ISO 8601). See "Sourcing credentials with an external process" in the AWS SDKs
 * and Tools reference guide. Failures never quote the output: it holds secrets.
 */
record CredentialProcessOutput(AwsCredentials credentials, Optional<Instant> expiration) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code source} names the command in messages, e.g. "The credentials command `jit`". */
    static CredentialProcessOutput parse(String output, String source, Instant now) {
        JsonNode json;
        try {
            json = JSON.readTree(output);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")";
            throw malformed(source, "is not valid JSON" + where);
        }
        if (json == null || !json.isObject()) {
            throw malformed(source, output.isBlank() ? "is empty" : "is not a JSON object");
        }
        JsonNode version = json.get("Version");
        if (version == null || !version.canConvertToInt() || version.asInt() != 1) {
            throw malformed(source, version == null ? "has no \"Version\" (it must be 1)"
                    : "has \"Version\" " + version + "; only version 1 exists");
        }
        String keyId = required(json, "AccessKeyId", source);
        String secret = required(json, "SecretAccessKey", source);
        Optional<String> token = text(json, "SessionToken");
        Optional<Instant> expiration = text(json, "Expiration").map(value -> instant(value, source));
        if (expiration.isPresent() && !now.isBefore(expiration.get())) {
            throw new UserError(source + " returned credentials that expired at " + expiration.get()
                    + ". Check that the command hands out fresh credentials (and that this machine's clock is right).");
        }
        AwsCredentials credentials = token
                .<AwsCredentials>map(t -> AwsSessionCredentials.builder().accessKeyId(keyId).secretAccessKey(secret)
                        .sessionToken(t).expirationTime(expiration.orElse(null)).build())
                .orElseGet(() -> AwsBasicCredentials.create(keyId, secret));
        return new CredentialProcessOutput(credentials, expiration);
    }

    private static String required(JsonNode json, String field, String source) {
        return text(json, field).orElseThrow(() -> malformed(source, "has no \"" + field + "\""));
    }

    private static Optional<String> text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || !value.isTextual() || value.asText().isBlank() ? Optional.empty() : Optional.of(value.asText());
    }

    private static Instant instant(String value, String source) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw malformed(source, "has an \"Expiration\" that is not an ISO 8601 time such as 2030-01-31T12:00:00Z");
        }
    }

    private static UserError malformed(String source, String problem) {
        return new UserError(source + " printed output that " + problem + ". It must print AWS's credential_process "
                + "JSON: {\"Version\": 1, \"AccessKeyId\": ..., \"SecretAccessKey\": ..., \"SessionToken\": ..., "
                + "\"Expiration\": ...}. (Its output is not shown because it may hold secrets.)", "credentialsCommand");
    }
}
