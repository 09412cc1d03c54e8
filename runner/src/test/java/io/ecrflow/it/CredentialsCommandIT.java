package io.ecrflow.it;

import io.ecrflow.testbed.aws.ControlPlaneCall;
import io.ecrflow.testbed.apps.SampleApp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A just-in-time credentials command (seed 000's {@code jit aws}): its credential_process JSON signs the
 * push, its keys are registered as secrets, and when it fails the error names it and never shows what
 * it printed.
 */
class CredentialsCommandIT extends TestBedTest {

    @Test
    void theKeysTheCommandPrintsSignThePushAndAreRegisteredAsSecrets() throws Exception {
        SampleApp.create(work, "jit");
        String keyId = "ASIA" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase(Locale.ROOT);
        String secret = "jit-secret-" + UUID.randomUUID();
        String token = "jit-session-token-" + UUID.randomUUID();
        testbed.addCredentials(keyId, secret, token);
        Path command = script("jit", "cat <<'JSON'\n" + json(keyId, secret, token, Instant.now().plus(Duration.ofHours(1))) + "\nJSON");
        String repository = "team/jit-" + UUID.randomUUID().toString().substring(0, 8);
        int mark = testbed.calls().size();

        RunResult result = runner("build-push", "--repository", repository, "--context", "src", "--tags", "$(Build.BuildId)")
                .env(TestBedFixture.endpointEnvironment())
                .env(TestBedFixture.azurePipelineVariables("610", "0123456789abcdef0123456789abcdef01234567"))
                .env("INPUT_CREDENTIALSCOMMAND", command + " aws --host example --quiet")
                .in(work).run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(testbed.tagsOf(repository)).containsExactly("610");
        List<ControlPlaneCall> calls = RunAssertions.callsSince(testbed, mark);
        assertThat(calls).extracting(ControlPlaneCall::operation).contains("GetCallerIdentity", "CreateRepository");
        assertThat(calls).allSatisfy(call -> assertThat(call.accessKeyId()).contains(keyId));
        assertThat(result.stdout()).contains("Using AWS identity arn:aws:iam::123456789012:user/ecrflow-ci (account "
                + "123456789012) from the credentials command `" + command + "`.");
        RunAssertions.onlyRegistered(result, List.of(secret, token));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "exits with code 2       | echo '{\"AccessKeyId\":\"AKIALEAKEDBYSTDOUT00\"}'; echo 'token for example expired' >&2; exit 2 "
                    + "| exited with code 2; its error output: token for example expired",
            "prints no JSON          | echo 'AccessKeyId=AKIALEAKEDBYSTDOUT00 SecretAccessKey=leaked-secret' "
                    + "| is not valid JSON (line 1, column",
            "hands out expired keys  | echo '{\"Version\":1,\"AccessKeyId\":\"AKIALEAKEDBYSTDOUT00\",\"SecretAccessKey\":\"leaked-secret\","
                    + "\"SessionToken\":\"t\",\"Expiration\":\"2020-01-01T00:00:00Z\"}' | returned credentials that expired at 2020-01-01T00:00:00Z",
            "never finishes          | exec sleep 30 | did not finish within 2 seconds"})
    void aFailingCommandStopsTheRunNamingItAndNeverShowsItsOutput(String behaviour, String body, String expected)
            throws Exception {
        Path command = script("jit", body);
        int mark = testbed.calls().size();
        long started = System.nanoTime();

        RunResult result = runner("login", "--credentials-command", command + " --token-from-env",
                "--credentials-command-timeout", "2")
                .env(TestBedFixture.endpointEnvironment()).env("TF_BUILD", "True").in(work).run();

        assertThat(result.exitCode()).isNotZero();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        assertThat(String.join("\n", result.errors())).contains("The credentials command `" + command + "`").contains(expected);
        assertThat(result.all()).doesNotContain("AKIALEAKEDBYSTDOUT00").doesNotContain("leaked-secret")
                .doesNotContain("--token-from-env");
        assertThat(RunAssertions.callsSince(testbed, mark)).isEmpty();
    }

    private Path script(String name, String body) throws Exception {
        Path file = work.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    private static String json(String keyId, String secret, String token, Instant expiration) {
        return "{\"Version\": 1, \"AccessKeyId\": \"" + keyId + "\", \"SecretAccessKey\": \"" + secret + "\", "
                + "\"SessionToken\": \"" + token + "\", \"Expiration\": \"" + expiration.truncatedTo(ChronoUnit.SECONDS) + "\"}";
    }
}
