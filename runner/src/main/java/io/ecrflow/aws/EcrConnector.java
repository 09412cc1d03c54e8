package io.ecrflow.aws;

import io.ecrflow.UserError;
import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.Pipeline;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecrpublic.EcrPublicClient;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Opens the registry's control plane the standard SDK way: credentials from the source the user chose
 * (see {@link CredentialSettings}; resolved at once, so a failing source stops the run before anything
 * else happens and every secret is registered before anything is printed), the identity in use named
 * in the log (looked up beside the first ECR call, printed when it returns), region from the option or the standard variables (ECR Public: always us-east-1), and the
 * endpoint from the option or the SDK's own {@code AWS_ENDPOINT_URL_ECR} / {@code AWS_ENDPOINT_URL_ECR_PUBLIC}
 * / {@code AWS_ENDPOINT_URL}.
 */
public final class EcrConnector {
    private static final Pattern REGION_SHAPE = Pattern.compile("[a-z]{2}(?:-[a-z]+)+-\\d{1,2}");

    private final Map<String, String> env;
    private final Pipeline pipeline;

    public EcrConnector(Map<String, String> env, Pipeline pipeline) {
        this.env = env;
        this.pipeline = pipeline;
    }

    /** A private registry's control plane; for a command that cannot work with ECR Public. */
    public SdkEcr connectPrivate(AwsTarget target) {
        if (target.publicRegistry()) {
            throw new UserError("This command works with private ECR registries only; remove 'public'.", "public");
        }
        return (SdkEcr) connect(target);
    }

    public Ecr connect(AwsTarget target) {
        if (target.publicRegistry() && target.registryId().isPresent()) {
            throw new UserError("registryId does not apply to ECR Public: images go to the registry of the account "
                    + "in use, under its alias (registryAlias).", "registryId");
        }
        // a service connection that did not reach the step is the first thing to fix, before the region
        Optional<ServiceConnection> connection = CredentialSources.connection(target.credentials(), Environment.of(env));
        Region region = target.publicRegistry() ? publicRegion(target) : resolveRegion(target);
        RunCredentials credentials = CredentialSources.open(target.credentials(), connection, region, Environment.of(env), pipeline);
        try {
            credentials.resolveCredentials();
            CallerIdentity identity = CallerIdentity.lookUpInBackground(credentials, region, pipeline);
            AutoCloseable resources = () -> {
                identity.report(true);
                credentials.close();
            };
            return target.publicRegistry()
                    ? publicEcr(target, credentials, identity, resources)
                    : privateEcr(target, region, credentials, identity, resources);
        } catch (RuntimeException e) {
            credentials.close();
            throw e;
        }
    }

    private SdkEcr privateEcr(AwsTarget target, Region region, RunCredentials credentials, CallerIdentity identity,
                              AutoCloseable resources) {
        var builder = EcrClient.builder()
                .httpClientBuilder(httpClient())
                .credentialsProvider(credentials)
                .overrideConfiguration(c -> ThrottlingRetries.configure(
                        c.addExecutionInterceptor(new IdentityReportInterceptor(identity)), "ECR", pipeline::info))
                .region(region);
        target.endpoint().ifPresent(builder::endpointOverride);
        return new SdkEcr(builder.build(), target.registryId(), resources);
    }

    private SdkEcrPublic publicEcr(AwsTarget target, RunCredentials credentials, CallerIdentity identity,
                                   AutoCloseable resources) {
        var builder = EcrPublicClient.builder()
                .httpClientBuilder(httpClient())
                .credentialsProvider(credentials)
                .overrideConfiguration(c -> ThrottlingRetries.configure(
                        c.addExecutionInterceptor(new IdentityReportInterceptor(identity)), "ECR Public", pipeline::info))
                .region(Region.US_EAST_1);
        target.endpoint().ifPresent(builder::endpointOverride);
        return new SdkEcrPublic(builder.build(), target.registryAlias(), resources);
    }

    private static AwsHttpClient httpClient() {
        return AwsHttpClient.withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(60));
    }

    /** ECR Public's API exists in us-east-1 only, whatever region the rest of the pipeline uses. */
    private Region publicRegion(AwsTarget target) {
        target.region().filter(r -> !r.trim().equals("us-east-1")).ifPresent(r -> pipeline.info("ECR Public's API is "
                + "in us-east-1; region " + r.trim() + " is not used for it."));
        return Region.US_EAST_1;
    }

    Region resolveRegion(AwsTarget target) {
        Optional<String> named = target.region()
                // the service connection's default region: the step's own input wins
                .or(() -> target.credentials().serviceConnection().flatMap(choice ->
                        Environment.of(env).endpointData(choice.id(), "region")).filter(s -> !s.isBlank()))
                .or(() -> Optional.ofNullable(env.get("AWS_REGION")).filter(s -> !s.isBlank()))
                // the AWS CLI's variable, which the SDK for Java does not read on its own
                .or(() -> Optional.ofNullable(env.get("AWS_DEFAULT_REGION")).filter(s -> !s.isBlank()));
        if (named.isPresent()) {
            return checkedRegion(named.get().trim(), target.unlistedRegion());
        }
        try {
            var chain = DefaultAwsRegionProviderChain.builder();
            target.credentials().profile().ifPresent(chain::profileName);
            return checkedRegion(chain.build().getRegion().id(), target.unlistedRegion());
        } catch (SdkClientException e) {
            throw new UserError("No AWS region is set. Give one with --region (task input 'region'), as the AWS "
                    + "service connection's default region, or with the AWS_REGION environment variable.", "region", e);
        }
    }

    /**
     * A region is checked even when the endpoint is the user's own: the SDK signs requests for it, and a typo
     * would otherwise reach a private or test endpoint unnoticed. Regions newer than this SDK pass when the user
     * says so (unlistedRegion).
     */
    static Region checkedRegion(String name, boolean unlistedAllowed) {
        if (!REGION_SHAPE.matcher(name).matches()) {
            throw new UserError("Region '" + name + "' is not an AWS region code such as us-east-1 or eu-west-1 (lower "
                    + "case, parts joined by dashes, a number at the end). Fix --region (task input 'region') or AWS_REGION.",
                    "region");
        }
        Region region = Region.of(name);
        if (!unlistedAllowed && !Region.regions().contains(region)) {
            throw new UserError("'" + name + "' is not a known AWS region. Use a region code such as us-east-1 or "
                    + "eu-west-1 in --region (task input 'region') or AWS_REGION; for a region newer than this "
                    + "version of ecrflow, set unlistedRegion to true.", "region");
        }
        return region;
    }
}
