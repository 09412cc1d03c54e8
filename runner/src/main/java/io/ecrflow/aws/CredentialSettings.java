package io.ecrflow.aws;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the user asked AWS credentials to come from, before anything is resolved. With none of the
 * sources set, the SDK's default chain applies (environment keys, profile, web identity, container or
 * instance role). A role ARN is assumed on top of whichever base source was chosen, except with a web
 * identity token, which is exchanged for that role directly.
 *
 * @param credentialsCommand a command printing AWS's {@code credential_process} JSON
 * @param webIdentityTokenFile a file holding an OIDC token to exchange with AssumeRoleWithWebIdentity
 * @param oidcServiceConnectionId an Azure Pipelines service connection whose OIDC token is exchanged
 * @param roleDuration how long assumed-role sessions last; STS's default (one hour) when empty
 * @param serviceConnection an Azure Pipelines service connection whose keys (or OIDC token) are the base, and
 *                          whose role fills the role settings left empty
 */
public record CredentialSettings(
        Optional<String> profile,
        Optional<String> credentialsCommand,
        Duration credentialsCommandTimeout,
        Optional<Path> webIdentityTokenFile,
        Optional<String> oidcServiceConnectionId,
        Optional<String> roleArn,
        Optional<String> externalId,
        Optional<String> roleSessionName,
        Optional<Duration> roleDuration,
        Optional<ServiceConnectionChoice> serviceConnection) {

    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(60);

    /** The SDK's default chain, no role. */
    public static CredentialSettings defaultChain() {
        return new CredentialSettings(Optional.empty(), Optional.empty(), DEFAULT_COMMAND_TIMEOUT, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    boolean webIdentity() {
        return webIdentityTokenFile.isPresent() || oidcServiceConnectionId.isPresent();
    }

    /** These settings with the role a connection (or the AWS Toolkit's variables) names, where none is set here. */
    CredentialSettings withRoleDefaults(Optional<String> defaultRoleArn, Optional<String> defaultExternalId,
                                        Optional<String> defaultSessionName, Optional<Duration> defaultDuration) {
        return new CredentialSettings(profile, credentialsCommand, credentialsCommandTimeout, webIdentityTokenFile,
                oidcServiceConnectionId, roleArn.or(() -> defaultRoleArn), externalId.or(() -> defaultExternalId),
                roleSessionName.or(() -> defaultSessionName), roleDuration.or(() -> defaultDuration), serviceConnection);
    }
}
