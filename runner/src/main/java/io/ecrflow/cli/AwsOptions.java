package io.ecrflow.cli;

import io.ecrflow.UserError;
import io.ecrflow.aws.AwsTarget;
import picocli.CommandLine.Option;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

/** Options every AWS command shares. */
public final class AwsOptions {
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");

    @Option(names = "--region", paramLabel = "REGION",
            description = "AWS region of the registry, e.g. eu-west-1. Default: AWS_REGION, AWS_DEFAULT_REGION or the profile's region.")
    String region;

    @Option(names = "--registry-id", paramLabel = "ACCOUNT",
            description = "Account id of the registry when it is not the caller's own (cross-account push).")
    String registryId;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "ECR API endpoint. Default: the SDK's AWS_ENDPOINT_URL_ECR / AWS_ENDPOINT_URL, else AWS's own.")
    String endpoint;

    AwsTarget target() {
        Optional<String> id = Inputs.text(registryId);
        id.ifPresent(value -> {
            if (!ACCOUNT.matcher(value).matches()) {
                throw new UserError("Registry id '" + value + "' is not an AWS account id (12 digits).", "registryId");
            }
        });
        Optional<URI> uri = Inputs.text(endpoint).map(AwsOptions::endpointUri);
        return new AwsTarget(Inputs.text(region), uri, id);
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
