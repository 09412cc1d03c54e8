package io.ecrflow.tasks;

import io.ecrflow.testbed.aws.ControlPlaneCall;
import io.ecrflow.testbed.apps.SampleApp;
import io.ecrflow.testbed.Testbed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a pipeline written for the AWS Toolkit for Azure DevOps brings along, run as the agent runs the tasks:
 * its service connections (type AWS, chosen in {@code awsCredentials}) and its {@code AWS.*} pipeline
 * variables; and that of the job's connections and secret variables only the chosen ones reach the runner.
 */
class AwsToolkitHabitsIT {
    private final Testbed testbed = SharedTestbed.get();

    @TempDir
    Path sources;

    @Test
    void pushesThroughAnAwsToolkitConnectionAssumingTheRoleItKeepsAmongItsFields() throws Exception {
        SampleApp.create(sources, "toolkit");
        String repository = "team/toolkit-" + UUID.randomUUID().toString().substring(0, 8);
        // the Toolkit's connection keeps the role to assume as auth fields, not as data
        ServiceConnection toolkit = ServiceConnection.withExampleKeys()
                .withParameter("assumeRoleArn", SharedTestbed.PUSH_ROLE)
                .withParameter("externalId", SharedTestbed.PUSH_ROLE_EXTERNAL_ID)
                .withParameter("roleSessionName", "toolkit-pipeline");
        int callsBefore = testbed.calls().size();

        StepResult step = AgentStep.main("EcrBuildPush", sources).awsToolkitConnection(toolkit)
                .input("repository", repository)
                .input("context", "src")
                .input("tags", "$(Build.BuildId)")
                .variables(Pipelines.build("61", "main")).variables(SharedTestbed.endpointVariables())
                .run();

        assertThat(step.exitCode()).as(step.toString()).isZero();
        assertThat(step.stdout()).contains("Using the AWS service connection chosen in input 'awsCredentials': access key "
                + "ending in MPLE, assuming role " + SharedTestbed.PUSH_ROLE + ".");
        assertThat(testbed.tagsOf(repository)).containsExactly("61");
        List<ControlPlaneCall> calls = testbed.calls().subList(callsBefore, testbed.calls().size());
        assertThat(calls).filteredOn(c -> c.operation().equals("AssumeRole")).singleElement().satisfies(assume -> {
            assertThat(assume.accessKeyId()).contains(toolkit.accessKeyId());
            assertThat(assume.parameter("ExternalId")).contains(SharedTestbed.PUSH_ROLE_EXTERNAL_ID);
            assertThat(assume.parameter("RoleSessionName")).contains("toolkit-pipeline");
        });
        assertThat(calls).filteredOn(c -> c.service().equals("ecr")).isNotEmpty()
                .allSatisfy(c -> assertThat(c.accessKeyId()).isPresent().hasValueSatisfying(key ->
                        assertThat(key).as("ECR is called as the role").isNotEqualTo(toolkit.accessKeyId())));
    }

    @Test
    void theToolkitsAwsVariablesSignInWithoutAConnectionTheSecretKeyArrivingAsASecretVariable() throws Exception {
        int callsBefore = testbed.calls().size();

        StepResult step = AgentStep.main("EcrLogin", sources)
                .variables(Pipelines.build("62", "main")).variables(SharedTestbed.endpointVariables())
                // AWS.AccessKeyID as a plain variable, AWS.SecretAccessKey as a secret one: the agent's spellings
                .variable("AWS_ACCESSKEYID", ServiceConnection.EXAMPLE_ACCESS_KEY_ID)
                .variable("SECRET_AWS_SECRETACCESSKEY", ServiceConnection.EXAMPLE_SECRET_ACCESS_KEY)
                .run();

        assertThat(step.exitCode()).as(step.toString()).isZero();
        assertThat(step.lines().get(0)).isEqualTo("##vso[task.setsecret]" + ServiceConnection.EXAMPLE_SECRET_ACCESS_KEY);
        assertThat(step.outputs()).containsEntry("registry", testbed.registryHost());
        assertThat(testbed.calls().subList(callsBefore, testbed.calls().size())).isNotEmpty()
                .allSatisfy(c -> assertThat(c.accessKeyId()).contains(ServiceConnection.EXAMPLE_ACCESS_KEY_ID));
    }

    @Test
    void ofTheJobsConnectionsAndSecretVariablesOnlyTheChosenOnesReachTheRunner() throws Exception {
        ServiceConnection chosen = ServiceConnection.withExampleKeys();
        ServiceConnection other = ServiceConnection.withTemporaryKeys("ASIAOTHERCONNECTION0", "other-connection-secret",
                "other-connection-token");

        StepResult step = AgentStep.main("EcrLogin", sources).serviceConnection(chosen).otherEndpoint(other)
                .variables(Pipelines.build("63", "main")).variables(SharedTestbed.endpointVariables())
                .variable("SECRET_DEPLOYPASSWORD", "secret-of-another-step")
                .run();

        assertThat(step.exitCode()).as(step.toString()).isZero();
        // the runner registers every secret it is handed: what it never registers, it was never handed
        assertThat(step.commands("task.setsecret")).extracting(AgentCommand::message)
                .contains(chosen.secretAccessKey())
                .doesNotContain("other-connection-secret", "other-connection-token", "secret-of-another-step");
    }
}
