package io.ecrflow.aws;

import io.ecrflow.http.CaBundle;
import io.ecrflow.http.SelfSignedHttpsServer;
import io.ecrflow.http.UntrustedCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The AWS SDK's clients trust the run's CA bundle, and do not retry a certificate Java does not trust. */
class AwsHttpClientTest {
    @TempDir
    Path folder;

    @Test
    void anEcrEndpointWithAnUntrustedCertificateFailsOnTheFirstAttemptNamingTheCaBundle() throws Exception {
        try (SelfSignedHttpsServer ecr = SelfSignedHttpsServer.start(folder, AwsHttpClientTest::answerEmptyList);
             EcrClient client = ecrAt(ecr)) {
            // the SDK hands on what is not an I/O failure as it is: SdkEcr's callers see the user's error
            assertThatThrownBy(client::describeRepositories)
                    .isInstanceOf(UntrustedCertificate.class)
                    .hasMessageStartingWith("The certificate of " + ecr.host() + " is not trusted by Java")
                    .hasMessageContaining("--ca-bundle");
            assertThat(ecr.connections()).as("attempts, with the standard retry mode's 3 allowed").isEqualTo(1);
        }
    }

    @Test
    void withTheCaBundleInstalledTheSameEndpointAnswers() throws Exception {
        try (SelfSignedHttpsServer ecr = SelfSignedHttpsServer.start(folder, AwsHttpClientTest::answerEmptyList);
             CaBundle.Installation trust = CaBundle.from(Optional.of(ecr.caBundle().toString()), Optional.empty(), folder)
                     .orElseThrow().install();
             EcrClient client = ecrAt(ecr)) {
            assertThat(client.describeRepositories().repositories()).isEmpty();
        }
    }

    private static EcrClient ecrAt(SelfSignedHttpsServer server) {
        return EcrClient.builder()
                .httpClientBuilder(AwsHttpClient.withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5)))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
                .overrideConfiguration(c -> c.retryStrategy(RetryMode.STANDARD))
                .endpointOverride(URI.create("https://" + server.host()))
                .region(Region.US_EAST_1)
                .build();
    }

    private static void answerEmptyList(com.sun.net.httpserver.HttpExchange exchange) throws java.io.IOException {
        exchange.getRequestBody().readAllBytes();
        byte[] body = "{\"repositories\":[]}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(200, body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
