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
    // Service connection fields that name rather than prove (the access key id, the AWS Toolkit's role fields):
    // the log may show them, so that a message can say which key or role is in use.
    private static final List<String> NOT_SECRET_FIELDS = List.of("_USERNAME", "_SCHEME", "_ASSUMEROLEARN", "_ROLE",
            "_ROLESESSIONNAME");

    private SecretEnvironment() {
    }

    static void register(Environment env, Pipeline pipeline) {
        env.asMap().forEach((name, value) -> {
            String upper = name.toUpperCase(Locale.ROOT);
            boolean endpointSecret = upper.startsWith("ENDPOINT_AUTH_PARAMETER_")
                    && NOT_SECRET_FIELDS.stream().noneMatch(upper::endsWith);
            // the agent hands a task step each secret pipeline variable as SECRET_<NAME> (AWS.SecretAccessKey, ...)
            boolean secretVariable = upper.startsWith("SECRET_");
            if ((NAMES.contains(upper) || endpointSecret || secretVariable) && value != null && !value.isBlank()) {
                pipeline.registerSecret(Secret.of(value));
            }
        });
    }
}
