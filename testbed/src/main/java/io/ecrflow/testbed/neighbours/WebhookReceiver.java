package io.ecrflow.testbed.neighbours;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Teams incoming webhook on loopback: takes what is posted to its secret path and answers as a classic
 * connector does (200, body "1"). Anything posted elsewhere is refused and counted.
 */
public final class WebhookReceiver implements AutoCloseable {
    private final HttpServer server;
    private final String secretPath = "/webhookb2/" + UUID.randomUUID() + "/IncomingWebhook/" + UUID.randomUUID();
    private final List<JsonNode> cards = new CopyOnWriteArrayList<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private volatile int failureStatus = 500;

    public WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (failuresLeft.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                failed.incrementAndGet();
                byte[] answer = "Internal Server Error".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(failureStatus, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
                return;
            }
            boolean accepted = exchange.getRequestMethod().equals("POST") && exchange.getRequestURI().getPath().equals(secretPath)
                    && "application/json".equals(exchange.getRequestHeaders().getFirst("Content-Type"));
            if (accepted) {
                cards.add(new ObjectMapper().readTree(body));
            } else {
                refused.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            }
            byte[] answer = (accepted ? "1" : "Bad payload").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(accepted ? 200 : 400, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    /** The next {@code times} posts, wherever they go, are answered {@code status}, as Teams does when it fails. */
    public void failNext(int status, int times) {
        failureStatus = status;
        failuresLeft.set(times);
    }

    /** How many posts were answered with a failure. */
    public int failedPosts() {
        return failed.get();
    }

    /** The webhook URL; its path is the secret part. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + secretPath;
    }

    public String secretPart() {
        return secretPath;
    }

    public List<JsonNode> cards() {
        return List.copyOf(cards);
    }

    public List<String> refused() {
        return List.copyOf(refused);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
