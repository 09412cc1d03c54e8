package io.ecrflow.tasks;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Stands in for Azure DevOps' OIDC token endpoint, which cannot run here: the agent gives a step its
 * URL as {@code System.OidcRequestUri}, and a task POSTs to it with the job's access token and a
 * service connection id, getting {@code {"oidcToken": "<JWT>"}} back. The token is unsigned; the ECR
 * test server trusts issuers by name.
 */
final class AzureDevOpsOidcIssuer implements AutoCloseable {
    static final String ISSUER = "https://vstoken.dev.azure.com/8a7c2a3e-0000-4000-8000-00000000c0de";
    static final String AUDIENCE = "api://AzureADTokenExchange";
    static final String JOB_ACCESS_TOKEN = "job-access-token-for-the-oidc-request";

    private final HttpServer server;
    private final List<String> serviceConnectionIds = new ArrayList<>();

    private AzureDevOpsOidcIssuer(HttpServer server) {
        this.server = server;
    }

    static AzureDevOpsOidcIssuer start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AzureDevOpsOidcIssuer issuer = new AzureDevOpsOidcIssuer(server);
        server.createContext("/oidctoken", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            String connectionId = query == null ? "" : query.replaceAll(".*serviceConnectionId=([^&]*).*", "$1");
            boolean authorized = ("Bearer " + JOB_ACCESS_TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = authorized
                    ? ("{\"oidcToken\":\"" + token(connectionId) + "\"}").getBytes(StandardCharsets.UTF_8)
                    : "{\"message\":\"unauthorized\"}".getBytes(StandardCharsets.UTF_8);
            synchronized (issuer.serviceConnectionIds) {
                issuer.serviceConnectionIds.add(connectionId);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(authorized && "POST".equals(exchange.getRequestMethod()) ? 200 : 401, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return issuer;
    }

    /** The value of {@code System.OidcRequestUri}, as the agent sets it ({@code SYSTEM_OIDCREQUESTURI}). */
    String requestUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/oidctoken";
    }

    /** The service connection ids tokens were asked for, in order. */
    List<String> requestedConnections() {
        synchronized (serviceConnectionIds) {
            return List.copyOf(serviceConnectionIds);
        }
    }

    private static String token(String connectionId) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String header = base64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = "{\"iss\":\"" + ISSUER + "\",\"aud\":\"" + AUDIENCE + "\",\"sub\":\"sc://example/web/" + connectionId
                + "\",\"exp\":" + Instant.now().plusSeconds(600).getEpochSecond() + "}";
        return header + "." + base64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString("unsigned".getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
