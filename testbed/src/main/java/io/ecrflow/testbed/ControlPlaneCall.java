package io.ecrflow.testbed;

import java.time.Instant;
import java.util.Optional;

/**
 * One request the control plane answered.
 *
 * @param service     {@code ecr} or {@code sts}
 * @param operation   e.g. {@code CreateRepository}, {@code GetCallerIdentity}; empty when unreadable
 * @param accessKeyId the key id the request was signed with; empty when it was not signed
 * @param region      the region of the signature's credential scope; empty when it was not signed
 * @param errorCode   the error returned, e.g. {@code RepositoryNotFoundException}; empty on success
 */
public record ControlPlaneCall(
        String service,
        String operation,
        Optional<String> accessKeyId,
        Optional<String> region,
        Optional<String> errorCode,
        Instant at) {

    public boolean succeeded() {
        return errorCode.isEmpty();
    }
}
