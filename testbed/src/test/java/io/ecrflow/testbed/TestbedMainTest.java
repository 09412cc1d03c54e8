package io.ecrflow.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecrflow.testbed.net.TestbedTls;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** The demo's way of running a testbed: a separate process, keys from the environment. */
class TestbedMainTest {

    @Test
    @Timeout(60)
    void writesEndpointsOnceReadyAndAcceptsTheKeyFromTheEnvironment(@TempDir Path dir) throws Exception {
        Path envFile = dir.resolve("testbed.env");
        ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"),
                TestbedMain.class.getName(), "--env-file", envFile.toString())
                .redirectErrorStream(true);
        builder.environment().put("AWS_ACCESS_KEY_ID", AwsClients.KEY_ID);
        builder.environment().put("AWS_SECRET_ACCESS_KEY", AwsClients.SECRET);
        builder.environment().remove("AWS_SESSION_TOKEN");
        builder.environment().put(TestbedTls.ENVIRONMENT_VARIABLE, TestbedTls.fromEnvironment().folder().toString());
        Process process = builder.start();
        BufferedReader out = process.inputReader(StandardCharsets.UTF_8);
        StringBuilder output = new StringBuilder();
        try {
            assertThat(readUntil(out, "ecrflow testbed ready", output)).as(output.toString()).isTrue();
            Map<String, String> env = parse(Files.readAllLines(envFile));

            assertThat(env.keySet()).containsExactly("AWS_ENDPOINT_URL_ECR", "AWS_ENDPOINT_URL_STS",
                    "AWS_ENDPOINT_URL_ECR_PUBLIC", "ECRFLOW_TESTBED_REGISTRY", "AWS_CA_BUNDLE");
            assertThat(env.get("ECRFLOW_TESTBED_REGISTRY")).matches("123456789012\\.dkr\\.ecr\\.us-east-1\\.ecrflow\\.test:\\d+");
            assertThat(env.get("AWS_CA_BUNDLE")).isEqualTo(TestbedTls.fromEnvironment().caFile().toString());
            try (EcrClient ecr = EcrClient.builder()
                    .endpointOverride(java.net.URI.create(env.get("AWS_ENDPOINT_URL_ECR")))
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(AwsClients.KEY_ID, AwsClients.SECRET)))
                    .httpClient(UrlConnectionHttpClient.create())
                    .build()) {
                assertThat(ecr.createRepository(r -> r.repositoryName("demo/app")).repository().repositoryUri())
                        .isEqualTo(env.get("ECRFLOW_TESTBED_REGISTRY") + "/demo/app");
            }
        } finally {
            // a signal, as the demo stops it; unlike Process.destroy() it leaves the output readable to its end
            process.toHandle().destroy();
            out.lines().forEach(line -> output.append(line).append('\n'));
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(output.toString()).contains("ecrflow testbed ready").doesNotContain(AwsClients.SECRET);
    }

    /**
     * Reads the process's output into {@code output} up to the line that contains {@code marker} (the process
     * prints it once its env file is in place), or to its end if it never comes; whether it came.
     */
    private static boolean readUntil(BufferedReader out, String marker, StringBuilder output) throws IOException {
        for (String line; (line = out.readLine()) != null; ) {
            output.append(line).append('\n');
            if (line.contains(marker)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void refusesToStartWithoutKeysInTheEnvironment(@TempDir Path dir) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"),
                TestbedMain.class.getName()).redirectErrorStream(true);
        builder.environment().remove("AWS_ACCESS_KEY_ID");
        builder.environment().remove("AWS_SECRET_ACCESS_KEY");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output).contains("Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    }

    private static Map<String, String> parse(List<String> lines) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        for (String line : lines) {
            int equals = line.indexOf('=');
            env.put(line.substring(0, equals), line.substring(equals + 1));
        }
        return env;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
