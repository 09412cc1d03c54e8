package io.ecrflow.testbed.aws;

import java.util.Objects;
import java.util.Set;

/**
 * An IAM OIDC identity provider: web identity tokens whose {@code iss} is {@code issuer} and whose
 * {@code aud} is one of {@code audiences} (IAM calls them client IDs) may assume trusted roles.
 */
public record IdentityProvider(String issuer, Set<String> audiences) {

    /** The audience GitHub Actions and most AWS guides use for tokens meant for STS. */
    public static final String STS_AUDIENCE = "sts.amazonaws.com";

    public IdentityProvider {
        Objects.requireNonNull(issuer, "issuer");
        audiences = Set.copyOf(audiences);
        if (audiences.isEmpty()) {
            throw new IllegalArgumentException("An identity provider needs at least one audience");
        }
    }

    /** A provider for {@code issuer}; with no audience given, {@value #STS_AUDIENCE}. */
    public static IdentityProvider of(String issuer, String... audiences) {
        return new IdentityProvider(issuer, audiences.length == 0 ? Set.of(STS_AUDIENCE) : Set.of(audiences));
    }
}
