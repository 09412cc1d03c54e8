package io.ecrflow.tasks;

import io.ecrflow.testbed.aws.IdentityProvider;
import io.ecrflow.testbed.Testbed;
import io.ecrflow.testbed.TestbedConfig;
import io.ecrflow.testbed.aws.TrustedRole;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The project's ECR test server in front of a real registry, started once per test run and shared by
 * every task test. It accepts the example keys of {@link ServiceConnection} and one set of temporary keys,
 * lets them assume a role, and trusts the OIDC tokens of the Azure DevOps stand-in for another role.
 */
final class SharedTestbed {
    static final String TEMPORARY_ACCESS_KEY_ID = "ASIAIOSFODNN7EXAMPLE";
    static final String TEMPORARY_SECRET_ACCESS_KEY = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY";
    static final String SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN";
    /** A role the example keys may assume when they pass its external id. */
    static final String PUSH_ROLE = "arn:aws:iam::123456789012:role/ecrflow-push";
    static final String PUSH_ROLE_EXTERNAL_ID = "ecrflow-external-id-7";
    /** A role that trusts the pipeline's OIDC tokens (see {@link AzureDevOpsOidcIssuer}). */
    static final String OIDC_ROLE = "arn:aws:iam::123456789012:role/ecrflow-oidc";

    /** The role the docs' examples assume, with or without an external id. */
    static final String DOCS_ROLE = "arn:aws:iam::123456789012:role/ecr-push";

    private static Testbed testbed;

    private SharedTestbed() {
    }

    static synchronized Testbed get() {
        if (testbed == null) {
            testbed = Testbed.start(TestbedConfig.defaults()
                    .withCredentials(ServiceConnection.EXAMPLE_ACCESS_KEY_ID, ServiceConnection.EXAMPLE_SECRET_ACCESS_KEY)
                    .withCredentials(TEMPORARY_ACCESS_KEY_ID, TEMPORARY_SECRET_ACCESS_KEY, SESSION_TOKEN)
                    .withRole(TrustedRole.of(PUSH_ROLE).requiringExternalId(PUSH_ROLE_EXTERNAL_ID))
                    .withRole(TrustedRole.of(OIDC_ROLE))
                    .withRole(TrustedRole.of(DOCS_ROLE))
                    .withIdentityProvider(IdentityProvider.of(AzureDevOpsOidcIssuer.ISSUER, AzureDevOpsOidcIssuer.AUDIENCE)));
            Runtime.getRuntime().addShutdownHook(new Thread(testbed::close));
        }
        return testbed;
    }

    /** What the agent machine's environment needs to reach the test server instead of AWS. */
    static Map<String, String> endpointVariables() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL_ECR", get().ecrEndpoint().toString());
        env.put("AWS_ENDPOINT_URL_STS", get().stsEndpoint().toString());
        return env;
    }
}
