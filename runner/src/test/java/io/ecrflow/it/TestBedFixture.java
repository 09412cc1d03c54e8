package io.ecrflow.it;

import io.ecrflow.testbed.aws.IdentityProvider;
import io.ecrflow.testbed.Testbed;
import io.ecrflow.testbed.TestbedConfig;
import io.ecrflow.testbed.net.TestbedTls;
import io.ecrflow.testbed.aws.TrustedRole;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test bed every integration test shares, started once per test run: the project's ECR test
 * server in front of a real distribution registry, next to the Docker Engine the scripts started.
 */
final class TestBedFixture {
    // AWS's documented example keys: accepted by the test server, useless anywhere else.
    static final String ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    static final String SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    // What the test bed's IAM knows: roles to assume, a second account, and the OIDC issuers it trusts.
    static final String ROLE_ARN = "arn:aws:iam::123456789012:role/ecr-push";
    static final String GUARDED_ROLE_ARN = "arn:aws:iam::123456789012:role/partner-push";
    static final String EXTERNAL_ID = "partner-42";
    static final String OTHER_ACCOUNT = "210987654321";
    static final String OTHER_ACCOUNT_ROLE_ARN = "arn:aws:iam::" + OTHER_ACCOUNT + ":role/ecr-push";
    static final String GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
    /** CircleCI's tokens: issuer per organisation, the organisation's id as audience. */
    static final String CIRCLECI_ORG_ID = "3f1e2d4c-5b6a-4978-8e9d-0c1b2a3f4e5d";
    static final String CIRCLECI_ISSUER = "https://oidc.circleci.com/org/" + CIRCLECI_ORG_ID;
    static final String AZURE_DEVOPS_ISSUER = "https://vstoken.dev.azure.com/4f9a3b2c-1d2e-4f5a-8b9c-0d1e2f3a4b5c";
    static final String ENTRA_ISSUER = "https://login.microsoftonline.com/7e1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8/v2.0";
    static final String AZURE_AUDIENCE = "api://AzureADTokenExchange";

    private static Testbed testbed;

    private TestBedFixture() {
    }

    static synchronized Testbed testbed() {
        if (testbed == null) {
            testbed = Testbed.start(trusting(TestbedConfig.defaults().withCredentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY))
                    .withOtherAccount(OTHER_ACCOUNT));
            Runtime.getRuntime().addShutdownHook(new Thread(testbed::close));
        }
        return testbed;
    }

    /** The roles and identity providers every test bed of these tests has. */
    static TestbedConfig trusting(TestbedConfig config) {
        return config.withRole(TrustedRole.of(ROLE_ARN))
                .withRole(TrustedRole.of(GUARDED_ROLE_ARN).requiringExternalId(EXTERNAL_ID))
                .withRole(TrustedRole.of(OTHER_ACCOUNT_ROLE_ARN))
                .withIdentityProvider(IdentityProvider.of(GITHUB_ISSUER, IdentityProvider.STS_AUDIENCE))
                .withIdentityProvider(IdentityProvider.of(CIRCLECI_ISSUER, CIRCLECI_ORG_ID))
                .withIdentityProvider(IdentityProvider.of(AZURE_DEVOPS_ISSUER, AZURE_AUDIENCE))
                .withIdentityProvider(IdentityProvider.of(ENTRA_ISSUER, AZURE_AUDIENCE));
    }

    /** The environment a pipeline step would have when its AWS credentials come from environment variables. */
    static Map<String, String> awsEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID);
        env.put("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY);
        env.putAll(endpointEnvironment());
        return env;
    }

    /** Region and the test bed's endpoints, without any credentials. */
    static Map<String, String> endpointEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL_ECR", testbed().ecrEndpoint().toString());
        env.put("AWS_ENDPOINT_URL_STS", testbed().stsEndpoint().toString());
        env.put("AWS_ENDPOINT_URL_ECR_PUBLIC", testbed().ecrPublicEndpoint().toString());
        // the test CA the test bed's registries speak TLS with, trusted as the aws CLI trusts a company CA
        env.put("AWS_CA_BUNDLE", TestbedTls.fromEnvironment().caFile().toString());
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

    /**
     * platform-image for a platform image in {@code work/platform}, built on {@code base:1} in the test bed's own
     * registry (the test bed reaches no public one; pushed from the sample app in {@code work/src} when missing),
     * without a test app, as build {@code buildId} of an Azure Pipelines run.
     */
    static RunnerProcess platformImageOnLocalBase(Path work, String base, String repository, String buildId)
            throws Exception {
        if (testbed().manifestDigest(base, "1").isEmpty()) {
            RunResult pushed = runner("build-push", "--repository", base, "--context", "src", "--tags", "1")
                    .env(awsEnvironment())
                    .env(azurePipelineVariables("900", "0123456789abcdef0123456789abcdef01234567"))
                    .in(work).run();
            assertThat(pushed.exitCode()).as(pushed.toString()).isZero();
        }
        Path platform = Files.createDirectories(work.resolve("platform"));
        Files.writeString(platform.resolve("Dockerfile"), """
                FROM %s/%s:1
                RUN ["/bin/busybox", "sh", "-c", "echo %s > /platform.txt"]
                """.formatted(testbed().registryHost(), base, repository));
        return runner("platform-image", "--repository", repository, "--context", "platform", "--version-prefix", "base")
                .env(awsEnvironment())
                .env(azurePipelineVariables(buildId, "0123456789abcdef0123456789abcdef01234567"))
                .env("AGENT_TEMPDIRECTORY", Files.createDirectories(work.resolve("agent-temp")).toString())
                .in(work);
    }
}
