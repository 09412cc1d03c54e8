package io.ecrflow.tasks;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * An ecrflow AWS service connection as the agent hands it to a step: the task input holds its id (a
 * lower-case GUID), and its scheme, fields and data arrive as ENDPOINT_* variables whose whole names
 * the agent upper-cases.
 */
record ServiceConnection(String id, String scheme, Map<String, String> parameters, Map<String, String> data) {
    // AWS's documented example keys: the test bed accepts them, AWS itself never would.
    static final String EXAMPLE_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    static final String EXAMPLE_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    static ServiceConnection withExampleKeys() {
        return withKeys(EXAMPLE_ACCESS_KEY_ID, EXAMPLE_SECRET_ACCESS_KEY, Optional.empty());
    }

    static ServiceConnection withTemporaryKeys(String accessKeyId, String secretAccessKey, String sessionToken) {
        return withKeys(accessKeyId, secretAccessKey, Optional.of(sessionToken));
    }

    /** The workload identity federation scheme: no stored secret, a role to exchange the pipeline's OIDC token for. */
    static ServiceConnection withWorkloadIdentityFederation(String roleArn) {
        return new ServiceConnection(UUID.randomUUID().toString(), "None", Map.of(), Map.of("roleArn", roleArn));
    }

    private static ServiceConnection withKeys(String accessKeyId, String secretAccessKey, Optional<String> sessionToken) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("username", accessKeyId);
        parameters.put("password", secretAccessKey);
        sessionToken.ifPresent(token -> parameters.put("sessionToken", token));
        return new ServiceConnection(UUID.randomUUID().toString(), "UsernamePassword", parameters, Map.of());
    }

    /** The same connection with one more data field, e.g. {@code roleArn}. */
    ServiceConnection withData(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(data);
        more.put(key, value);
        return new ServiceConnection(id, scheme, parameters, more);
    }

    /** The same connection with one more auth field, as the AWS Toolkit keeps its role: {@code assumeRoleArn}, ... */
    ServiceConnection withParameter(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(parameters);
        more.put(key, value);
        return new ServiceConnection(id, scheme, more, data);
    }

    String accessKeyId() {
        return parameters.get("username");
    }

    String secretAccessKey() {
        return parameters.get("password");
    }

    Map<String, String> environment() {
        String key = id.toUpperCase(Locale.ROOT);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ENDPOINT_URL_" + key, "https://aws.amazon.com/");
        env.put("ENDPOINT_AUTH_SCHEME_" + key, scheme);
        StringBuilder json = new StringBuilder("{\"parameters\":{");
        parameters.forEach((name, value) -> {
            env.put("ENDPOINT_AUTH_PARAMETER_" + key + "_" + name.toUpperCase(Locale.ROOT), value);
            json.append(json.charAt(json.length() - 1) == '{' ? "" : ",").append('"').append(name).append("\":\"").append(value).append('"');
        });
        env.put("ENDPOINT_AUTH_" + key, json.append("},\"scheme\":\"").append(scheme).append("\"}").toString());
        data.forEach((name, value) -> env.put("ENDPOINT_DATA_" + key + "_" + name.toUpperCase(Locale.ROOT), value));
        return env;
    }
}
