package io.ecrflow.aws;

import io.ecrflow.UserError;
import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.Pipeline;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

/** Settings that cannot work together are refused before any call, naming the input to change. */
class CredentialSourcesTest {
    private static final Pipeline PIPELINE = mock(Pipeline.class);

    @Test
    void twoBaseSourcesAreRefused() {
        assertRefused(settings(Optional.of("ci"), Optional.of("jit aws"), Optional.empty(), Optional.empty(), Optional.empty()),
                "profile and credentialsCommand", "credentialsCommand");
    }

    @Test
    void anExternalIdNeedsARole() {
        assertRefused(settings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("x")),
                "externalId is set but roleArn is not", "externalId");
    }

    @Test
    void anExternalIdDoesNotApplyToWebIdentity() {
        CredentialSettings settings = new CredentialSettings(Optional.empty(), Optional.empty(), Duration.ofSeconds(60),
                Optional.of(Path.of("token")), Optional.empty(), Optional.of("arn:aws:iam::123456789012:role/r"),
                Optional.of("x"), Optional.empty(), Optional.empty(), Optional.empty());
        assertRefused(settings, "externalId does not apply to web identity federation", "externalId");
    }

    @Test
    void aWebIdentityTokenNeedsARole() {
        CredentialSettings settings = new CredentialSettings(Optional.empty(), Optional.empty(), Duration.ofSeconds(60),
                Optional.empty(), Optional.of("7c3e1f0a"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
        assertRefused(settings, "The OIDC token of service connection 7c3e1f0a can only be exchanged for a role", "roleArn");
    }

    @Test
    void theDefaultChainIsNamedAfterWhatTheEnvironmentHolds() {
        try (RunCredentials credentials = CredentialSources.open(CredentialSettings.defaultChain(), Region.US_EAST_1,
                Environment.of(Map.of("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/x")), PIPELINE)) {
            assertThat(credentials.source()).isEqualTo("the container's role (CodeBuild, ECS)");
        }
        try (RunCredentials credentials = CredentialSources.open(CredentialSettings.defaultChain(), Region.US_EAST_1,
                Environment.of(Map.of("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")), PIPELINE)) {
            assertThat(credentials.source()).isEqualTo("the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY environment variables");
        }
    }

    private static CredentialSettings settings(Optional<String> profile, Optional<String> command, Optional<Path> tokenFile,
                                               Optional<String> role, Optional<String> externalId) {
        return new CredentialSettings(profile, command, Duration.ofSeconds(60), tokenFile, Optional.empty(), role, externalId,
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static void assertRefused(CredentialSettings settings, String message, String input) {
        assertThatThrownBy(() -> CredentialSources.open(settings, Region.US_EAST_1, Environment.of(Map.of()), PIPELINE))
                .isInstanceOf(UserError.class).hasMessageContaining(message)
                .satisfies(e -> assertThat(((UserError) e).input()).contains(input));
    }
}
