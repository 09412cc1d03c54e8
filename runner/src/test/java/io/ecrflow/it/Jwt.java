package io.ecrflow.it;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/** OIDC tokens as a CI issues them, for the test bed's STS, which reads the claims but checks no signature. */
final class Jwt {
    private Jwt() {
    }

    static String token(String issuer, String subject, String audience, Instant expiresAt) {
        Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
        String header = encoder.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"test\"}".getBytes(StandardCharsets.UTF_8));
        String claims = "{\"iss\":\"" + issuer + "\",\"sub\":\"" + subject + "\",\"aud\":\"" + audience + "\",\"iat\":"
                + Instant.now().getEpochSecond() + ",\"exp\":" + expiresAt.getEpochSecond() + "}";
        return header + "." + encoder.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "."
                + encoder.encodeToString(("signature-" + System.nanoTime()).getBytes(StandardCharsets.UTF_8));
    }
}
