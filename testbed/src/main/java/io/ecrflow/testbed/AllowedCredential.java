package io.ecrflow.testbed;

import java.util.Objects;
import java.util.Optional;

/** An AWS access key the testbed accepts, with the session token it must come with (if any). */
public record AllowedCredential(String accessKeyId, String secretAccessKey, Optional<String> sessionToken) {

    public AllowedCredential {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        Objects.requireNonNull(sessionToken, "sessionToken");
    }

    public static AllowedCredential of(String accessKeyId, String secretAccessKey) {
        return new AllowedCredential(accessKeyId, secretAccessKey, Optional.empty());
    }

    public static AllowedCredential temporary(String accessKeyId, String secretAccessKey, String sessionToken) {
        return new AllowedCredential(accessKeyId, secretAccessKey, Optional.of(sessionToken));
    }

    /** Keeps the secret and token out of logs and assertion messages. */
    @Override
    public String toString() {
        return "AllowedCredential[" + accessKeyId + (sessionToken.isPresent() ? ", temporary]" : "]");
    }
}
