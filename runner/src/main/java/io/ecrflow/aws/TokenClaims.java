package io.ecrflow.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrflow.Secret;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The claims of an OIDC token that an IAM identity provider and a role's trust policy match on. They
 * are not secret (the signature is what makes a token usable), and showing them saves guessing when
 * setting up IAM: the issuer is the provider URL, the audience its client ID, the subject the condition.
 */
record TokenClaims(String issuer, String subject, String audience) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Optional<TokenClaims> of(Secret token) {
        String[] parts = token.reveal().split("\\.");
        if (parts.length < 2) {
            return Optional.empty();
        }
        try {
            JsonNode claims = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            JsonNode aud = claims.path("aud");
            String audience = aud.isArray() ? String.join(", ", JSON.convertValue(aud, String[].class)) : aud.asText("");
            return Optional.of(new TokenClaims(claims.path("iss").asText(""), claims.path("sub").asText(""), audience));
        } catch (IllegalArgumentException | java.io.IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "issuer " + issuer + ", subject " + subject + ", audience " + audience;
    }
}
