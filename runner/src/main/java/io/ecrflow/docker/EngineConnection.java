package io.ecrflow.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.ecrflow.UserError;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A docker-java client for the engine the environment points at ({@code DOCKER_HOST},
 * {@code DOCKER_TLS_VERIFY}, {@code DOCKER_CERT_PATH} read by {@link PemTlsConfig}; the local socket otherwise).
 * No docker config directory is given to docker-java, so it never reads stored registry credentials:
 * every registry credential is handed to a command in memory.
 */
public final class EngineConnection implements AutoCloseable {
    static final String DEFAULT_HOST = "unix:///var/run/docker.sock";

    private final DockerClient client;
    private final String host;

    private EngineConnection(DockerClient client, String host) {
        this.client = client;
        this.host = host;
    }

    public static EngineConnection open(Map<String, String> env) {
        // A plain builder, not createDefaultConfigBuilder(): that one reads System.getenv() and ~/.docker.
        DefaultDockerClientConfig.Builder builder = new DefaultDockerClientConfig.Builder()
                .withDockerHost(valueOf(env, "DOCKER_HOST", DEFAULT_HOST));
        DefaultDockerClientConfig config;
        try {
            config = builder.build();
        } catch (DockerClientException | IllegalArgumentException e) {
            throw new UserError("The Docker Engine settings in the environment are not usable: " + e.getMessage()
                    + ". Check DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH.");
        }
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(tlsVerify(env) ? PemTlsConfig.from(certPath(env)) : null)
                // Only connecting is bounded: builds and pushes stream for as long as they take.
                .connectionTimeout(Duration.ofSeconds(15))
                .build();
        return new EngineConnection(DockerClientImpl.getInstance(config, http), config.getDockerHost().toString());
    }

    /** As the docker CLI reads it: set to anything but {@code 0} or {@code false} means TLS, verified. */
    private static boolean tlsVerify(Map<String, String> env) {
        String value = valueOf(env, "DOCKER_TLS_VERIFY", "");
        return !value.isEmpty() && !value.equals("0") && !value.equalsIgnoreCase("false");
    }

    private static Path certPath(Map<String, String> env) {
        String home = valueOf(env, "HOME", System.getProperty("user.home"));
        return Path.of(valueOf(env, "DOCKER_CERT_PATH", Path.of(home, ".docker").toString()));
    }

    private static String valueOf(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    DockerClient client() {
        return client;
    }

    /** Where the engine is reached, e.g. {@code unix:///var/run/docker.sock}. */
    public String host() {
        return host;
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
