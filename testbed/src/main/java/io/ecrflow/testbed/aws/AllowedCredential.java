package io.ecrflow.testbed.aws;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An AWS access key the testbed accepts, with the session token it must come with (if any) and,
 * for temporary credentials, the moment it stops being accepted.
 */
public record AllowedCredential(String accessKeyId, String secretAccessKey, Optional<String> sessionToken,
        Optional<Instant> expiresAt) {

    public AllowedCredential {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        Objects.requireNonNull(sessionToken, "sessionToken");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public AllowedCredential(String accessKeyId, String secretAccessKey, Optional<String> sessionToken) {
        this(accessKeyId, secretAccessKey, sessionToken, Optional.empty());
    }

    public static AllowedCredential of(String accessKeyId, String secretAccessKey) {
        return new AllowedCredential(accessKeyId, secretAccessKey, Optional.empty());
    }

    public static AllowedCredential temporary(String accessKeyId, String secretAccessKey, String sessionToken) {
        return new AllowedCredential(accessKeyId, secretAccessKey, Optional.of(sessionToken));
    }

    /** Temporary credentials as STS issues them: refused from {@code expiresAt} on. */
    public static AllowedCredential expiring(String accessKeyId, String secretAccessKey, String sessionToken,
            Instant expiresAt) {
        return new AllowedCredential(accessKeyId, secretAccessKey, Optional.of(sessionToken), Optional.of(expiresAt));
    }

    boolean expiredAt(Instant now) {
        return expiresAt.map(expiry -> !now.isBefore(expiry)).orElse(false);
    }

    /** Keeps the secret and token out of logs and assertion messages. */
    @Override
    public String toString() {
        return "AllowedCredential[" + accessKeyId + (sessionToken.isPresent() ? ", temporary]" : "]");
    }
}
