package io.ecrflow.cli;

import io.ecrflow.UserError;
import io.ecrflow.aws.AwsTarget;
import io.ecrflow.aws.CredentialSettings;
import io.ecrflow.aws.ServiceConnectionChoice;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Options every AWS command shares: where the registry is, where the AWS credentials come from, and the CAs its
 * HTTPS calls trust.
 */
public final class AwsOptions {
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+");
    private static final Pattern ALIAS = Pattern.compile("[a-z][a-z0-9]+(?:[._-][a-z0-9]+)*");

    @Option(names = "--region", paramLabel = "REGION",
            description = "Region of the registry, e.g. eu-west-1. Default: AWS_REGION, AWS_DEFAULT_REGION or the profile's "
                    + "region.")
    String region;

    @Option(names = "--unlisted-region", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", defaultValue = "false",
            description = "The region is checked against the AWS regions ecrflow knows, also with a custom endpoint. Turn this "
                    + "on for a region newer than this version of ecrflow. Default: ${DEFAULT-VALUE}.")
    String unlistedRegion;

    @Option(names = "--registry-id", paramLabel = "ACCOUNT",
            description = "12-digit account id of another account's registry (cross-account; promote: the registry the image is "
                    + "promoted to). Default: the account of the credentials.")
    String registryId;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "ECR API endpoint URL, e.g. a VPC endpoint. Default: AWS_ENDPOINT_URL_ECR or AWS_ENDPOINT_URL on the "
                    + "agent, else AWS's own.")
    String endpoint;

    @Option(names = "--public", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", defaultValue = "false",
            description = "Push to (or log in to) Amazon ECR Public, public.ecr.aws, instead of a private registry. Its API is "
                    + "in us-east-1, whatever region says. Default: ${DEFAULT-VALUE}.")
    String publicRegistry;

    @Option(names = "--registry-alias", paramLabel = "ALIAS",
            description = "ECR Public registry alias, as in public.ecr.aws/<alias>. Default: the registry's primary alias.")
    String registryAlias;

    @Option(names = "--aws-connection", paramLabel = "ID",
            description = "An ecrflow AWS service connection: access keys (temporary ones with their session token), optionally "
                    + "assuming a role, or workload identity federation. Leave empty to use an AWS Toolkit connection "
                    + "(awsCredentials), the AWS Toolkit's AWS.* pipeline variables, or the agent's own AWS credentials: "
                    + "AWS_* environment variables, a profile, or the instance or container role.")
    String awsConnection;

    @Option(names = "--aws-credentials", paramLabel = "ID",
            description = "Instead of awsConnection: a service connection of the AWS Toolkit for Azure DevOps (type AWS), under "
                    + "the input name the Toolkit's tasks use. Its access keys, session token, role to assume, external id, "
                    + "role session name and OIDC are honoured as the Toolkit honours them.")
    String awsCredentials;

    @Option(names = "--profile", paramLabel = "NAME",
            description = "Without a service connection: a named profile of the agent's shared AWS config and credentials "
                    + "files.")
    String profile;

    @Option(names = "--credentials-command", paramLabel = "COMMAND",
            description = "Without a service connection: a command that prints AWS credential_process JSON (temporary keys from "
                    + "a just-in-time access tool). Run through the shell, again before the keys expire.")
    String credentialsCommand;

    @Option(names = "--credentials-command-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long the credentials command may run: seconds, or e.g. 2m. Default: ${DEFAULT-VALUE}.")
    String credentialsCommandTimeout;

    @Option(names = "--web-identity-token-file", paramLabel = "FILE",
            description = "Without a service connection: a file holding an OIDC token to exchange for the role "
                    + "(AssumeRoleWithWebIdentity). Default: the agent's AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN.")
    String webIdentityTokenFile;

    @Option(names = "--oidc-service-connection-id", paramLabel = "ID",
            description = "Id of a service connection whose Azure Pipelines OIDC token is exchanged for the role. Set for you "
                    + "when awsConnection uses workload identity federation; leave empty.")
    String oidcServiceConnectionId;

    @Option(names = "--role-arn", paramLabel = "ARN",
            description = "ARN of an IAM role to assume on top of the credentials, e.g. "
                    + "arn:aws:iam::123456789012:role/ecr-push. Default: the service connection's role, if it names one.")
    String roleArn;

    @Option(names = "--external-id", paramLabel = "ID",
            description = "External id the role's trust policy requires. Default: the service connection's.")
    String externalId;

    @Option(names = "--role-session-name", paramLabel = "NAME",
            description = "Name of the assumed-role session, shown in CloudTrail. Default: the service connection's, else "
                    + "ecrflow-<run id>.")
    String roleSessionName;

    @Option(names = "--role-duration", paramLabel = "DURATION",
            description = "How long the assumed-role session lasts: seconds, or e.g. 15m, 1h (15 minutes to 12 hours). Default: "
                    + "1 hour.")
    String roleDuration;

    /** Read once for the whole run, before the command's story, by {@link RunnerCommand}. */
    @Option(names = "--ca-bundle", paramLabel = "FILE",
            description = "A PEM file of CA certificates to trust besides Java's own, for a TLS-intercepting proxy or a company "
                    + "CA that re-signs HTTPS on the agent. Every HTTPS call of the step (AWS, registries, Azure DevOps, "
                    + "Teams) trusts them. Default: the AWS_CA_BUNDLE variable, else Java's CAs only.")
    String caBundle;

    /** Whether the registry is ECR Public. */
    boolean publicRegistry() {
        return Inputs.bool(publicRegistry, "public");
    }

    AwsTarget target() {
        Optional<String> id = Inputs.text(registryId);
        id.ifPresent(value -> {
            if (!ACCOUNT.matcher(value).matches()) {
                throw new UserError("Registry id '" + value + "' is not an AWS account id (12 digits).", "registryId");
            }
        });
        Optional<URI> uri = Inputs.text(endpoint).map(AwsOptions::endpointUri);
        Optional<String> alias = Inputs.text(registryAlias);
        alias.ifPresent(value -> {
            if (!ALIAS.matcher(value).matches()) {
                throw new UserError("Registry alias '" + value + "' is not an ECR Public alias (2 to 50 lower-case letters, "
                        + "digits and . _ - , starting with a letter).", "registryAlias");
            }
        });
        return new AwsTarget(Inputs.text(region), uri, id, credentials(), publicRegistry(), alias)
                .allowingUnlistedRegion(Inputs.bool(unlistedRegion, "unlistedRegion"));
    }

    CredentialSettings credentials() {
        Optional<String> role = Inputs.text(roleArn);
        role.ifPresent(value -> {
            if (!ROLE_ARN.matcher(value).matches()) {
                throw new UserError("Role ARN '" + value + "' is not an IAM role ARN such as "
                        + "arn:aws:iam::123456789012:role/ecr-push.", "roleArn");
            }
        });
        Duration timeout = Inputs.duration(credentialsCommandTimeout, "credentialsCommandTimeout");
        Optional<Duration> session = Inputs.text(roleDuration).map(text -> Inputs.duration(text, "roleDuration"));
        session.ifPresent(value -> {
            if (value.compareTo(Duration.ofMinutes(15)) < 0 || value.compareTo(Duration.ofHours(12)) > 0) {
                throw new UserError("roleDuration is " + value.toSeconds() + " seconds; STS allows 900 (15 minutes) to "
                        + "43200 (12 hours), and the role's maximum session duration must allow it too.", "roleDuration");
            }
        });
        return new CredentialSettings(Inputs.text(profile), Inputs.text(credentialsCommand), timeout,
                Inputs.text(webIdentityTokenFile).map(Path::of), Inputs.text(oidcServiceConnectionId), role,
                Inputs.text(externalId), Inputs.text(roleSessionName), session, serviceConnection());
    }

    /** The service connection chosen in either input; one connection decides who the run is. */
    private Optional<ServiceConnectionChoice> serviceConnection() {
        Optional<ServiceConnectionChoice> ecrflows = Inputs.text(awsConnection).map(id -> new ServiceConnectionChoice("awsConnection", id));
        Optional<ServiceConnectionChoice> toolkits = Inputs.text(awsCredentials).map(id -> new ServiceConnectionChoice("awsCredentials", id));
        if (ecrflows.isPresent() && toolkits.isPresent()) {
            throw new UserError("Both awsConnection and awsCredentials name a service connection; keep one of them.",
                    "awsCredentials");
        }
        return ecrflows.or(() -> toolkits);
    }

    private static URI endpointUri(String text) {
        try {
            URI uri = URI.create(text);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new UserError("Endpoint '" + text + "' is not a URL such as https://api.ecr.eu-west-1.amazonaws.com.", "endpoint");
        }
    }
}
