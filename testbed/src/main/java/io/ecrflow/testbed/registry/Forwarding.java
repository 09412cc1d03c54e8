package io.ecrflow.testbed.registry;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How the test bed's fronts pass a request on to the registry behind them and its answer back: the client's
 * headers but those the front leaves out (hop-by-hop ones, and whatever the front answers for itself), the
 * registry's answer streamed as it comes.
 */
final class Forwarding {
    private Forwarding() {
    }

    /**
     * Sends {@code request}, with the client's headers but the {@code dropped} ones (lower case), to the registry.
     */
    static HttpResponse<InputStream> send(HttpClient http, HttpRequest.Builder request, HttpExchange exchange,
                                          Set<String> dropped) throws IOException {
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
            if (dropped.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                continue;
            }
            for (String value : header.getValue()) {
                try {
                    request.header(header.getKey(), value);
                } catch (IllegalArgumentException restrictedByHttpClient) {
                    // the JDK client sets such headers itself
                }
            }
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while forwarding to the registry", e);
        }
    }

    /** Relays the registry's answer to the client: its status, its headers but the {@code dropped} ones, its body. */
    static void relay(HttpExchange exchange, HttpResponse<InputStream> response, Set<String> dropped) throws IOException {
        response.headers().map().forEach((name, values) -> {
            if (!dropped.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        int status = response.statusCode();
        long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        boolean bodiless = head || status == 204 || status == 304 || status < 200;
        if (head && declared >= 0) {
            // HttpServer leaves a HEAD response's length to us; clients read sizes from it
            exchange.getResponseHeaders().set("Content-Length", Long.toString(declared));
        }
        // sendResponseHeaders: -1 is "no body", 0 is "chunked"
        long length = bodiless || declared == 0 ? -1 : declared < 0 ? 0 : declared;
        try (InputStream in = response.body()) {
            exchange.sendResponseHeaders(status, length);
            if (length != -1) {
                try (OutputStream out = exchange.getResponseBody()) {
                    in.transferTo(out);
                }
            }
        }
    }
}
