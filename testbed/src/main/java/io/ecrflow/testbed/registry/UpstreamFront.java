package io.ecrflow.testbed.registry;

import io.ecrflow.testbed.net.DaemonThreads;
import io.ecrflow.testbed.net.TestbedNames;
import io.ecrflow.testbed.net.TestbedTls;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsServer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * A read-only front for a {@link LocalRegistry} that plays an upstream registry publishing at the worst
 * moment: once {@link #moveTagAfterFirstRead armed}, the first manifest request for a tag is answered as
 * the registry holds it, and every later one as if the upstream had pushed another image under that tag
 * meanwhile (the manifest of a second tag). No waiting: the move happens between two requests, always.
 * HTTPS under {@link TestbedNames#UPSTREAM}, as the registry behind it.
 */
public final class UpstreamFront implements AutoCloseable {
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "host", "transfer-encoding",
            "keep-alive", "upgrade");

    private final HttpsServer server;
    private final ExecutorService executor;
    private final LocalRegistry registry;
    private final HttpClient http = TestbedTls.fromEnvironment().httpClient().build();
    /** repository/manifests/tag → the tag whose manifest it serves after its first read. */
    private final Map<String, String> moves = new ConcurrentHashMap<>();
    private final Set<String> read = ConcurrentHashMap.newKeySet();

    private UpstreamFront(HttpsServer server, ExecutorService executor, LocalRegistry registry) {
        this.server = server;
        this.executor = executor;
        this.registry = registry;
    }

    public static UpstreamFront of(LocalRegistry registry) throws IOException {
        HttpsServer server = TestbedTls.fromEnvironment().httpsServer(0);
        ExecutorService executor = DaemonThreads.pool("upstream-front");
        UpstreamFront front = new UpstreamFront(server, executor, registry);
        server.createContext("/", front::handle);
        server.setExecutor(executor);
        server.start();
        return front;
    }

    /** {@code upstream.ecrflow.test:<port>}, as image references use it. */
    public String host() {
        return TestbedNames.UPSTREAM + ":" + server.getAddress().getPort();
    }

    /** After the next read of {@code repository:tag}, that tag serves what {@code laterTag} holds. */
    public void moveTagAfterFirstRead(String repository, String tag, String laterTag) {
        String key = repository + "/manifests/" + tag;
        read.remove(key);
        moves.put(key, laterTag);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            forward(exchange, moved(path));
        }
    }

    private String moved(String path) {
        if (!path.startsWith("/v2/")) {
            return path;
        }
        String key = path.substring("/v2/".length());
        String laterTag = moves.get(key);
        if (laterTag == null || read.add(key)) {
            return path;
        }
        return path.substring(0, path.lastIndexOf('/') + 1) + laterTag;
    }

    private void forward(HttpExchange exchange, String path) throws IOException {
        String query = exchange.getRequestURI().getRawQuery();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(registry.url() + path
                        + (query == null ? "" : "?" + query)))
                .timeout(Duration.ofMinutes(5))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.noBody());
        Forwarding.relay(exchange, Forwarding.send(http, request, exchange, HOP_BY_HOP), HOP_BY_HOP);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
