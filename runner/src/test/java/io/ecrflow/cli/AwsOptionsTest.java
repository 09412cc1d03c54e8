package io.ecrflow.cli;

import io.ecrflow.UserError;
import io.ecrflow.aws.CredentialSettings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AwsOptionsTest {

    @Test
    void roleDurationsAreSecondsOrMinutesOrHours() {
        assertThat(withRoleDuration("3600").credentials().roleDuration()).contains(Duration.ofHours(1));
        assertThat(withRoleDuration("90m").credentials().roleDuration()).contains(Duration.ofMinutes(90));
        assertThat(withRoleDuration("12h").credentials().roleDuration()).contains(Duration.ofHours(12));
    }

    @Test
    void roleDurationsOutsideWhatStsAllowsAreRefused() {
        assertThatThrownBy(() -> withRoleDuration("10m").credentials()).isInstanceOf(UserError.class)
                .hasMessageContaining("900 (15 minutes) to 43200 (12 hours)");
        assertThatThrownBy(() -> withRoleDuration("an hour").credentials()).isInstanceOf(UserError.class)
                .hasMessageContaining("Input 'roleDuration' is 'an hour'");
    }

    @Test
    void aRoleArnMustBeAnIamRoleArn() {
        AwsOptions options = declared();
        options.roleArn = "arn:aws:iam::123456789012:user/ci";
        assertThatThrownBy(options::credentials).isInstanceOf(UserError.class).hasMessageContaining("is not an IAM role ARN")
                .satisfies(e -> assertThat(((UserError) e).input()).contains("roleArn"));
    }

    @Test
    void theCommandTimeoutDefaultsToOneMinute() {
        CredentialSettings settings = declared().credentials();
        assertThat(settings.credentialsCommandTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.roleArn()).isEmpty();
    }

    @Test
    void publicIsFalseUnlessSaid() {
        AwsOptions options = declared();
        assertThat(options.target().publicRegistry()).isFalse();
        options.publicRegistry = "true";
        options.registryAlias = "a1b2c3d4";
        assertThat(options.target().publicRegistry()).isTrue();
        assertThat(options.target().registryAlias()).contains("a1b2c3d4");
    }

    /** The options as picocli makes them: every option at its declared default. */
    private static AwsOptions declared() {
        return CommandLine.populateCommand(new AwsOptions());
    }

    private static AwsOptions withRoleDuration(String value) {
        AwsOptions options = declared();
        options.roleArn = "arn:aws:iam::123456789012:role/ecr-push";
        options.roleDuration = value;
        return options;
    }
}
