package io.ecrflow.testbed.aws;

import io.ecrflow.testbed.ecr.EcrApi;
import io.ecrflow.testbed.ecr.EcrPublicApi;
import io.ecrflow.testbed.faults.OperationRendezvous;
import io.ecrflow.testbed.faults.OperationThrottling;
import io.ecrflow.testbed.net.DaemonThreads;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The AWS API endpoint: ECR and ECR Public (JSON 1.1, {@code X-Amz-Target}) and STS (query
 * protocol, {@code Action=}) on one port. Every request must carry a valid SigV4 signature (except
 * the STS actions AWS answers unsigned), and every request is recorded for tests to inspect. An ECR
 * request goes to the registry its {@code registryId} names, else to the caller's own account.
 */
public final class ControlPlaneServer implements AutoCloseable {

    private static final String JSON_11 = "application/x-amz-json-1.1";
    private static final List<String> STS_RECORDED = List.of("RoleArn", "RoleSessionName", "ExternalId",
            "SourceIdentity", "DurationSeconds");
    private static final Pattern ARN_ACCOUNT = Pattern.compile("arn:aws[a-z-]*:ecr:[a-z0-9-]+:([0-9]{12}):.*");

    private final HttpServer server;
    private final ExecutorService executor;
    private final SigV4Verifier verifier;
    private final Map<String, EcrApi> ecrByAccount;
    private final EcrPublicApi ecrPublic;
    private final StsApi sts;
    private final List<ControlPlaneCall> calls = new CopyOnWriteArrayList<>();
    private final OperationRendezvous rendezvous = new OperationRendezvous();
    private final OperationThrottling throttling = new OperationThrottling();
    private final Permissions permissions;

    private ControlPlaneServer(HttpServer server, ExecutorService executor, SigV4Verifier verifier,
            Map<String, EcrApi> ecrByAccount, EcrPublicApi ecrPublic, StsApi sts, Permissions permissions) {
        this.server = server;
        this.permissions = permissions;
        this.executor = executor;
        this.verifier = verifier;
        this.ecrByAccount = Map.copyOf(ecrByAccount);
        this.ecrPublic = ecrPublic;
        this.sts = sts;
    }

    public static ControlPlaneServer start(SigV4Verifier verifier, Map<String, EcrApi> ecrByAccount, EcrPublicApi ecrPublic,
            StsApi sts, Permissions permissions) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        ExecutorService executor = DaemonThreads.pool("ecrflow-testbed-aws");
        server.setExecutor(executor);
        ControlPlaneServer controlPlane = new ControlPlaneServer(server, executor, verifier, ecrByAccount, ecrPublic, sts,
                permissions);
        server.createContext("/", controlPlane::handle);
        server.start();
        return controlPlane;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public OperationRendezvous rendezvous() {
        return rendezvous;
    }

    public OperationThrottling throttling() {
        return throttling;
    }

    public List<ControlPlaneCall> calls() {
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
            } else if (EcrPublicApi.isTarget(target)) {
                handleJson(exchange, request, "ecr-public", EcrPublicApi.operationName(target),
                        (input, caller) -> ecrPublic.operation(target));
            } else {
                handleJson(exchange, request, "ecr", EcrApi.operationName(target),
                        (input, caller) -> ecrFor(input, caller).operation(target, caller));
            }
        }
    }

    /** Finds the operation a JSON request names, for the registry it addresses. */
    @FunctionalInterface
    private interface OperationLookup {
        Optional<EcrApi.Operation> find(JsonNode input, String callerAccessKeyId);
    }

    private void handleJson(HttpExchange exchange, SignedRequest request, String service, String operationName,
            OperationLookup lookup) throws IOException {
        SigV4Verifier.Verdict caller = verifier.verify(request, service);
        String body;
        AwsError error = null;
        Map<String, String> recorded = Map.of();
        try {
            if (!caller.valid()) {
                throw jsonAuthenticationError(caller);
            }
            JsonNode input = parseJson(request.body());
            recorded = jsonParameters(input);
            EcrApi.Operation operation = lookup.find(input, caller.accessKeyId().orElseThrow()).orElseThrow(() ->
                    new AwsError("UnknownOperationException", "The operation '" + operationName + "' is not supported."));
            throttling.check(service, operationName);
            String action = service + ":" + operationName;
            if (service.equals("ecr") && !permissions.allows(caller.accessKeyId().orElseThrow(), action)) {
                throw new AwsError("AccessDeniedException", permissions.refusal(caller.accessKeyId().orElseThrow(), action,
                        resourceOf(input, caller.accessKeyId().orElseThrow(), caller.region().orElseThrow())));
            }
            rendezvous.arrive(operationName, Json.text(input, "repositoryName")
                    .or(() -> input.path("repositoryNames").isArray() && !input.path("repositoryNames").isEmpty()
                            ? Optional.of(input.path("repositoryNames").get(0).asText()) : Optional.empty())
                    .orElse(""));
            body = operation.handle(input, caller.region().orElseThrow()).toString();
        } catch (AwsError e) {
            error = e;
            body = "{\"__type\":" + JsonText.quote(e.code()) + ",\"message\":" + JsonText.quote(e.getMessage()) + "}";
        } catch (RuntimeException e) {
            error = new AwsError("ServerException", "The testbed failed: " + e, 500);
            body = "{\"__type\":\"ServerException\",\"message\":" + JsonText.quote(error.getMessage()) + "}";
        }
        record(service, operationName, caller.accessKeyId(), caller.region(), error, recorded);
        exchange.getResponseHeaders().set("Content-Type", JSON_11);
        if (error != null) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", error.code());
        }
        send(exchange, error == null ? 200 : error.status(), body);
    }

    /** The registry a request names ({@code registryId}, {@code registryIds}, a repository ARN), else the caller's. */
    private EcrApi ecrFor(JsonNode input, String callerAccessKeyId) {
        Optional<String> named = Json.text(input, "registryId")
                .or(() -> input.path("registryIds").isArray() && !input.path("registryIds").isEmpty()
                        ? Optional.of(input.path("registryIds").get(0).asText()) : Optional.empty())
                .or(() -> Json.text(input, "resourceArn").map(ARN_ACCOUNT::matcher).filter(Matcher::matches)
                        .map(m -> m.group(1)));
        // An unknown registry id goes to the caller's registry, which answers it the way ECR does.
        return named.map(ecrByAccount::get)
                .orElseGet(() -> ecrByAccount.get(sts.accountOf(callerAccessKeyId)));
    }

    /** The repository ARN a request names, else the registry's (as IAM names the resource in its refusals). */
    private String resourceOf(JsonNode input, String callerAccessKeyId, String region) {
        String account = Json.text(input, "registryId").orElseGet(() -> sts.accountOf(callerAccessKeyId));
        return "arn:aws:ecr:" + region + ":" + account + ":" + Json.text(input, "repositoryName")
                .map(name -> "repository/" + name).orElse("*");
    }

    private void handleSts(HttpExchange exchange, SignedRequest request, Map<String, String> form) throws IOException {
        String actionName = form.get("Action");
        boolean unsigned = StsApi.UNSIGNED_ACTIONS.contains(actionName) && request.firstHeader("Authorization") == null;
        SigV4Verifier.Verdict caller = unsigned ? null : verifier.verify(request, "sts");
        String body;
        AwsError error = null;
        try {
            if (caller != null && !caller.valid()) {
                throw stsAuthenticationError(caller);
            }
            StsApi.Action action = sts.action(actionName).orElseThrow(() -> new AwsError("InvalidAction",
                    "Could not find operation " + actionName + " for version " + form.get("Version")));
            body = StsApi.successXml(actionName, action.resultXml(form,
                    caller == null ? Optional.empty() : caller.accessKeyId()));
        } catch (AwsError e) {
            error = e;
            body = StsApi.errorXml(e);
        } catch (RuntimeException e) {
            error = new AwsError("InternalFailure", "The testbed failed: " + e, 500);
            body = StsApi.errorXml(error);
        }
        Map<String, String> recorded = new LinkedHashMap<>();
        STS_RECORDED.forEach(name -> Optional.ofNullable(form.get(name)).ifPresent(value -> recorded.put(name, value)));
        record("sts", actionName, caller == null ? Optional.empty() : caller.accessKeyId(),
                caller == null ? Optional.empty() : caller.region(), error, recorded);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        send(exchange, error == null ? 200 : error.status(), body);
    }

    /** ECR's answers to bad signatures, as the AWS JSON services give them. */
    private static AwsError jsonAuthenticationError(SigV4Verifier.Verdict verdict) {
        return switch (verdict.failure().orElseThrow()) {
            case MISSING -> new AwsError("MissingAuthenticationTokenException", verdict.detail(), 403);
            case MALFORMED -> new AwsError("IncompleteSignatureException", verdict.detail(), 400);
            case UNKNOWN_KEY, INVALID_TOKEN -> new AwsError("UnrecognizedClientException", verdict.detail(), 400);
            case EXPIRED_TOKEN -> new AwsError("ExpiredTokenException", verdict.detail(), 400);
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
            case EXPIRED_TOKEN -> new AwsError("ExpiredToken", verdict.detail(), 400);
            case EXPIRED, WRONG_SERVICE, SIGNATURE_MISMATCH ->
                    new AwsError("SignatureDoesNotMatch", verdict.detail(), 403);
        };
    }

    private void record(String service, String operation, Optional<String> accessKeyId, Optional<String> region,
            AwsError error, Map<String, String> parameters) {
        calls.add(new ControlPlaneCall(service, operation, accessKeyId, region,
                Optional.ofNullable(error).map(AwsError::code), Instant.now(), parameters));
    }

    private static Map<String, String> jsonParameters(JsonNode input) {
        Map<String, String> parameters = new LinkedHashMap<>();
        Json.text(input, "registryId").ifPresent(id -> parameters.put("registryId", id));
        if (input.path("registryIds").isArray() && !input.path("registryIds").isEmpty()) {
            parameters.put("registryId", input.path("registryIds").get(0).asText());
        }
        Json.text(input, "repositoryName").ifPresent(name -> parameters.put("repositoryName", name));
        Json.text(input.path("imageId"), "imageDigest").ifPresent(digest -> parameters.put("imageDigest", digest));
        return parameters;
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
