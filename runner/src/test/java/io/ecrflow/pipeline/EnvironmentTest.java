package io.ecrflow.pipeline;

import io.ecrflow.Secret;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EnvironmentTest {

    private static final String CONNECTION_ID = "3f2a6c1e-9b7d-4e21-a0c4-5d8e7f6a1b2c";

    @Test
    void readsPipelineVariablesByTheirDottedName() {
        Environment env = Environment.of(Map.of("BUILD_BUILDID", "42", "BUILD_REPOSITORY_URI", "https://example.com/r"));

        assertThat(env.variable("Build.BuildId")).contains("42");
        assertThat(env.variable("build.buildid")).contains("42");
        assertThat(env.variable("Build.Repository.Uri")).contains("https://example.com/r");
    }

    @Test
    void replacesSpacesInVariableNamesLikeTheAgent() {
        Environment env = Environment.of(Map.of("MY_SETTING", "on"));

        assertThat(env.variable("My Setting")).contains("on");
    }

    @Test
    void looksUpNamesInAnyCase() {
        Environment env = Environment.of(Map.of("input_Region", "eu-west-1"));

        assertThat(env.get("INPUT_REGION")).contains("eu-west-1");
        assertThat(env.input("region")).contains("eu-west-1");
    }

    @Test
    void readsInputsFromInputVariablesTrimmed() {
        Environment env = Environment.of(Map.of("INPUT_REPOSITORY", "  team/app \n"));

        assertThat(env.input("repository")).contains("team/app");
    }

    @Test
    void treatsBlankInputsAsAbsentBecauseTheAgentSetsEveryDeclaredInput() {
        Environment env = Environment.of(Map.of("INPUT_TARGET", "", "INPUT_PLATFORM", "   "));

        assertThat(env.input("target")).isEmpty();
        assertThat(env.input("platform")).isEmpty();
        assertThat(env.input("neverDeclared")).isEmpty();
    }

    @Test
    void givesSecretInputsOnlyAsSecrets() {
        Environment env = Environment.of(Map.of("INPUT_TEAMSWEBHOOKURL", "https://example.com/hook/abc"));

        assertThat(env.secretInput("teamsWebhookUrl")).contains(Secret.of("https://example.com/hook/abc"));
        assertThat(env.secretInput("teamsWebhookUrl").orElseThrow().toString()).isEqualTo("***");
    }

    @Test
    void findsServiceConnectionFieldsWhenTheAgentUpperCasedTheWholeName() {
        Environment env = Environment.of(Map.of(
                "ENDPOINT_AUTH_PARAMETER_" + CONNECTION_ID.toUpperCase() + "_USERNAME", "AKIAIOSFODNN7EXAMPLE",
                "ENDPOINT_AUTH_PARAMETER_" + CONNECTION_ID.toUpperCase() + "_PASSWORD", "wJalrXUtnFEMI/K7MDENG",
                "ENDPOINT_DATA_" + CONNECTION_ID.toUpperCase() + "_REGION", "eu-central-1",
                "ENDPOINT_URL_" + CONNECTION_ID.toUpperCase(), "https://aws.amazon.com/"));

        assertThat(env.endpointAuthParameter(CONNECTION_ID, "username")).contains(Secret.of("AKIAIOSFODNN7EXAMPLE"));
        assertThat(env.endpointAuthParameter(CONNECTION_ID, "password")).contains(Secret.of("wJalrXUtnFEMI/K7MDENG"));
        assertThat(env.endpointData(CONNECTION_ID, "region")).contains("eu-central-1");
    }

    @Test
    void findsServiceConnectionFieldsWrittenWithTheIdInLowerCase() {
        Environment env = Environment.of(Map.of(
                "ENDPOINT_AUTH_PARAMETER_" + CONNECTION_ID + "_USERNAME", "AKIAIOSFODNN7EXAMPLE"));

        assertThat(env.endpointAuthParameter(CONNECTION_ID.toUpperCase(), "UserName"))
                .contains(Secret.of("AKIAIOSFODNN7EXAMPLE"));
    }

    @Test
    void findsServiceConnectionFieldsWhoseIdHadDashesReplaced() {
        Environment env = Environment.of(Map.of(
                "ENDPOINT_DATA_" + CONNECTION_ID.replace('-', '_').toUpperCase() + "_ROLE_ARN",
                "arn:aws:iam::123456789012:role/push"));

        assertThat(env.endpointData(CONNECTION_ID, "role arn")).contains("arn:aws:iam::123456789012:role/push");
    }

    @Test
    void prefersTheUpperCaseSpellingWhenTwoNamesDifferOnlyInCase() {
        Map<String, String> both = new HashMap<>();
        both.put("build_buildid", "from-lower");
        both.put("BUILD_BUILDID", "from-agent");

        assertThat(Environment.of(both).variable("Build.BuildId")).contains("from-agent");
    }

    @Test
    void readsBooleanVariablesInAnyCase() {
        Environment env = Environment.of(Map.of("SYSTEM_DEBUG", "True", "TF_BUILD", "false"));

        assertThat(env.isTrue("System.Debug")).isTrue();
        assertThat(env.isTrue("TF_BUILD")).isFalse();
        assertThat(env.isTrue("UNSET")).isFalse();
    }

    @Test
    void handsOnEveryVariableWithItsNameAsGiven() {
        Map<String, String> both = new HashMap<>();
        both.put("Path", "/bin");
        both.put("PATH", "/usr/bin");
        both.put("AWS_REGION", "");

        assertThat(Environment.of(both).asMap())
                .containsOnly(Map.entry("Path", "/bin"), Map.entry("PATH", "/usr/bin"), Map.entry("AWS_REGION", ""));
    }
}
