package io.ecrflow.aws;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The runner's ECR client against a server that answers as ECR does when an account is over its request rate
 * (HTTP 400, {@code __type} ThrottlingException): the call is retried, with backoff, past more throttled
 * attempts than the SDK's default three, and every retry is told.
 */
class ThrottlingRetriesTest {
    private HttpServer server;
    private final AtomicInteger throttleNext = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> notes = new CopyOnWriteArrayList<>();
    private EcrClient ecr;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            boolean throttled = throttleNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String body = throttled ? "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}"
                    : target.endsWith("DescribeRepositories") ? "{\"repositories\":[]}"
                    : "{\"__type\":\"RepositoryNotFoundException\",\"message\":\"no such repository\"}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(throttled || !target.endsWith("DescribeRepositories") ? 400 : 200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        ecr = EcrClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")))
                .overrideConfiguration(c -> ThrottlingRetries.configure(c, "ECR", notes::add))
                .build();
    }

    @AfterEach
    void stop() {
        ecr.close();
        server.stop(0);
    }

    @Test
    void fiveThrottledAttemptsAreRiddenOutAndEachRetryIsTold() {
        throttleNext.set(5);

        assertThat(ecr.describeRepositories().repositories()).isEmpty();

        assertThat(requests).hasValue(6);
        assertThat(notes).containsExactly(
                "AWS is throttling ECR DescribeRepositories; retrying (attempt 2 of 8).",
                "AWS is throttling ECR DescribeRepositories; retrying (attempt 3 of 8).",
                "AWS is throttling ECR DescribeRepositories; retrying (attempt 4 of 8).",
                "AWS is throttling ECR DescribeRepositories; retrying (attempt 5 of 8).",
                "AWS is throttling ECR DescribeRepositories; retrying (attempt 6 of 8).");
    }

    @Test
    void anErrorThatIsNotThrottlingIsNeitherToldNorRetried() {
        assertThatThrownBy(() -> ecr.getLifecyclePolicy(r -> r.repositoryName("missing")))
                .isInstanceOf(RepositoryNotFoundException.class);

        assertThat(requests).hasValue(1);
        assertThat(notes).isEmpty();
    }
}
