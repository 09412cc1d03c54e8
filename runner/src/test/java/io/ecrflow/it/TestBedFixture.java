package io.ecrflow.it;

import io.ecrflow.testbed.Testbed;
import io.ecrflow.testbed.TestbedConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The test bed every integration test shares, started once per test run: the project's ECR test
 * server in front of a real distribution registry, next to the Docker Engine the scripts started.
 */
final class TestBedFixture {
    // AWS's documented example keys: accepted by the test server, useless anywhere else.
    static final String ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    static final String SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    private static Testbed testbed;

    private TestBedFixture() {
    }

    static synchronized Testbed testbed() {
        if (testbed == null) {
            testbed = Testbed.start(TestbedConfig.defaults().withCredentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY));
            Runtime.getRuntime().addShutdownHook(new Thread(testbed::close));
        }
        return testbed;
    }

    /** The environment a pipeline step would have when its AWS credentials come from environment variables. */
    static Map<String, String> awsEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID);
        env.put("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY);
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL_ECR", testbed().ecrEndpoint().toString());
        env.put("AWS_ENDPOINT_URL_STS", testbed().stsEndpoint().toString());
        return env;
    }

    /** Azure Pipelines' predefined variables for a run of build 123 of branch main. */
    static Map<String, String> azurePipelineVariables(String buildId, String sourceVersion) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TF_BUILD", "True");
        env.put("BUILD_BUILDID", buildId);
        env.put("BUILD_BUILDNUMBER", "20261123." + buildId);
        env.put("BUILD_SOURCEBRANCH", "refs/heads/feature/Login");
        env.put("BUILD_SOURCEBRANCHNAME", "Login");
        env.put("BUILD_SOURCEVERSION", sourceVersion);
        env.put("BUILD_REPOSITORY_URI", "https://dev.azure.com/example/project/_git/web");
        return env;
    }
}
