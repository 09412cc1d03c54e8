package io.ecrflow.testbed.aws;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What IAM allows a caller, as far as the testbed models it: everything but the actions an {@link ActionDenial}
 * withholds from the caller's access key or from the role its session belongs to.
 */
public final class Permissions {

    private final List<ActionDenial> denials;
    private final RoleSessions sessions;
    private final UnaryOperator<String> callerArn;

    /** @param callerArn the caller's ARN for an access key, as GetCallerIdentity reports it */
    public Permissions(List<ActionDenial> denials, RoleSessions sessions, UnaryOperator<String> callerArn) {
        this.denials = List.copyOf(denials);
        this.sessions = sessions;
        this.callerArn = callerArn;
    }

    public boolean allows(String accessKeyId, String action) {
        Optional<String> role = sessions.find(accessKeyId).map(RoleSession::roleArn);
        return denials.stream().noneMatch(denial -> denial.actions().contains(action)
                && (denial.principal().equals(accessKeyId) || role.filter(denial.principal()::equals).isPresent()));
    }

    /** IAM's words for an explicit deny, as ECR passes them on in an AccessDeniedException or a registry's DENIED. */
    public String refusal(String accessKeyId, String action, String resourceArn) {
        return "User: " + callerArn.apply(accessKeyId) + " is not authorized to perform: " + action + " on resource: "
                + resourceArn + " with an explicit deny in an identity-based policy";
    }
}
