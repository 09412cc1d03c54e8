package io.ecrflow.aws;

import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.Pipeline;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleWithWebIdentityCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityRequest;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns the user's {@link CredentialSettings} into the run's credentials: a base source (an Azure Pipelines
 * service connection's keys, the AWS Toolkit's {@code AWS.*} variables, the default chain, a profile, a
 * credentials command, or a web identity token exchanged for a role), and on top
 * of a base other than a web identity, the role to assume. Refreshing before expiry is left to the
 * SDK's STS providers and to the credentials command's cache. STS is reached the standard SDK way,
 * so {@code AWS_ENDPOINT_URL_STS} applies.
 */
final class CredentialSources {
    private final Environment env;
    private final Pipeline pipeline;
    private final Region region;
    private final List<AutoCloseable> resources = new ArrayList<>();

    private CredentialSources(Environment env, Pipeline pipeline, Region region) {
        this.env = env;
        this.pipeline = pipeline;
        this.region = region;
    }

    static RunCredentials open(CredentialSettings settings, Region region, Environment env, Pipeline pipeline) {
        return open(settings, connection(settings, env), region, env, pipeline);
    }

    /** @param connection the service connection the settings choose, read already ({@link #connection}) */
    static RunCredentials open(CredentialSettings settings, Optional<ServiceConnection> connection, Region region,
                               Environment env, Pipeline pipeline) {
        return new CredentialSources(env, pipeline, region).open(settings, connection);
    }

    /**
     * The service connection the settings choose, as the agent handed it to the step; refused at once when it
     * did not reach the step, or federates without a role to exchange its token for.
     */
    static Optional<ServiceConnection> connection(CredentialSettings settings, Environment env) {
        Optional<ServiceConnection> connection = settings.serviceConnection().map(choice -> ServiceConnection.read(choice, env));
        connection.filter(c -> c.workloadIdentity() && c.roleArn().isEmpty() && settings.roleArn().isEmpty())
                .ifPresent(c -> {
                    throw noRoleFor(c);
                });
        return connection;
    }

    private RunCredentials open(CredentialSettings requested, Optional<ServiceConnection> connection) {
        Optional<ToolkitVariables> toolkit = connection.isEmpty() && noBaseChosen(requested)
                ? ToolkitVariables.read(env) : Optional.empty();
        CredentialSettings settings = withRoleDefaults(requested, connection, toolkit);
        checkCombination(settings);
        connection.ifPresent(c -> announce(c, settings));
        Optional<IdentityToken> identityToken = toolkit.isPresent() ? Optional.empty() : identityToken(settings, connection);
        if (identityToken.isPresent()) {
            // a connection names its own role; only the standard variables' token may take AWS_ROLE_ARN's
            String roleArn = settings.roleArn().or(() -> connection.isPresent() ? Optional.empty() : env.get("AWS_ROLE_ARN"))
                    .orElseThrow(() -> noRoleFor(identityToken.get(), connection));
            return credentials("role " + roleArn + " assumed with " + identityToken.get().describe(),
                    webIdentity(identityToken.get(), roleArn, settings));
        }
        String baseSource;
        AwsCredentialsProvider base;
        Optional<ServiceConnection.AccessKeys> storedKeys = connection.flatMap(ServiceConnection::keys)
                .or(() -> toolkit.map(ToolkitVariables::keys));
        if (storedKeys.isPresent()) {
            // the connection (or the Toolkit's variables) alone decide who the runner is: keys the agent machine has play no part
            baseSource = connection.map(c -> "the AWS service connection chosen in input '" + c.choice().input() + "' ("
                    + storedKeys.get().describe() + ")").orElseGet(ToolkitVariables::describe);
            base = StaticCredentialsProvider.create(awsCredentials(storedKeys.get()));
        } else if (settings.profile().isPresent()) {
            baseSource = "profile '" + settings.profile().get() + "'";
            base = keep(ProfileCredentialsProvider.builder().profileName(settings.profile().get()).build());
        } else if (settings.credentialsCommand().isPresent()) {
            baseSource = CredentialsCommand.describe(settings.credentialsCommand().get());
            base = keep(new CredentialsCommand(settings.credentialsCommand().get(), settings.credentialsCommandTimeout()));
        } else {
            baseSource = defaultChainSource();
            base = keep(DefaultCredentialsProvider.builder().build());
        }
        if (settings.roleArn().isEmpty()) {
            return credentials(baseSource, base);
        }
        // The role's STS calls are signed with the base credentials; a base failure still names the base.
        RunCredentials baseCredentials = new RunCredentials(baseSource, base, pipeline, List.of(), registeredFromEnvironment());
        return credentials("role " + settings.roleArn().get() + " assumed with " + baseSource,
                assumeRole(baseCredentials, settings));
    }

    private static boolean noBaseChosen(CredentialSettings settings) {
        return settings.profile().isEmpty() && settings.credentialsCommand().isEmpty()
                && settings.webIdentityTokenFile().isEmpty() && settings.oidcServiceConnectionId().isEmpty();
    }

    /** Role inputs of the task win; the connection's (or the Toolkit variables') role fills those left empty. */
    private CredentialSettings withRoleDefaults(CredentialSettings settings, Optional<ServiceConnection> connection,
                                                Optional<ToolkitVariables> toolkit) {
        Optional<Duration> duration = ToolkitVariables.roleDuration(env);
        if (connection.isPresent()) {
            ServiceConnection c = connection.get();
            return settings.withRoleDefaults(c.roleArn(), c.externalId(), c.roleSessionName(), duration);
        }
        if (toolkit.isPresent()) {
            ToolkitVariables t = toolkit.get();
            return settings.withRoleDefaults(t.roleArn(), t.externalId(), t.roleSessionName(), duration);
        }
        return settings.withRoleDefaults(Optional.empty(), Optional.empty(), Optional.empty(), duration);
    }

    /** Names the connection and who it makes the runner, before any AWS call. */
    private void announce(ServiceConnection connection, CredentialSettings settings) {
        pipeline.info("Using the AWS service connection chosen in input '" + connection.choice().input() + "': "
                + connection.describeIdentity() + settings.roleArn().map(role -> ", assuming role " + role + ".").orElse("."));
    }

    private static UserError noRoleFor(ServiceConnection connection) {
        return new UserError("The AWS service connection chosen in input '" + connection.choice().input()
                + "' uses workload identity federation (OIDC) but names no role to assume: set its role ARN, or the "
                + "roleArn input.", connection.choice().input());
    }

    private static UserError noRoleFor(IdentityToken token, Optional<ServiceConnection> connection) {
        if (connection.isPresent()) {
            return noRoleFor(connection.get());
        }
        String described = token.describe();
        return new UserError(described.substring(0, 1).toUpperCase() + described.substring(1)
                + " can only be exchanged for a role: set roleArn to the IAM role that trusts its issuer.", "roleArn");
    }

    private static AwsCredentials awsCredentials(ServiceConnection.AccessKeys keys) {
        return keys.sessionToken()
                .<AwsCredentials>map(token -> AwsSessionCredentials.create(keys.accessKeyId(), keys.secretAccessKey().reveal(), token.reveal()))
                .orElseGet(() -> AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey().reveal()));
    }

    private void checkCombination(CredentialSettings settings) {
        List<String> bases = new ArrayList<>();
        settings.profile().ifPresent(p -> bases.add("profile"));
        settings.credentialsCommand().ifPresent(c -> bases.add("credentialsCommand"));
        settings.webIdentityTokenFile().ifPresent(f -> bases.add("webIdentityTokenFile"));
        settings.oidcServiceConnectionId().ifPresent(c -> bases.add("oidcServiceConnectionId"));
        settings.serviceConnection().ifPresent(c -> bases.add(0, c.input()));
        if (bases.size() > 1) {
            throw new UserError("Only one source of AWS credentials can be used, but " + String.join(" and ", bases)
                    + " are set. Keep one of them.", bases.get(1));
        }
        if (settings.externalId().isPresent() && settings.roleArn().isEmpty()) {
            throw new UserError("externalId is set but roleArn is not; an external id is passed when assuming a role.",
                    "externalId");
        }
        if (settings.externalId().isPresent() && settings.webIdentity()) {
            throw new UserError("externalId does not apply to web identity federation (AssumeRoleWithWebIdentity has "
                    + "no external id); the role's trust policy checks the token's subject instead. Remove externalId.",
                    "externalId");
        }
    }

    /**
     * The web identity token to exchange: an explicit file or service connection, or the standard
     * variables. {@code AWS_WEB_IDENTITY_TOKEN_FILE} alone is left to the default chain (with
     * {@code AWS_ROLE_ARN}); paired with roleArn but no {@code AWS_ROLE_ARN} it can only mean that role.
     */
    private Optional<IdentityToken> identityToken(CredentialSettings settings, Optional<ServiceConnection> connection) {
        if (connection.isPresent()) {
            return connection.filter(ServiceConnection::workloadIdentity)
                    .map(c -> new AzurePipelinesOidcToken(c.choice().id(), env));
        }
        if (settings.webIdentityTokenFile().isPresent()) {
            return Optional.of(new IdentityTokenFile(settings.webIdentityTokenFile().get()));
        }
        if (settings.oidcServiceConnectionId().isPresent()) {
            return Optional.of(new AzurePipelinesOidcToken(settings.oidcServiceConnectionId().get(), env));
        }
        boolean nothingElseChosen = settings.profile().isEmpty() && settings.credentialsCommand().isEmpty();
        Optional<String> tokenFile = env.get("AWS_WEB_IDENTITY_TOKEN_FILE");
        if (nothingElseChosen && tokenFile.isPresent() && settings.roleArn().isPresent() && env.get("AWS_ROLE_ARN").isEmpty()
                && env.get("AWS_ACCESS_KEY_ID").isEmpty()) {
            return Optional.of(new IdentityTokenFile(Path.of(tokenFile.get())));
        }
        return Optional.empty();
    }

    private AwsCredentialsProvider webIdentity(IdentityToken token, String roleArn, CredentialSettings settings) {
        String sessionName = RoleSessionName.choose(settings.roleSessionName(), env, Clock.systemUTC());
        AtomicBoolean described = new AtomicBoolean();
        // AssumeRoleWithWebIdentity is unsigned: the token is the caller's proof.
        StsClient sts = sts(AnonymousCredentialsProvider.create());
        return keep(StsAssumeRoleWithWebIdentityCredentialsProvider.builder()
                .stsClient(sts)
                .refreshRequest(() -> {
                    Secret jwt = token.fetch();
                    pipeline.registerSecret(jwt);
                    if (described.compareAndSet(false, true)) {
                        TokenClaims.of(jwt).ifPresent(claims -> pipeline.info("Exchanging " + token.describe() + " ("
                                + claims + ") for role " + roleArn + "."));
                    }
                    var request = AssumeRoleWithWebIdentityRequest.builder().roleArn(roleArn).roleSessionName(sessionName)
                            .webIdentityToken(jwt.reveal());
                    settings.roleDuration().map(Duration::toSeconds).map(Long::intValue).ifPresent(request::durationSeconds);
                    return request.build();
                })
                .build());
    }

    private AwsCredentialsProvider assumeRole(AwsCredentialsProvider base, CredentialSettings settings) {
        var request = AssumeRoleRequest.builder()
                .roleArn(settings.roleArn().orElseThrow())
                .roleSessionName(RoleSessionName.choose(settings.roleSessionName(), env, Clock.systemUTC()));
        settings.externalId().ifPresent(request::externalId);
        settings.roleDuration().map(Duration::toSeconds).map(Long::intValue).ifPresent(request::durationSeconds);
        AssumeRoleRequest built = request.build();
        return keep(StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts(base))
                .refreshRequest(() -> built)
                .build());
    }

    private StsClient sts(AwsCredentialsProvider credentials) {
        return keep(StsClient.builder()
                .httpClientBuilder(AwsHttpClient.withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30)))
                .overrideConfiguration(c -> ThrottlingRetries.configure(c, "STS", pipeline::info))
                .credentialsProvider(credentials)
                .region(region)
                .build());
    }

    /**
     * What the SDK's default chain will find, named in its order (environment, web identity, profile,
     * container, instance), so messages point at the variables the user actually set.
     */
    private String defaultChainSource() {
        if (env.get("AWS_ACCESS_KEY_ID").isPresent()) {
            return "the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY environment variables";
        }
        if (env.get("AWS_WEB_IDENTITY_TOKEN_FILE").isPresent() && env.get("AWS_ROLE_ARN").isPresent()) {
            return "the web identity token in AWS_WEB_IDENTITY_TOKEN_FILE for AWS_ROLE_ARN";
        }
        if (env.get("AWS_PROFILE").isPresent()) {
            return "profile '" + env.get("AWS_PROFILE").get() + "' (AWS_PROFILE)";
        }
        if (env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").isPresent()
                || env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI").isPresent()) {
            return "the container's role (CodeBuild, ECS)";
        }
        return "the AWS default credential chain";
    }

    private <T> T keep(T resource) {
        if (resource instanceof AutoCloseable closeable) {
            resources.add(closeable);
        }
        return resource;
    }

    private RunCredentials credentials(String source, AwsCredentialsProvider provider) {
        return new RunCredentials(source, provider, pipeline, resources, registeredFromEnvironment());
    }

    /** The runner registers these environment secrets at start (see the cli's SecretEnvironment). */
    private Set<String> registeredFromEnvironment() {
        Set<String> values = new HashSet<>();
        List.of("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
                .forEach(name -> env.get(name).ifPresent(values::add));
        return values;
    }
}
