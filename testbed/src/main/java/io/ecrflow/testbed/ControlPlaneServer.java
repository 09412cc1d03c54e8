package io.ecrflow.testbed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;

/**
 * The AWS API endpoint: ECR (JSON 1.1, {@code X-Amz-Target}) and STS (query protocol,
 * {@code Action=}) on one port. Every request must carry a valid SigV4 signature, and every
 * request is recorded for tests to inspect.
 */
final class ControlPlaneServer implements AutoCloseable {

    private static final String JSON_11 = "application/x-amz-json-1.1";

    private final HttpServer server;
    private final ExecutorService executor;
    private final SigV4Verifier verifier;
    private final EcrApi ecr;
    private final StsApi sts;
    private final List<ControlPlaneCall> calls = new CopyOnWriteArrayList<>();

    private ControlPlaneServer(HttpServer server, ExecutorService executor, SigV4Verifier verifier, EcrApi ecr, StsApi sts) {
        this.server = server;
        this.executor = executor;
        this.verifier = verifier;
        this.ecr = ecr;
        this.sts = sts;
    }

    static ControlPlaneServer start(SigV4Verifier verifier, EcrApi ecr, StsApi sts) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        ExecutorService executor = DaemonThreads.pool("ecrflow-testbed-aws");
        server.setExecutor(executor);
        ControlPlaneServer controlPlane = new ControlPlaneServer(server, executor, verifier, ecr, sts);
        server.createContext("/", controlPlane::handle);
        server.start();
        return controlPlane;
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<ControlPlaneCall> calls() {
        return List.copyOf(calls);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            SignedRequest request = new SignedRequest(exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery(),
                    exchange.getRequestHeaders(), in.readAllBytes());
            String target = request.firstHeader("X-Amz-Target");
            Map<String, String> form = formParameters(request);
            if (target == null && form.containsKey("Action")) {
                handleSts(exchange, request, form);
            } else {
                handleEcr(exchange, request, target);
            }
        }
    }

    private void handleEcr(HttpExchange exchange, SignedRequest request, String target) throws IOException {
        String operationName = EcrApi.operationName(target);
        SigV4Verifier.Verdict caller = verifier.verify(request, "ecr");
        String body;
        AwsError error = null;
        try {
            if (!caller.valid()) {
                throw ecrAuthenticationError(caller);
            }
            EcrApi.Operation operation = ecr.operation(target).orElseThrow(() -> new AwsError(
                    "UnknownOperationException", "The operation '" + operationName + "' is not supported."));
            body = operation.handle(parseJson(request.body()), caller.region().orElseThrow()).toString();
        } catch (AwsError e) {
            error = e;
            body = "{\"__type\":" + JsonText.quote(e.code()) + ",\"message\":" + JsonText.quote(e.getMessage()) + "}";
        } catch (RuntimeException e) {
            error = new AwsError("ServerException", "The testbed failed: " + e, 500);
            body = "{\"__type\":\"ServerException\",\"message\":" + JsonText.quote(error.getMessage()) + "}";
        }
        record("ecr", operationName, caller, error);
        exchange.getResponseHeaders().set("Content-Type", JSON_11);
        if (error != null) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", error.code());
        }
        send(exchange, error == null ? 200 : error.status(), body);
    }

    private void handleSts(HttpExchange exchange, SignedRequest request, Map<String, String> form) throws IOException {
        String actionName = form.get("Action");
        SigV4Verifier.Verdict caller = verifier.verify(request, "sts");
        String body;
        AwsError error = null;
        try {
            if (!caller.valid()) {
                throw stsAuthenticationError(caller);
            }
            StsApi.Action action = sts.action(actionName).orElseThrow(() -> new AwsError("InvalidAction",
                    "Could not find operation " + actionName + " for version " + form.get("Version")));
            body = StsApi.successXml(actionName, action.resultXml(form, caller.accessKeyId().orElseThrow()));
        } catch (AwsError e) {
            error = e;
            body = StsApi.errorXml(e);
        } catch (RuntimeException e) {
            error = new AwsError("InternalFailure", "The testbed failed: " + e, 500);
            body = StsApi.errorXml(error);
        }
        record("sts", actionName, caller, error);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        send(exchange, error == null ? 200 : error.status(), body);
    }

    /** ECR's answers to bad signatures, as the AWS JSON services give them. */
    private static AwsError ecrAuthenticationError(SigV4Verifier.Verdict verdict) {
        return switch (verdict.failure().orElseThrow()) {
            case MISSING -> new AwsError("MissingAuthenticationTokenException", verdict.detail(), 403);
            case MALFORMED -> new AwsError("IncompleteSignatureException", verdict.detail(), 400);
            case UNKNOWN_KEY, INVALID_TOKEN -> new AwsError("UnrecognizedClientException", verdict.detail(), 400);
            case EXPIRED, WRONG_SERVICE, SIGNATURE_MISMATCH ->
                    new AwsError("InvalidSignatureException", verdict.detail(), 403);
        };
    }

    /** STS's answers to bad signatures, in its query-protocol codes. */
    private static AwsError stsAuthenticationError(SigV4Verifier.Verdict verdict) {
        return switch (verdict.failure().orElseThrow()) {
            case MISSING -> new AwsError("MissingAuthenticationToken", "Request is missing Authentication Token", 403);
            case MALFORMED -> new AwsError("IncompleteSignature", verdict.detail(), 400);
            case UNKNOWN_KEY, INVALID_TOKEN -> new AwsError("InvalidClientTokenId", verdict.detail(), 403);
            case EXPIRED, WRONG_SERVICE, SIGNATURE_MISMATCH ->
                    new AwsError("SignatureDoesNotMatch", verdict.detail(), 403);
        };
    }

    private void record(String service, String operation, SigV4Verifier.Verdict caller, AwsError error) {
        calls.add(new ControlPlaneCall(service, operation, caller.accessKeyId(), caller.region(),
                Optional.ofNullable(error).map(AwsError::code), Instant.now()));
    }

    private static JsonNode parseJson(byte[] body) {
        if (body.length == 0) {
            return Json.object();
        }
        try {
            JsonNode tree = Json.MAPPER.readTree(body);
            if (tree == null || !tree.isObject()) {
                throw new AwsError("SerializationException", "The request body must be a JSON object.");
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw new AwsError("SerializationException", "The request body is not valid JSON.");
        } catch (IOException e) {
            throw new AwsError("SerializationException", "The request body could not be read.");
        }
    }

    /** The query protocol's parameters, when the body is a form. */
    private static Map<String, String> formParameters(SignedRequest request) {
        Map<String, String> parameters = new LinkedHashMap<>();
        String type = request.firstHeader("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return parameters;
        }
        for (String pair : new String(request.body(), StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            parameters.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return parameters;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
