package io.ecrflow.testbed.aws;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IAM role the testbed lets callers assume, standing in for the role's trust policy: any
 * caller the testbed knows may assume it (AssumeRole), and so may any web identity token from a
 * trusted {@link IdentityProvider} (AssumeRoleWithWebIdentity). When {@code externalId} is set,
 * AssumeRole must pass exactly that value, as an {@code sts:ExternalId} condition demands.
 */
public record TrustedRole(String arn, Optional<String> externalId) {

    private static final Pattern ARN = Pattern.compile("arn:aws:iam::([0-9]{12}):role/(?:[\\w+=,.@-]+/)*([\\w+=,.@-]+)");

    public TrustedRole {
        Objects.requireNonNull(externalId, "externalId");
        if (!ARN.matcher(Objects.requireNonNull(arn, "arn")).matches()) {
            throw new IllegalArgumentException("Not an IAM role ARN: '" + arn + "'");
        }
    }

    public static TrustedRole of(String arn) {
        return new TrustedRole(arn, Optional.empty());
    }

    public TrustedRole requiringExternalId(String id) {
        return new TrustedRole(arn, Optional.of(id));
    }

    public String accountId() {
        return parts().group(1);
    }

    /** The role's name without its path, as assumed-role ARNs show it. */
    public String name() {
        return parts().group(2);
    }

    private Matcher parts() {
        Matcher matcher = ARN.matcher(arn);
        if (!matcher.matches()) {
            throw new IllegalStateException(arn);
        }
        return matcher;
    }
}
