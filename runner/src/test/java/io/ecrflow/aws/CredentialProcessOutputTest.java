package io.ecrflow.aws;

import io.ecrflow.UserError;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CredentialProcessOutputTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final String SOURCE = "The credentials command `jit`";

    @Test
    void temporaryCredentialsKeepTheirTokenAndExpiration() {
        CredentialProcessOutput output = CredentialProcessOutput.parse("""
                {"Version": 1, "AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "s3cr3t", "SessionToken": "tok",
                 "Expiration": "2026-11-23T13:00:00+00:00"}""", SOURCE, NOW);

        assertThat(output.credentials()).isInstanceOfSatisfying(AwsSessionCredentials.class, c -> {
            assertThat(c.accessKeyId()).isEqualTo("ASIAEXAMPLE");
            assertThat(c.secretAccessKey()).isEqualTo("s3cr3t");
            assertThat(c.sessionToken()).isEqualTo("tok");
        });
        assertThat(output.expiration()).contains(Instant.parse("2026-11-23T13:00:00Z"));
    }

    @Test
    void longTermKeysNeedNoTokenOrExpiration() {
        CredentialProcessOutput output = CredentialProcessOutput.parse(
                "{\"Version\":1,\"AccessKeyId\":\"AKIAEXAMPLE\",\"SecretAccessKey\":\"s3cr3t\"}", SOURCE, NOW);

        assertThat(output.credentials()).isInstanceOf(AwsBasicCredentials.class);
        assertThat(output.expiration()).isEmpty();
    }

    @Test
    void outputThatIsNotJsonIsRefusedWithoutQuotingIt() {
        assertThatThrownBy(() -> CredentialProcessOutput.parse("AWS_SECRET_ACCESS_KEY=s3cr3t-value", SOURCE, NOW))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("The credentials command `jit` printed output that is not valid JSON (line 1, column")
                .hasMessageNotContaining("s3cr3t-value");
    }

    @Test
    void aMissingVersionOrAnotherVersionIsRefused() {
        assertThatThrownBy(() -> CredentialProcessOutput.parse("{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\"}", SOURCE, NOW))
                .hasMessageContaining("has no \"Version\" (it must be 1)");
        assertThatThrownBy(() -> CredentialProcessOutput.parse("{\"Version\":2,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\"}",
                SOURCE, NOW)).hasMessageContaining("has \"Version\" 2; only version 1 exists");
    }

    @Test
    void aMissingSecretKeyIsNamed() {
        assertThatThrownBy(() -> CredentialProcessOutput.parse("{\"Version\":1,\"AccessKeyId\":\"AKIAEXAMPLE\"}", SOURCE, NOW))
                .isInstanceOf(UserError.class).hasMessageContaining("has no \"SecretAccessKey\"");
    }

    @Test
    void credentialsThatHaveAlreadyExpiredAreRefused() {
        assertThatThrownBy(() -> CredentialProcessOutput.parse("""
                {"Version":1,"AccessKeyId":"A","SecretAccessKey":"s3cr3t","SessionToken":"t","Expiration":"2026-11-23T11:59:59Z"}""",
                SOURCE, NOW))
                .hasMessage("The credentials command `jit` returned credentials that expired at 2026-11-23T11:59:59Z. "
                        + "Check that the command hands out fresh credentials (and that this machine's clock is right).");
    }

    @Test
    void anExpirationThatIsNotATimeIsRefused() {
        assertThatThrownBy(() -> CredentialProcessOutput.parse(
                "{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\",\"Expiration\":\"tomorrow\"}", SOURCE, NOW))
                .hasMessageContaining("\"Expiration\" that is not an ISO 8601 time");
    }
}
