package io.ecrflow.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.ecrflow.UserError;

import java.time.Duration;
import java.util.Map;

/**
 * A docker-java client for the engine the environment points at, chosen by {@link EngineEndpoint} as the
 * docker CLI chooses it, over TLS read by {@link PemTlsConfig} when it asks for that.
 * No docker config directory is given to docker-java, so it never reads stored registry credentials:
 * every registry credential is handed to a command in memory.
 */
public final class EngineConnection implements AutoCloseable {
    private final DockerClient client;
    private final EngineEndpoint endpoint;

    private EngineConnection(DockerClient client, EngineEndpoint endpoint) {
        this.client = client;
        this.endpoint = endpoint;
    }

    public static EngineConnection open(Map<String, String> env) {
        EngineEndpoint endpoint = EngineEndpoint.resolve(env);
        // A plain builder, not createDefaultConfigBuilder(): that one reads System.getenv() and ~/.docker.
        DefaultDockerClientConfig config;
        try {
            config = new DefaultDockerClientConfig.Builder().withDockerHost(endpoint.host()).build();
        } catch (DockerClientException | IllegalArgumentException e) {
            throw new UserError("The Docker Engine address " + endpoint.host() + " (from " + endpoint.source()
                    + ") is not usable: " + e.getMessage() + ". Check DOCKER_HOST or the docker context.");
        }
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(endpoint.tlsFolder().map(PemTlsConfig::from).orElse(null))
                // Only connecting is bounded: builds and pushes stream for as long as they take.
                .connectionTimeout(Duration.ofSeconds(15))
                .build();
        return new EngineConnection(DockerClientImpl.getInstance(config, http), endpoint);
    }

    DockerClient client() {
        return client;
    }

    /** Where the engine is reached, e.g. {@code unix:///var/run/docker.sock}. */
    public String host() {
        return endpoint.host();
    }

    /** The engine and how it was chosen; a docker CLI must be pointed at the same one. */
    public EngineEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (java.io.IOException e) {
            // Closing an idle HTTP client cannot lose data; nothing for the user to do.
        }
    }
}
