package io.ecrflow.testbed.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecrflow.testbed.AwsClients;
import io.ecrflow.testbed.Testbed;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Requests the SDK's clients would never send, signed with the SDK's own SigV4 signer: the
 * testbed must refuse them the way AWS does.
 */
class SignatureCheckTest {

    private static final String TARGET = "AmazonEC2ContainerRegistry_V20150921.";
    private static final Set<String> SET_BY_HTTP_CLIENT = Set.of("host", "content-length");

    private static Testbed testbed;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        testbed = Testbed.start(AwsClients.config());
    }

    @AfterAll
    static void stop() {
        testbed.close();
    }

    @Test
    void correctlySignedRequestIsAnswered() throws Exception {
        HttpResponse<String> response = send(signed("DescribeRepositories", "{}", "ecr", Clock.systemUTC()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"repositories\":[]}");
    }

    @Test
    void unknownOperationIsRefused() throws Exception {
        HttpResponse<String> response = send(signed("LaunchRockets", "{}", "ecr", Clock.systemUTC()));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"__type\":\"UnknownOperationException\"");
    }

    @Test
    void signatureOlderThanFifteenMinutesHasExpired() throws Exception {
        Clock sixteenMinutesAgo = Clock.fixed(Instant.now().minus(Duration.ofMinutes(16)), ZoneOffset.UTC);

        HttpResponse<String> response = send(signed("DescribeRepositories", "{}", "ecr", sixteenMinutesAgo));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("\"__type\":\"InvalidSignatureException\"", "Signature expired");
    }

    @Test
    void signatureForAnotherServiceIsRefused() throws Exception {
        HttpResponse<String> response = send(signed("DescribeRepositories", "{}", "s3", Clock.systemUTC()));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("\"__type\":\"InvalidSignatureException\"");
    }

    @Test
    void bodyChangedAfterSigningIsRefused() throws Exception {
        HttpRequest.Builder tampered = signed("DescribeRepositories", "{}", "ecr", Clock.systemUTC());

        HttpResponse<String> response = http.send(
                tampered.POST(HttpRequest.BodyPublishers.ofString("{\"repositoryNames\":[\"x\"]}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("\"__type\":\"InvalidSignatureException\"");
    }

    @Test
    void unsignedRequestIsRefused() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(testbed.ecrEndpoint())
                        .header("X-Amz-Target", TARGET + "DescribeRepositories")
                        .header("Content-Type", "application/x-amz-json-1.1")
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("\"__type\":\"MissingAuthenticationTokenException\"");
        assertThat(testbed.calls()).last().satisfies(call -> {
            assertThat(call.accessKeyId()).isEmpty();
            assertThat(call.errorCode()).contains("MissingAuthenticationTokenException");
        });
    }

    private static HttpRequest.Builder signed(String operation, String body, String service, Clock clock) {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(testbed.ecrEndpoint().resolve("/"))
                .putHeader("X-Amz-Target", TARGET + operation)
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(AwsClients.KEY_ID, AwsClients.SECRET))
                .request(request)
                .payload(ContentStreamProvider.fromUtf8String(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(signed.request().getUri().toString()))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        signed.request().forEachHeader((name, values) -> {
            if (!SET_BY_HTTP_CLIENT.contains(name.toLowerCase())) {
                values.forEach(value -> builder.header(name, value));
            }
        });
        return builder;
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
