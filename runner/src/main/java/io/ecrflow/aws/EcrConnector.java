package io.ecrflow.aws;

import io.ecrflow.UserError;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.ecr.EcrClient;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Opens the ECR client the standard SDK way: credentials from the default chain (environment, profile,
 * web identity, container or instance role), region from the option or the standard variables, and the
 * endpoint from the option or the SDK's own {@code AWS_ENDPOINT_URL_ECR} / {@code AWS_ENDPOINT_URL}.
 */
public final class EcrConnector {
    private final Map<String, String> env;

    public EcrConnector(Map<String, String> env) {
        this.env = env;
    }

    public SdkEcr connect(AwsTarget target) {
        Region region = resolveRegion(target);
        AwsCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
        var builder = EcrClient.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60))
                        .build())
                .credentialsProvider(credentials)
                .region(region);
        target.endpoint().ifPresent(builder::endpointOverride);
        return new SdkEcr(builder.build(), target.registryId());
    }

    Region resolveRegion(AwsTarget target) {
        Optional<String> named = target.region()
                .or(() -> Optional.ofNullable(env.get("AWS_REGION")).filter(s -> !s.isBlank()))
                // the AWS CLI's variable, which the SDK for Java does not read on its own
                .or(() -> Optional.ofNullable(env.get("AWS_DEFAULT_REGION")).filter(s -> !s.isBlank()));
        if (named.isPresent()) {
            Region region = Region.of(named.get().trim());
            boolean customEndpoint = target.endpoint().isPresent() || hasEndpointVariable();
            if (!customEndpoint && !Region.regions().contains(region)) {
                throw new UserError("'" + named.get() + "' is not a known AWS region. Use a region code such as "
                        + "us-east-1 or eu-west-1 in --region (task input 'region') or AWS_REGION.", "region");
            }
            return region;
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            throw new UserError("No AWS region is set. Give one with --region (task input 'region') or the "
                    + "AWS_REGION environment variable.", "region", e);
        }
    }

    private boolean hasEndpointVariable() {
        return env.keySet().stream().anyMatch(k -> k.equals("AWS_ENDPOINT_URL") || k.equals("AWS_ENDPOINT_URL_ECR"));
    }
}
