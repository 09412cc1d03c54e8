package io.ecrflow.aws;

import io.ecrflow.ManualClock;
import io.ecrflow.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The command runs through the real shell; a counter file shows how often it ran. */
class CredentialsCommandTest {
    @TempDir
    Path dir;

    @Test
    void credentialsValidForHoursAreFetchedOnce() throws Exception {
        Path command = counting("$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)");

        try (CredentialsCommand credentials = new CredentialsCommand(command.toString(), Duration.ofSeconds(10))) {
            AwsCredentials first = credentials.resolveCredentials();
            AwsCredentials second = credentials.resolveCredentials();

            assertThat(second).isEqualTo(first);
        }
        assertThat(Files.readString(dir.resolve("runs")).trim()).isEqualTo("1");
    }

    @Test
    void credentialsAboutToExpireAreFetchedAgain() throws Exception {
        Path command = counting("$(date -u -d '+30 seconds' +%Y-%m-%dT%H:%M:%SZ)");

        ManualClock clock = new ManualClock(Instant.now());
        try (CredentialsCommand credentials = new CredentialsCommand(command.toString(), Duration.ofSeconds(10), clock)) {
            AwsCredentials first = credentials.resolveCredentials();
            // a second passes on the clock the runner and the SDK's cache both read; nothing is waited
            clock.advance(Duration.ofMillis(1100));
            AwsCredentials second = credentials.resolveCredentials();

            assertThat(second.accessKeyId()).isNotEqualTo(first.accessKeyId());
        }
        assertThat(Files.readString(dir.resolve("runs")).trim()).isEqualTo("2");
    }

    @Test
    void messagesNameTheProgramButNotTheRestOfTheCommandLine() {
        assertThat(CredentialsCommand.describe("duploctl jit aws --token=abc123")).isEqualTo("the credentials command `duploctl`");
        assertThat(CredentialsCommand.describe("'/opt/jit tools/jit' aws")).isEqualTo("the credentials command `/opt/jit tools/jit`");
    }

    @Test
    void aProgramTheShellCannotFindIsReportedWithItsExitCode() {
        try (CredentialsCommand credentials = new CredentialsCommand("no-such-program-ecrflow --token=abc", Duration.ofSeconds(10))) {
            assertThatThrownBy(credentials::resolveCredentials).isInstanceOf(UserError.class)
                    .hasMessageContaining("The credentials command `no-such-program-ecrflow` exited with code 127")
                    .hasMessageContaining("on its PATH")
                    .hasMessageNotContaining("abc");
        }
    }

    /** A script that counts its runs and prints a new key each time, expiring at {@code expiration} (shell syntax). */
    private Path counting(String expiration) throws Exception {
        Path script = dir.resolve("jit");
        Files.writeString(script, """
                #!/bin/sh
                runs=$(cat "%1$s/runs" 2>/dev/null || echo 0)
                runs=$((runs + 1))
                echo "$runs" > "%1$s/runs"
                echo "{\\"Version\\": 1, \\"AccessKeyId\\": \\"ASIAKEY$runs\\", \\"SecretAccessKey\\": \\"secret\\", \\"SessionToken\\": \\"token\\", \\"Expiration\\": \\"%2$s\\"}"
                """.formatted(dir, expiration));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }
}
