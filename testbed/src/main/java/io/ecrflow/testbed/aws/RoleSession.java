package io.ecrflow.testbed.aws;

import java.time.Instant;
import java.util.Optional;

/**
 * One set of temporary credentials STS issued by AssumeRole or AssumeRoleWithWebIdentity, with what
 * the request asked for. It holds the access key id only, never the secret key or session token.
 *
 * @param callerAccessKeyId the key AssumeRole was signed with; empty for a web identity
 * @param webIdentityIssuer the token's {@code iss}, for AssumeRoleWithWebIdentity
 * @param webIdentitySubject the token's {@code sub}, for AssumeRoleWithWebIdentity
 */
public record RoleSession(
        TrustedRole role,
        String sessionName,
        Optional<String> externalId,
        Optional<String> sourceIdentity,
        Optional<String> callerAccessKeyId,
        Optional<String> webIdentityIssuer,
        Optional<String> webIdentitySubject,
        String accessKeyId,
        Instant issuedAt,
        Instant expiresAt) {

    public String roleArn() {
        return role.arn();
    }

    public String accountId() {
        return role.accountId();
    }

    /** {@code arn:aws:sts::<account>:assumed-role/<role name>/<session name>}, as GetCallerIdentity reports it. */
    public String assumedRoleArn() {
        return "arn:aws:sts::" + role.accountId() + ":assumed-role/" + role.name() + "/" + sessionName;
    }

    /** What an AssumeRole or AssumeRoleWithWebIdentity request asked for, before keys are issued. */
    record Request(TrustedRole role, String sessionName, Optional<String> externalId, Optional<String> sourceIdentity,
            Optional<String> callerAccessKeyId, Optional<String> webIdentityIssuer, Optional<String> webIdentitySubject) {

        RoleSession issued(String accessKeyId, Instant issuedAt, Instant expiresAt) {
            return new RoleSession(role, sessionName, externalId, sourceIdentity, callerAccessKeyId, webIdentityIssuer,
                    webIdentitySubject, accessKeyId, issuedAt, expiresAt);
        }
    }
}
