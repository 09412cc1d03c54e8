package io.ecrflow.aws;

import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.pipeline.Environment;

import java.util.Locale;
import java.util.Optional;

/**
 * An AWS service connection as the agent hands it to a task step: its scheme in
 * {@code ENDPOINT_AUTH_SCHEME_<ID>}, its fields in {@code ENDPOINT_AUTH_PARAMETER_<ID>_<FIELD>} and its data
 * in {@code ENDPOINT_DATA_<ID>_<FIELD>}. Two connection types are read:
 * <ul>
 *   <li>ecrflow's ({@code ecrflowaws}): access keys ({@code username}, {@code password}, optionally
 *       {@code sessionToken}) or workload identity federation (scheme {@code None}), and the role to assume
 *       as data ({@code roleArn}, {@code externalId}, {@code roleSessionName});</li>
 *   <li>the AWS Toolkit's ({@code AWS}): the same keys, with the role as fields ({@code assumeRoleArn},
 *       {@code externalId}, {@code roleSessionName}), OIDC's role in the {@code role} field, and keys that
 *       may be left out to assume the role with the agent's own credentials
 *       (aws-toolkit-azure-devops, src/lib/awsConnectionParameters.ts).</li>
 * </ul>
 *
 * @param keys the connection's access keys; empty with workload identity federation, or for a Toolkit
 *             connection that names only a role
 */
public record ServiceConnection(ServiceConnectionChoice choice, Optional<AccessKeys> keys, boolean workloadIdentity,
                                Optional<String> roleArn, Optional<String> externalId, Optional<String> roleSessionName) {
    private static final String KEYS_SCHEME = "usernamepassword";
    private static final String OIDC_SCHEME = "none";

    /** Keys as the connection stores them; the session token only for temporary keys. */
    public record AccessKeys(String accessKeyId, Secret secretAccessKey, Optional<Secret> sessionToken) {
        /** How messages name the keys without showing them. */
        String describe() {
            return "access key ending in " + accessKeyId.substring(Math.max(0, accessKeyId.length() - 4));
        }
    }

    static ServiceConnection read(ServiceConnectionChoice choice, Environment env) {
        String id = choice.id();
        Optional<String> scheme = env.get("ENDPOINT_AUTH_SCHEME_" + id).map(s -> s.trim().toLowerCase(Locale.ROOT));
        Optional<String> accessKeyId = env.endpointAuthParameter(id, "username").map(Secret::reveal);
        Optional<Secret> secretAccessKey = env.endpointAuthParameter(id, "password");
        Optional<String> roleArn = field(env, id, "roleArn", "assumeRoleArn");
        if (scheme.isEmpty() && accessKeyId.isEmpty() && roleArn.isEmpty()) {
            throw new UserError("The AWS service connection '" + id + "' chosen in input '" + choice.input() + "' is not "
                    + "available to this step (no access key reached it). Check that the service connection exists, is an "
                    + "AWS connection of ecrflow or the AWS Toolkit, and that this pipeline is allowed to use it; or leave '"
                    + choice.input() + "' empty to use the agent's own AWS credentials.", choice.input());
        }
        Optional<String> externalId = field(env, id, "externalId", "externalId");
        Optional<String> sessionName = field(env, id, "roleSessionName", "roleSessionName");
        if (scheme.filter(OIDC_SCHEME::equals).isPresent()) {
            Optional<String> role = roleArn.or(() -> env.endpointAuthParameter(id, "role").map(Secret::reveal));
            return new ServiceConnection(choice, Optional.empty(), true, role, externalId, sessionName);
        }
        if (scheme.isPresent() && !scheme.get().equals(KEYS_SCHEME)) {
            throw new UserError("The AWS service connection chosen in input '" + choice.input() + "' uses the '"
                    + scheme.get() + "' scheme, which ecrflow does not know: use access keys or workload identity federation.",
                    choice.input());
        }
        if (accessKeyId.isPresent() != secretAccessKey.isPresent()) {
            throw new UserError("The AWS service connection chosen in input '" + choice.input() + "' has "
                    + (accessKeyId.isPresent() ? "an access key id but no secret access key" : "a secret access key but no access key id")
                    + ": set both, or (AWS Toolkit connections) neither, to assume its role with the agent's own credentials.",
                    choice.input());
        }
        Optional<AccessKeys> keys = accessKeyId.map(key -> new AccessKeys(key, secretAccessKey.orElseThrow(),
                env.endpointAuthParameter(id, "sessionToken")));
        return new ServiceConnection(choice, keys, false, roleArn, externalId, sessionName);
    }

    /** ecrflow keeps the role in the connection's data, the Toolkit among its fields. */
    private static Optional<String> field(Environment env, String id, String dataName, String parameterName) {
        return env.endpointData(id, dataName).or(() -> env.endpointAuthParameter(id, parameterName).map(Secret::reveal));
    }

    /** How the log names this connection's identity, e.g. "access key ending in MPLE". */
    String describeIdentity() {
        if (workloadIdentity) {
            return "workload identity federation (OIDC)";
        }
        return keys.map(AccessKeys::describe).orElse("the agent's own AWS credentials");
    }
}
