package io.ecrflow.aws;

import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.Pipeline;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.regions.Region;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * Which credentials a run gets from the service connection a task step was given (the ENDPOINT_* variables
 * the agent sets, in the agent's upper case, while the input holds the id in lower case), and from the AWS
 * Toolkit's pipeline variables. Resolving keys a connection stores makes no AWS call.
 */
class ServiceConnectionCredentialsTest {
    private static final String ID = "5b0d3c9e-8c1f-4e55-9b1e-0c6b8a3f4d21";
    private static final String KEY = ID.toUpperCase();
    private static final String ROLE = "arn:aws:iam::123456789012:role/ecr-push";
    private final Pipeline pipeline = mock(Pipeline.class);
    private final Map<String, String> env = new HashMap<>();

    @Test
    void theKeysOfAnEcrflowConnectionAreTheRunsWhateverTheAgentMachineHas() {
        keysConnection("AKIAIOSFODNN7EXAMPLE", "connection-secret");
        env.put("AWS_ACCESS_KEY_ID", "AKIAAGENTMACHINE0000");
        env.put("AWS_SECRET_ACCESS_KEY", "agent-machine-secret");

        try (RunCredentials credentials = open(connection("awsConnection"))) {
            AwsCredentials resolved = credentials.resolveCredentials();

            assertThat(credentials.source()).isEqualTo("the AWS service connection chosen in input 'awsConnection' "
                    + "(access key ending in MPLE)");
            assertThat(resolved.accessKeyId()).isEqualTo("AKIAIOSFODNN7EXAMPLE");
            assertThat(resolved.secretAccessKey()).isEqualTo("connection-secret");
            assertThat(resolved).isNotInstanceOf(AwsSessionCredentials.class);
        }
        verify(pipeline).info("Using the AWS service connection chosen in input 'awsConnection': access key ending in MPLE.");
        verify(pipeline).registerSecret(Secret.of("connection-secret"));
    }

    @Test
    void temporaryKeysOfAConnectionCarryTheirSessionTokenAndNotTheAgentMachines() {
        keysConnection("ASIAIOSFODNN7EXAMPLE", "temporary-secret");
        env.put("ENDPOINT_AUTH_PARAMETER_" + KEY + "_SESSIONTOKEN", "connection-token");
        env.put("AWS_SESSION_TOKEN", "stale-token-of-the-agent-machine");

        try (RunCredentials credentials = open(connection("awsConnection"))) {
            assertThat(credentials.resolveCredentials()).isInstanceOfSatisfying(AwsSessionCredentials.class,
                    session -> assertThat(session.sessionToken()).isEqualTo("connection-token"));
        }
    }

    @Test
    void theRoleOfAnEcrflowConnectionIsAssumedOnTopOfItsKeys() {
        keysConnection("AKIAIOSFODNN7EXAMPLE", "connection-secret");
        env.put("ENDPOINT_DATA_" + KEY + "_ROLEARN", ROLE);

        try (RunCredentials credentials = open(connection("awsConnection"))) {
            assertThat(credentials.source()).isEqualTo("role " + ROLE + " assumed with the AWS service connection chosen "
                    + "in input 'awsConnection' (access key ending in MPLE)");
        }
    }

    @Test
    void anAwsToolkitConnectionKeepsItsRoleAmongItsFieldsAndARoleInputWinsOverIt() {
        keysConnection("AKIAIOSFODNN7EXAMPLE", "connection-secret");
        env.put("ENDPOINT_AUTH_PARAMETER_" + KEY + "_ASSUMEROLEARN", "arn:aws:iam::123456789012:role/toolkit-role");

        try (RunCredentials credentials = open(connection("awsCredentials"))) {
            assertThat(credentials.source()).startsWith("role arn:aws:iam::123456789012:role/toolkit-role assumed with the "
                    + "AWS service connection chosen in input 'awsCredentials'");
        }
        try (RunCredentials credentials = open(connection("awsCredentials", Optional.of(ROLE)))) {
            assertThat(credentials.source()).startsWith("role " + ROLE + " assumed with");
        }
    }

    @Test
    void anAwsToolkitConnectionWithARoleButNoKeysAssumesItWithTheAgentsOwnCredentials() {
        env.put("ENDPOINT_AUTH_SCHEME_" + KEY, "UsernamePassword");
        env.put("ENDPOINT_AUTH_PARAMETER_" + KEY + "_ASSUMEROLEARN", ROLE);
        env.put("AWS_ACCESS_KEY_ID", "AKIAAGENTMACHINE0000");

        try (RunCredentials credentials = open(connection("awsCredentials"))) {
            assertThat(credentials.source()).isEqualTo("role " + ROLE + " assumed with the AWS_ACCESS_KEY_ID/"
                    + "AWS_SECRET_ACCESS_KEY environment variables");
        }
    }

    @Test
    void aFederatedToolkitConnectionExchangesItsOidcTokenForTheRoleInItsRoleField() {
        env.put("ENDPOINT_AUTH_SCHEME_" + KEY, "None");
        env.put("ENDPOINT_AUTH_PARAMETER_" + KEY + "_ROLE", ROLE);

        try (RunCredentials credentials = open(connection("awsCredentials"))) {
            assertThat(credentials.source()).isEqualTo("role " + ROLE + " assumed with the OIDC token of service connection " + ID);
        }
        verify(pipeline).info("Using the AWS service connection chosen in input 'awsCredentials': workload identity "
                + "federation (OIDC), assuming role " + ROLE + ".");
    }

    @Test
    void aFederatedConnectionWithoutARoleIsRefusedNamingItsInput() {
        env.put("ENDPOINT_AUTH_SCHEME_" + KEY, "None");

        assertThatThrownBy(() -> open(connection("awsConnection"))).isInstanceOf(UserError.class)
                .hasMessageContaining("input 'awsConnection' uses workload identity federation (OIDC) but names no role")
                .satisfies(e -> assertThat(((UserError) e).input()).contains("awsConnection"));
    }

    @Test
    void aConnectionThatDidNotReachTheStepIsRefusedNamingItsInput() {
        assertThatThrownBy(() -> open(connection("awsConnection"))).isInstanceOf(UserError.class)
                .hasMessageContaining("The AWS service connection '" + ID + "' chosen in input 'awsConnection' is not "
                        + "available to this step");
    }

    @Test
    void aConnectionAndAProfileAreTwoSourcesOfCredentials() {
        keysConnection("AKIAIOSFODNN7EXAMPLE", "connection-secret");
        CredentialSettings settings = new CredentialSettings(Optional.of("ci"), Optional.empty(), Duration.ofSeconds(60),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(new ServiceConnectionChoice("awsConnection", ID)));

        assertThatThrownBy(() -> open(settings)).isInstanceOf(UserError.class).hasMessageContaining("awsConnection and profile");
    }

    @Test
    void theAwsToolkitsVariablesAreHonouredWithoutAConnectionTheSecretOneAsTheAgentHandsItToATask() {
        env.put("AWS_ACCESSKEYID", "AKIAIOSFODNN7EXAMPLE");
        env.put("SECRET_AWS_SECRETACCESSKEY", "variable-secret");
        env.put("AWS_ASSUMEROLEARN", ROLE);
        env.put("AWS_ROLECREDENTIAL_MAXDURATION", "1800");

        try (RunCredentials credentials = open(CredentialSettings.defaultChain())) {
            assertThat(credentials.source()).isEqualTo("role " + ROLE + " assumed with the pipeline variables "
                    + "AWS.AccessKeyID and AWS.SecretAccessKey (as the AWS Toolkit reads them)");
        }
    }

    @Test
    void theToolkitsAccessKeyVariableWithoutItsSecretIsRefused() {
        env.put("AWS_ACCESSKEYID", "AKIAIOSFODNN7EXAMPLE");

        assertThatThrownBy(() -> open(CredentialSettings.defaultChain())).isInstanceOf(UserError.class)
                .hasMessageContaining("AWS.AccessKeyID is set but AWS.SecretAccessKey is not");
    }

    private void keysConnection(String accessKeyId, String secret) {
        env.put("ENDPOINT_AUTH_SCHEME_" + KEY, "UsernamePassword");
        env.put("ENDPOINT_AUTH_PARAMETER_" + KEY + "_USERNAME", accessKeyId);
        env.put("ENDPOINT_AUTH_PARAMETER_" + KEY + "_PASSWORD", secret);
    }

    private static CredentialSettings connection(String input) {
        return connection(input, Optional.empty());
    }

    /** @param roleInput the task's roleArn input */
    private static CredentialSettings connection(String input, Optional<String> roleInput) {
        return new CredentialSettings(Optional.empty(), Optional.empty(), Duration.ofSeconds(60), Optional.empty(),
                Optional.empty(), roleInput, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(new ServiceConnectionChoice(input, ID)));
    }

    private RunCredentials open(CredentialSettings settings) {
        return CredentialSources.open(settings, Region.US_EAST_1, Environment.of(env), pipeline);
    }
}
