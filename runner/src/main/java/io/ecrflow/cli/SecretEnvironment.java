package io.ecrflow.cli;

import io.ecrflow.Secret;
import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.Pipeline;

import java.util.List;
import java.util.Locale;

/**
 * Registers every secret the environment hands the runner before the runner prints anything, so the
 * agent masks them even if a later message were to contain one.
 */
final class SecretEnvironment {
    // Credentials the launcher and the AWS conventions pass in the environment.
    private static final List<String> NAMES = List.of("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_SECURITY_TOKEN", "INPUT_TEAMSWEBHOOKURL", "INPUT_UPSTREAMPASSWORD", "SYSTEM_ACCESSTOKEN", "AGENT_PROXYPASSWORD");

    private SecretEnvironment() {
    }

    static void register(Environment env, Pipeline pipeline) {
        env.asMap().forEach((name, value) -> {
            String upper = name.toUpperCase(Locale.ROOT);
            boolean endpointSecret = upper.startsWith("ENDPOINT_AUTH_PARAMETER_")
                    && !upper.endsWith("_USERNAME") && !upper.endsWith("_SCHEME");
            if ((NAMES.contains(upper) || endpointSecret) && value != null && !value.isBlank()) {
                pipeline.registerSecret(Secret.of(value));
            }
        });
    }
}
