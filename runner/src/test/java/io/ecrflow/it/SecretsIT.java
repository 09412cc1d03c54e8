package io.ecrflow.it;

import io.ecrflow.testbed.apps.SampleApp;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets: the AWS secret key and every registry password are registered with the agent before
 * anything else is printed, never appear in any other line, and stay in no file after the run.
 */
class SecretsIT extends TestBedTest {

    @Test
    void buildPushRegistersSecretsFirstAndLeavesNoneInOutputOrFiles() throws Exception {
        SampleApp.create(work, "secrets");
        Path agentTemp = Files.createDirectories(work.resolve("agent-temp"));
        Path jvmTemp = Files.createDirectories(work.resolve("jvm-temp"));
        List<String> passwordsBefore = testbed.issuedRegistryPasswords();

        RunResult result = runner("build-push", "--repository", "team/secrets-" + UUID.randomUUID().toString().substring(0, 8),
                "--context", "src", "--tags", "$(Build.BuildId)", "--builder", "buildkit")
                .env(TestBedFixture.awsEnvironment())
                .env(TestBedFixture.azurePipelineVariables("77", "00112233445566778899aabbccddeeff00112233"))
                .env("AGENT_TEMPDIRECTORY", agentTemp.toString())
                .env("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + jvmTemp)
                .env("SYSTEM_DEBUG", "true")
                .in(work).run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        List<String> passwords = new ArrayList<>(testbed.issuedRegistryPasswords());
        passwords.removeAll(passwordsBefore);
        assertThat(passwords).as("the run logged in").isNotEmpty();
        List<String> secrets = new ArrayList<>(passwords);
        secrets.add(TestBedFixture.SECRET_ACCESS_KEY);

        List<String> lines = result.all().lines().toList();
        assertThat(lines.get(0)).as("the first line registers the secret key")
                .isEqualTo("##vso[task.setsecret]" + TestBedFixture.SECRET_ACCESS_KEY);
        for (String secret : secrets) {
            String encoded = Base64.getEncoder().encodeToString(("AWS:" + secret).getBytes(StandardCharsets.UTF_8));
            int registration = lines.indexOf("##vso[task.setsecret]" + secret);
            assertThat(registration).as("secret registered").isNotNegative();
            for (int i = 0; i < lines.size(); i++) {
                if (i != registration) {
                    assertThat(lines.get(i)).doesNotContain(secret).doesNotContain(encoded);
                }
            }
            assertNoFileContains(work, secret, encoded);
        }
    }

    @Test
    void loginRegistersThePasswordBeforeWritingItAndOnlyTheDockerConfigHoldsIt() throws Exception {
        Path agentTemp = Files.createDirectories(work.resolve("agent-temp"));
        List<String> passwordsBefore = testbed.issuedRegistryPasswords();

        RunResult result = runner("login").env(TestBedFixture.awsEnvironment())
                .env(TestBedFixture.azurePipelineVariables("78", "00112233445566778899aabbccddeeff00112233"))
                .env("AGENT_TEMPDIRECTORY", agentTemp.toString()).in(work).run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        List<String> passwords = new ArrayList<>(testbed.issuedRegistryPasswords());
        passwords.removeAll(passwordsBefore);
        assertThat(passwords).hasSize(1);
        String password = passwords.get(0);
        List<String> lines = result.stdout().lines().toList();
        int registration = lines.indexOf("##vso[task.setsecret]" + password);
        assertThat(registration).isNotNegative();
        assertThat(lines.subList(registration + 1, lines.size())).noneMatch(l -> l.contains(password));
        assertThat(lines.subList(0, registration)).noneMatch(l -> l.contains(password));
        String dockerConfig = result.outputs().get("dockerConfig");
        assertThat(dockerConfig).isNotNull();
        try (Stream<Path> files = Files.walk(work)) {
            List<Path> holders = files.filter(Files::isRegularFile).filter(f -> contains(f, "AWS:" + password, password)).toList();
            assertThat(holders).containsExactly(Path.of(dockerConfig, "config.json"));
        }
    }

    private static void assertNoFileContains(Path root, String secret, String encoded) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.filter(Files::isRegularFile).filter(f -> contains(f, secret, encoded)).toList())
                    .as("files holding a secret").isEmpty();
        }
    }

    private static boolean contains(Path file, String secret, String encoded) {
        try {
            String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            String base64 = Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
            return text.contains(secret) || text.contains(encoded) || text.contains(base64);
        } catch (IOException e) {
            return false;
        }
    }
}
