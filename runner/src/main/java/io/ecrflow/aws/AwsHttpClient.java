package io.ecrflow.aws;

import io.ecrflow.http.CaBundle;
import io.ecrflow.http.UntrustedCertificate;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.utils.AttributeMap;

import java.io.IOException;
import java.time.Duration;

/**
 * The HTTP client of every AWS SDK client the runner makes (ECR, ECR Public, STS): the SDK's small URL-connection
 * client, trusting the run's {@link CaBundle} (the SDK makes its own TLS context, so the JDK's default does not
 * reach it). A certificate Java does not trust leaves as an {@link UntrustedCertificate}, which is no
 * {@link IOException}: the SDK's retry strategy retries I/O failures, and this one fails alike every time.
 */
final class AwsHttpClient implements SdkHttpClient.Builder<AwsHttpClient> {
    private final Duration connectionTimeout;
    private final Duration socketTimeout;

    private AwsHttpClient(Duration connectionTimeout, Duration socketTimeout) {
        this.connectionTimeout = connectionTimeout;
        this.socketTimeout = socketTimeout;
    }

    static AwsHttpClient withTimeouts(Duration connection, Duration socket) {
        return new AwsHttpClient(connection, socket);
    }

    @Override
    public SdkHttpClient buildWithDefaults(AttributeMap defaults) {
        SdkHttpClient client = UrlConnectionHttpClient.builder()
                .connectionTimeout(connectionTimeout)
                .socketTimeout(socketTimeout)
                // null: the JVM's own trust store, as without the provider
                .tlsTrustManagersProvider(() -> CaBundle.installed().map(CaBundle::trustManagers).orElse(null))
                .buildWithDefaults(defaults);
        return new CertificateChecking(client);
    }

    private record CertificateChecking(SdkHttpClient client) implements SdkHttpClient {
        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            ExecutableHttpRequest call = client.prepareRequest(request);
            String host = request.httpRequest().host() + (request.httpRequest().port() == 443 ? ""
                    : ":" + request.httpRequest().port());
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() throws IOException {
                    try {
                        return call.call();
                    } catch (IOException e) {
                        UntrustedCertificate.find(e, host).ifPresent(untrusted -> {
                            throw untrusted;
                        });
                        throw e;
                    }
                }

                @Override
                public void abort() {
                    call.abort();
                }
            };
        }

        @Override
        public String clientName() {
            return client.clientName();
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
