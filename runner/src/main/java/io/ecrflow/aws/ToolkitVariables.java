package io.ecrflow.aws;

import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.pipeline.Environment;

import java.time.Duration;
import java.util.Optional;

/**
 * The AWS Toolkit for Azure DevOps' pipeline variables for credentials, honoured as its tasks honour them
 * when no service connection is chosen (aws-toolkit-azure-devops, src/lib/awsConnectionParameters.ts):
 * {@code AWS.AccessKeyID} with {@code AWS.SecretAccessKey} and optionally {@code AWS.SessionToken}, and a
 * role to assume with them in {@code AWS.AssumeRoleArn}, {@code AWS.ExternalId}, {@code AWS.RoleSessionName}.
 * A secret variable reaches a task step only as {@code SECRET_<NAME>}, so both spellings are read.
 * ({@code AWS.Region} needs nothing: the agent hands it over as {@code AWS_REGION}, the SDK's own variable.)
 */
record ToolkitVariables(ServiceConnection.AccessKeys keys, Optional<String> roleArn, Optional<String> externalId,
                        Optional<String> roleSessionName) {
    static final String ACCESS_KEY_ID = "AWS.AccessKeyID";
    static final String SECRET_ACCESS_KEY = "AWS.SecretAccessKey";
    // The Toolkit's variable for the assumed role's session length, in seconds (900 to 43200).
    static final String ROLE_DURATION = "aws.rolecredential.maxduration";

    static Optional<ToolkitVariables> read(Environment env) {
        Optional<String> accessKeyId = variable(env, ACCESS_KEY_ID);
        if (accessKeyId.isEmpty()) {
            return Optional.empty();
        }
        Secret secret = variable(env, SECRET_ACCESS_KEY).map(Secret::of).orElseThrow(() -> new UserError("The pipeline "
                + "variable " + ACCESS_KEY_ID + " is set but " + SECRET_ACCESS_KEY + " is not: set both (the secret key as a "
                + "secret variable), or remove " + ACCESS_KEY_ID + ".", SECRET_ACCESS_KEY));
        var keys = new ServiceConnection.AccessKeys(accessKeyId.get(), secret, variable(env, "AWS.SessionToken").map(Secret::of));
        return Optional.of(new ToolkitVariables(keys, variable(env, "AWS.AssumeRoleArn"), variable(env, "AWS.ExternalId"),
                variable(env, "AWS.RoleSessionName")));
    }

    /** The session length the Toolkit's variable asks for, if set. */
    static Optional<Duration> roleDuration(Environment env) {
        return env.variable(ROLE_DURATION).map(text -> {
            long seconds;
            try {
                seconds = Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                seconds = -1;
            }
            if (seconds < 900 || seconds > 43200) {
                throw new UserError("The pipeline variable " + ROLE_DURATION + " is '" + text + "'; give the role session's "
                        + "length in seconds, 900 to 43200.", ROLE_DURATION);
            }
            return Duration.ofSeconds(seconds);
        });
    }

    static String describe() {
        return "the pipeline variables " + ACCESS_KEY_ID + " and " + SECRET_ACCESS_KEY + " (as the AWS Toolkit reads them)";
    }

    private static Optional<String> variable(Environment env, String name) {
        return env.variable(name).or(() -> env.variable("SECRET_" + name)).map(String::trim);
    }
}
