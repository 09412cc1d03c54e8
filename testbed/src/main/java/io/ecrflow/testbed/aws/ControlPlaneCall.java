package io.ecrflow.testbed.aws;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One request the control plane answered.
 *
 * @param service     {@code ecr}, {@code ecr-public} or {@code sts}
 * @param operation   e.g. {@code CreateRepository}, {@code AssumeRole}; empty when unreadable
 * @param accessKeyId the key id the request was signed with; empty when it was not signed
 * @param region      the region of the signature's credential scope; empty when it was not signed
 * @param errorCode   the error returned, e.g. {@code RepositoryNotFoundException}; empty on success
 * @param parameters  what the request asked for, as far as tests check it: for STS the role ARN,
 *                    session name, external id, source identity and duration; for ECR the registry
 *                    id, repository name and the digest of the request's imageId. Never a secret: a web identity token is left out.
 */
public record ControlPlaneCall(
        String service,
        String operation,
        Optional<String> accessKeyId,
        Optional<String> region,
        Optional<String> errorCode,
        Instant at,
        Map<String, String> parameters) {

    public ControlPlaneCall {
        parameters = Map.copyOf(parameters);
    }

    public boolean succeeded() {
        return errorCode.isEmpty();
    }

    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name));
    }
}
