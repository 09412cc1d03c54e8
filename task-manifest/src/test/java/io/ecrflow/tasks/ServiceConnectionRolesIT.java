package io.ecrflow.tasks;

import io.ecrflow.testbed.aws.ControlPlaneCall;
import io.ecrflow.testbed.Testbed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A service connection that names a role: assumed on top of its access keys, or with the pipeline's OIDC token. */
class ServiceConnectionRolesIT {
    private final Testbed testbed = SharedTestbed.get();

    @TempDir
    Path sources;

    @Test
    void theRoleOfTheConnectionIsAssumedWithItsKeysAndExternalId() throws Exception {
        ServiceConnection connection = ServiceConnection.withExampleKeys()
                .withData("roleArn", SharedTestbed.PUSH_ROLE)
                .withData("externalId", SharedTestbed.PUSH_ROLE_EXTERNAL_ID)
                .withData("roleSessionName", "pipeline-web");
        int callsBefore = testbed.calls().size();

        StepResult step = AgentStep.main("EcrLogin", sources).serviceConnection(connection)
                .variables(Pipelines.build("31", "main")).variables(SharedTestbed.endpointVariables())
                .run();

        assertThat(step.exitCode()).as(step.toString()).isZero();
        assertThat(step.stdout()).contains("assuming role " + SharedTestbed.PUSH_ROLE);
        List<ControlPlaneCall> calls = testbed.calls().subList(callsBefore, testbed.calls().size());
        ControlPlaneCall assume = calls.stream().filter(c -> c.operation().equals("AssumeRole")).findFirst().orElseThrow();
        assertThat(assume.succeeded()).isTrue();
        assertThat(assume.accessKeyId()).contains(connection.accessKeyId());
        assertThat(assume.parameter("RoleArn")).contains(SharedTestbed.PUSH_ROLE);
        assertThat(assume.parameter("ExternalId")).contains(SharedTestbed.PUSH_ROLE_EXTERNAL_ID);
        assertThat(assume.parameter("RoleSessionName")).contains("pipeline-web");
        assertThat(calls).filteredOn(c -> c.service().equals("ecr")).isNotEmpty()
                .allSatisfy(c -> assertThat(c.accessKeyId()).as("ECR is called as the role").isPresent()
                        .hasValueSatisfying(key -> assertThat(key).isNotEqualTo(connection.accessKeyId())));
    }

    @Test
    void theConnectionsDefaultRegionServesAStepWithoutRegionOnAnAgentWithoutOne() throws Exception {
        ServiceConnection connection = ServiceConnection.withExampleKeys().withData("region", "us-east-1");
        Map<String, String> agent = new java.util.LinkedHashMap<>(SharedTestbed.endpointVariables());
        agent.remove("AWS_REGION");

        StepResult step = AgentStep.main("EcrLogin", sources).serviceConnection(connection)
                .variables(Pipelines.build("33", "main")).variables(agent)
                .run();

        assertThat(step.exitCode()).as(step.toString()).isZero();
        assertThat(step.outputs().get("registry")).isEqualTo(testbed.registryHost());
    }

    @Test
    void aRoleGivenInTheTaskWinsOverTheConnectionsRole() throws Exception {
        ServiceConnection connection = ServiceConnection.withExampleKeys()
                .withData("roleArn", "arn:aws:iam::123456789012:role/not-this-one");
        int callsBefore = testbed.calls().size();

        StepResult step = AgentStep.main("EcrLogin", sources).serviceConnection(connection)
                .input("roleArn", SharedTestbed.PUSH_ROLE)
                .input("externalId", SharedTestbed.PUSH_ROLE_EXTERNAL_ID)
                .variables(Pipelines.build("32", "main")).variables(SharedTestbed.endpointVariables())
                .run();

        assertThat(step.exitCode()).as(step.toString()).isZero();
        assertThat(testbed.calls().subList(callsBefore, testbed.calls().size()))
                .filteredOn(c -> c.operation().equals("AssumeRole"))
                .extracting(c -> c.parameter("RoleArn").orElse("")).containsOnly(SharedTestbed.PUSH_ROLE);
    }

    @Test
    void workloadIdentityFederationExchangesThePipelinesOidcTokenForTheRole() throws Exception {
        ServiceConnection connection = ServiceConnection.withWorkloadIdentityFederation(SharedTestbed.OIDC_ROLE);
        int callsBefore = testbed.calls().size();
        try (AzureDevOpsOidcIssuer azureDevOps = AzureDevOpsOidcIssuer.start()) {
            StepResult step = AgentStep.main("EcrLogin", sources).serviceConnection(connection)
                    .variables(Pipelines.build("33", "main")).variables(SharedTestbed.endpointVariables())
                    // what the agent gives every task step of a job
                    .variable("SYSTEM_OIDCREQUESTURI", azureDevOps.requestUri())
                    .variable("ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN", AzureDevOpsOidcIssuer.JOB_ACCESS_TOKEN)
                    // keys on the agent machine play no part when the connection federates
                    .variable("AWS_ACCESS_KEY_ID", ServiceConnection.EXAMPLE_ACCESS_KEY_ID)
                    .variable("AWS_SECRET_ACCESS_KEY", ServiceConnection.EXAMPLE_SECRET_ACCESS_KEY)
                    .run();

            assertThat(step.exitCode()).as(step.toString()).isZero();
            assertThat(step.stdout()).contains("workload identity federation (OIDC), assuming role " + SharedTestbed.OIDC_ROLE);
            assertThat(azureDevOps.requestedConnections()).containsExactly(connection.id());
            assertThat(step.outputs()).containsEntry("registry", testbed.registryHost());
        }
        List<ControlPlaneCall> calls = testbed.calls().subList(callsBefore, testbed.calls().size());
        assertThat(calls).filteredOn(c -> c.operation().equals("AssumeRoleWithWebIdentity"))
                .singleElement().satisfies(c -> assertThat(c.parameter("RoleArn")).contains(SharedTestbed.OIDC_ROLE));
        assertThat(calls).extracting(c -> c.accessKeyId().orElse("")).doesNotContain(ServiceConnection.EXAMPLE_ACCESS_KEY_ID);
    }

    @Test
    void aFederatedConnectionWithoutARoleIsRefusedNamingTheConnectionInput() throws Exception {
        ServiceConnection connection = new ServiceConnection(java.util.UUID.randomUUID().toString(), "None",
                java.util.Map.of(), java.util.Map.of());

        StepResult step = AgentStep.main("EcrLogin", sources).serviceConnection(connection).run();

        assertThat(step.exitCode()).isNotZero();
        assertThat(step.errors()).singleElement().asString().contains("input 'awsConnection'").contains("names no role");
    }
}
