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
            description = "AWS region of the registry, e.g. eu-west-1. Default: AWS_REGION, AWS_DEFAULT_REGION or the profile's region.")
    String region;

    @Option(names = "--unlisted-region", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Accept a region this version of ecrflow does not know yet (a new AWS region). Default: false.")
    String unlistedRegion;

    @Option(names = "--registry-id", paramLabel = "ACCOUNT",
            description = "Account id of the registry when it is not the caller's own (cross-account push).")
    String registryId;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "ECR (or ECR Public) API endpoint. Default: the SDK's AWS_ENDPOINT_URL_ECR / "
                    + "AWS_ENDPOINT_URL_ECR_PUBLIC / AWS_ENDPOINT_URL, else AWS's own.")
    String endpoint;

    @Option(names = "--public", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Use ECR Public (public.ecr.aws, API in us-east-1) instead of a private registry; "
                    + "platform-image and promote refuse it (private registries only). Default: false.")
    String publicRegistry;

    @Option(names = "--registry-alias", paramLabel = "ALIAS",
            description = "ECR Public registry alias (public.ecr.aws/<alias>). Default: the registry's primary alias.")
    String registryAlias;

    @Option(names = "--aws-connection", paramLabel = "ID",
            description = "Azure Pipelines: the AWS (ecrflow) service connection the credentials come from (its id, as the "
                    + "agent passes the task input); its keys or OIDC token, and its role, reach the step as ENDPOINT_* variables.")
    String awsConnection;

    @Option(names = "--aws-credentials", paramLabel = "ID",
            description = "Azure Pipelines: an AWS Toolkit service connection (type AWS) to take the credentials from instead, "
                    + "under the input name the Toolkit's tasks use.")
    String awsCredentials;

    @Option(names = "--profile", paramLabel = "NAME",
            description = "Named profile of the shared AWS config and credentials files (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE).")
    String profile;

    @Option(names = "--credentials-command", paramLabel = "COMMAND",
            description = "Command that prints AWS credential_process JSON (Version, AccessKeyId, SecretAccessKey, SessionToken, "
                    + "Expiration); run through the shell, and again before its credentials expire.")
    String credentialsCommand;

    @Option(names = "--credentials-command-timeout", paramLabel = "SECONDS",
            description = "How long the credentials command may run: seconds, or e.g. 2m. Default: 60.")
    String credentialsCommandTimeout;

    @Option(names = "--web-identity-token-file", paramLabel = "FILE",
            description = "File holding an OIDC token to exchange for roleArn (AssumeRoleWithWebIdentity). "
                    + "Default: AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN, through the default chain.")
    String webIdentityTokenFile;

    @Option(names = "--oidc-service-connection-id", paramLabel = "ID",
            description = "Azure Pipelines service connection whose OIDC token is exchanged for roleArn (workload identity "
                    + "federation); not needed with awsConnection, which does this for a federated connection.")
    String oidcServiceConnectionId;

    @Option(names = "--role-arn", paramLabel = "ARN",
            description = "IAM role to assume on top of the credentials (or to exchange a web identity token for).")
    String roleArn;

    @Option(names = "--external-id", paramLabel = "ID", description = "External id the role's trust policy requires.")
    String externalId;

    @Option(names = "--role-session-name", paramLabel = "NAME",
            description = "Name of the assumed-role session, shown in CloudTrail. Default: ecrflow-<run id>.")
    String roleSessionName;

    @Option(names = "--role-duration", paramLabel = "DURATION",
            description = "Length of the assumed-role session: seconds, or e.g. 15m, 1h (15 minutes to 12 hours). Default: 1h.")
    String roleDuration;

    /** Read once for the whole run, before the command's story, by {@link RunnerCommand}. */
    @Option(names = "--ca-bundle", paramLabel = "FILE",
            description = "PEM file of CA certificates to trust besides Java's own, for a TLS-intercepting proxy or a company "
                    + "CA: every HTTPS call of the run (AWS, registries, Azure DevOps, Teams) trusts them. Default: AWS_CA_BUNDLE.")
    String caBundle;

    /** Whether the registry is ECR Public. */
    boolean publicRegistry() {
        return Inputs.bool(publicRegistry, false, "public");
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
                .allowingUnlistedRegion(Inputs.bool(unlistedRegion, false, "unlistedRegion"));
    }

    CredentialSettings credentials() {
        Optional<String> role = Inputs.text(roleArn);
        role.ifPresent(value -> {
            if (!ROLE_ARN.matcher(value).matches()) {
                throw new UserError("Role ARN '" + value + "' is not an IAM role ARN such as "
                        + "arn:aws:iam::123456789012:role/ecr-push.", "roleArn");
            }
        });
        Duration timeout = Inputs.duration(credentialsCommandTimeout, CredentialSettings.DEFAULT_COMMAND_TIMEOUT,
                "credentialsCommandTimeout");
        Optional<Duration> session = Inputs.text(roleDuration).map(text -> Inputs.duration(text, null, "roleDuration"));
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
