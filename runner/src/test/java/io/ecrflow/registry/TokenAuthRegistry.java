package io.ecrflow.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A registry on loopback that guards its repositories the way Docker Hub and MCR do — a 401 with a
 * {@code Bearer realm=…,service=…,scope=…} challenge and a token service at the realm — since the test
 * bed has no real registry configured for token auth. Storage for blobs sits on another origin, as S3
 * does behind ECR, to see which headers follow a redirect.
 */
final class TokenAuthRegistry implements AutoCloseable {
    static final String USER = "reader";
    static final String PASSWORD = "s3cret-reader-password";
    static final String PRIVATE_REPOSITORY = "team/private-base";

    final HttpServer registry;
    final HttpServer storage;
    final List<String> tokenRequests = new CopyOnWriteArrayList<>();
    final List<String> storageAuthorizations = new CopyOnWriteArrayList<>();
    final List<String> acceptHeaders = new CopyOnWriteArrayList<>();
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    /** The host the next-page Link of a tag list names: none (a path, as distribution writes it) or a whole URL's. */
    volatile String linkHost = "";
    /** Tokens no longer valid: answered as ECR Public answers them, 400 DENIED and no challenge. */
    private final java.util.Set<String> expired = ConcurrentHashMap.newKeySet();
    /** When set, every token is refused as expired, even one just issued. */
    volatile boolean refuseEveryToken;
    final byte[] index;
    final byte[] image;
    final byte[] config = "{\"config\":{\"Labels\":{\"org.opencontainers.image.base.name\":\"upstream/os:1\"}}}"
            .getBytes(StandardCharsets.UTF_8);

    TokenAuthRegistry() throws IOException {
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        storage = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        image = ("{\"schemaVersion\":2,\"mediaType\":\"" + Manifest.OCI_IMAGE + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + digestOf(config) + "\",\"size\":"
                + config.length + "},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
        index = ("{\"schemaVersion\":2,\"mediaType\":\"" + Manifest.OCI_INDEX + "\",\"manifests\":["
                + "{\"mediaType\":\"" + Manifest.OCI_IMAGE + "\",\"digest\":\"" + digestOf(image) + "\",\"size\":"
                + image.length + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}")
                .getBytes(StandardCharsets.UTF_8);
        registry.createContext("/token", this::token);
        registry.createContext("/v2/", this::api);
        storage.createContext("/", this::storage);
        registry.start();
        storage.start();
    }

    String host() {
        return "127.0.0.1:" + registry.getAddress().getPort();
    }

    static String digestOf(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void token(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getRawQuery();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        tokenRequests.add(query + (authorization == null ? "" : " with " + authorization.split(" ")[0]));
        String scope = query.replaceAll(".*scope=([^&]*).*", "$1");
        boolean wantsPrivate = java.net.URLDecoder.decode(scope, StandardCharsets.UTF_8).contains(PRIVATE_REPOSITORY);
        String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        if (wantsPrivate && !expected.equals(authorization)) {
            send(exchange, 401, "application/json", "{\"details\":\"incorrect username or password\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        String token = "token-" + tokens.size() + "-" + scope.hashCode();
        tokens.put(token, scope);
        send(exchange, 200, "application/json", ("{\"token\":\"" + token + "\",\"expires_in\":300}").getBytes(StandardCharsets.UTF_8));
    }

    private void api(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String repository = path.replaceFirst("^/v2/(.+)/(manifests|blobs|tags)/.*$", "$1");
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String bearer = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : null;
        if (bearer != null && (refuseEveryToken || expired.contains(bearer))) {
            send(exchange, 400, "application/json; charset=utf-8",
                    "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"Your Authorization Token is invalid.\"}]}"
                            .getBytes(StandardCharsets.UTF_8));
            return;
        }
        String granted = bearer != null ? tokens.get(bearer) : null;
        if (granted == null || !java.net.URLDecoder.decode(granted, StandardCharsets.UTF_8)
                .equals("repository:" + repository + ":pull")) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"http://" + host() + "/token\","
                    + "service=\"test-registry\",scope=\"repository:" + repository + ":pull\"");
            send(exchange, 401, "application/json", "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}"
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (path.endsWith("/manifests/1.0")) {
            String accept = exchange.getRequestHeaders().getFirst("Accept");
            acceptHeaders.add(accept);
            // Like MCR: the index only for clients that say they understand indexes.
            boolean index = accept != null && accept.contains(Manifest.OCI_INDEX);
            byte[] body = index ? this.index : image;
            exchange.getResponseHeaders().set("Docker-Content-Digest", digestOf(body));
            send(exchange, 200, index ? Manifest.OCI_INDEX : Manifest.OCI_IMAGE, body);
        } else if (path.endsWith("/manifests/" + digestOf(image))) {
            send(exchange, 200, Manifest.OCI_IMAGE, image);
        } else if (path.contains("/blobs/")) {
            exchange.getResponseHeaders().set("Location", "http://127.0.0.1:" + storage.getAddress().getPort()
                    + "/bucket/" + path.substring(path.lastIndexOf('/') + 1) + "?X-Amz-Signature=abc");
            send(exchange, 307, "text/plain", new byte[0]);
        } else if (path.endsWith("/tags/list")) {
            String query = exchange.getRequestURI().getQuery();
            java.util.regex.Matcher n = java.util.regex.Pattern.compile("(?:^|&)n=(\\d+)").matcher(query == null ? "" : query);
            if (n.find() && Integer.parseInt(n.group(1)) > 1000) {
                // as ECR answers a page larger than it serves
                send(exchange, 400, "application/json", ("{\"errors\":[{\"code\":\"UNSUPPORTED\",\"message\":\"Invalid "
                        + "parameter at 'maxResults' failed to satisfy constraint: 'Member must have value less than or "
                        + "equal to 1000'\"}]}").getBytes(StandardCharsets.UTF_8));
            } else if (query != null && query.contains("last=b")) {
                send(exchange, 200, "application/json", "{\"name\":\"x\",\"tags\":[\"c\"]}".getBytes(StandardCharsets.UTF_8));
            } else {
                exchange.getResponseHeaders().set("Link", "<" + linkHost + "/v2/" + repository + "/tags/list?n=1000&last=b>; rel=\"next\"");
                send(exchange, 200, "application/json", "{\"name\":\"x\",\"tags\":[\"a\",\"b\"]}".getBytes(StandardCharsets.UTF_8));
            }
        } else {
            send(exchange, 404, "application/json", "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}"
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Every token issued so far is no longer valid (ECR Public's last an hour). */
    void expireTokens() {
        expired.addAll(tokens.keySet());
    }

    private void storage(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        storageAuthorizations.add(authorization == null ? "none" : authorization);
        send(exchange, 200, "application/octet-stream", config);
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", type);
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
            if (!head && body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Override
    public void close() {
        registry.stop(0);
        storage.stop(0);
    }
}
