package io.ecrflow.testbed.registry;

import io.ecrflow.testbed.net.TestbedTls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Debian's {@code docker-registry} (the reference distribution server) as a process on a free loopback port,
 * with its storage and log in a folder of the caller's: the one place the test bed starts it.
 */
final class RegistryProcess implements AutoCloseable {
    private static final String BINARY_NAME = "docker-registry";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    /**
     * How the registry is reached: {@code host} is where the upload locations it hands out point (a front
     * in front of it), {@code tls} makes it speak HTTPS with the test bed's certificate, and {@code baseUri}
     * names it on a port as its clients do.
     */
    record Listener(Optional<String> host, Optional<TestbedTls> tls, IntFunction<URI> baseUri) {
    }

    private final Process process;
    private final URI baseUri;

    private RegistryProcess(Process process, URI baseUri) {
        this.process = process;
        this.baseUri = baseUri;
    }

    /** A port found free may be taken before the registry binds it; a few tries make that race harmless. */
    static RegistryProcess start(Optional<Path> configuredBinary, Path folder, Listener listener, HttpClient http)
            throws IOException {
        Path binary = configuredBinary.orElseGet(RegistryProcess::findBinary);
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("The distribution registry '" + binary + "' is not installed or not "
                    + "executable. Install Debian's docker-registry package (apt-get install docker-registry).");
        }
        IllegalStateException lastFailure = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freeLoopbackPort();
            Path config = folder.resolve("config.yml");
            Files.writeString(config, configYaml(folder.resolve("storage"), port, listener));
            Path log = folder.resolve("registry.log");
            Process process = new ProcessBuilder(binary.toString(), "serve", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            RegistryProcess registry = new RegistryProcess(process, listener.baseUri().apply(port));
            try {
                registry.awaitReady(log, http);
                return registry;
            } catch (ExitedWhileStarting e) {
                lastFailure = e;
            }
        }
        throw lastFailure;
    }

    /** Where the registry answers, e.g. {@code http://127.0.0.1:<port>}. */
    URI baseUri() {
        return baseUri;
    }

    private static Path findBinary() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, BINARY_NAME);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return Path.of("/usr/bin", BINARY_NAME);
    }

    private static String configYaml(Path storage, int port, Listener listener) {
        StringBuilder yaml = new StringBuilder(String.join("\n",
                "version: 0.1",
                "log:",
                "  level: warn",
                "  accesslog:",
                "    disabled: true",
                "storage:",
                "  filesystem:",
                "    rootdirectory: " + storage,
                "  delete:",
                "    enabled: true",
                "  maintenance:",
                "    uploadpurging:",
                "      enabled: false",
                "http:",
                "  addr: 127.0.0.1:" + port,
                ""));
        listener.host().ifPresent(host -> yaml.append("  host: ").append(host).append('\n'));
        listener.tls().ifPresent(tls -> yaml.append("  tls:\n")
                .append("    certificate: ").append(tls.certificateFile()).append('\n')
                .append("    key: ").append(tls.keyFile()).append('\n'));
        return yaml.toString();
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void awaitReady(Path log, HttpClient http) throws IOException {
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                String output = Files.exists(log) ? Files.readString(log) : "";
                throw new ExitedWhileStarting("The distribution registry exited with code "
                        + process.exitValue() + " while starting: " + output.strip());
            }
            try {
                if (answers(http)) {
                    return;
                }
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
        throw new IllegalStateException("The distribution registry did not answer GET " + baseUri + "/v2/ within "
                + STARTUP_TIMEOUT);
    }

    private boolean answers(HttpClient http) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(baseUri.resolve("/v2/")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notListeningYet) {
            return false;
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static final class ExitedWhileStarting extends IllegalStateException {
        ExitedWhileStarting(String message) {
            super(message);
        }
    }
}
