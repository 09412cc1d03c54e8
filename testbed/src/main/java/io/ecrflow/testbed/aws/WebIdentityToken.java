package io.ecrflow.testbed.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The claims of a web identity token (a JWT) that AssumeRoleWithWebIdentity looks at. The signature
 * is deliberately not verified: the testbed trusts issuers by name only, since what the tests prove
 * is that the runner hands STS the token its CI issued, not that STS can check RSA signatures.
 */
record WebIdentityToken(String issuer, String subject, Set<String> audiences, Optional<Instant> expiresAt) {

    static WebIdentityToken parse(String token) {
        String[] parts = token.trim().split("\\.", -1);
        if (parts.length != 3) {
            throw invalid("The web identity token is not a JWT (header.payload.signature).");
        }
        JsonNode claims;
        try {
            claims = Json.MAPPER.readTree(new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | IOException e) {
            throw invalid("The web identity token's payload is not Base64url-encoded JSON.");
        }
        if (claims == null || !claims.isObject() || !claims.hasNonNull("iss")) {
            throw invalid("The web identity token has no 'iss' claim.");
        }
        Set<String> audiences = new LinkedHashSet<>();
        JsonNode aud = claims.path("aud");
        if (aud.isArray()) {
            aud.forEach(value -> audiences.add(value.asText()));
        } else if (aud.isTextual()) {
            audiences.add(aud.asText());
        }
        Optional<Instant> expiresAt = claims.path("exp").canConvertToLong()
                ? Optional.of(Instant.ofEpochSecond(claims.path("exp").asLong()))
                : Optional.empty();
        return new WebIdentityToken(claims.path("iss").asText(), claims.path("sub").asText(""), audiences, expiresAt);
    }

    private static AwsError invalid(String message) {
        return new AwsError("InvalidIdentityToken", message);
    }
}
