package io.ecrflow.testbed.aws;

import java.util.Objects;
import java.util.Set;

/**
 * IAM actions (such as {@code ecr:InitiateLayerUpload}) an explicit deny withholds from one principal: an access key
 * the testbed accepts (by its id) or an IAM role (by its ARN, for every session of it). The ECR API answers such an
 * action with {@code AccessDeniedException}; the registry front answers the registry request that needs it as ECR
 * does (see {@code docs/testbed.md}).
 */
public record ActionDenial(String principal, Set<String> actions) {

    public ActionDenial {
        Objects.requireNonNull(principal, "principal");
        actions = Set.copyOf(actions);
        for (String action : actions) {
            if (!action.matches("ecr:[A-Za-z]+")) {
                throw new IllegalArgumentException("Not an ECR action: '" + action + "'");
            }
        }
    }

    public static ActionDenial of(String principal, String... actions) {
        return new ActionDenial(principal, Set.of(actions));
    }
}
