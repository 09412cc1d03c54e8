package io.ecrflow.testbed.neighbours;

import io.ecrflow.testbed.aws.Json;
import io.ecrflow.testbed.net.DaemonThreads;
import io.ecrflow.testbed.net.TestbedNames;
import io.ecrflow.testbed.net.TestbedTls;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsServer;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Azure DevOps collection on loopback with one project, answering the Pipelines REST API (version 7.1) as
 * dev.azure.com does: Pipelines - List ({@code GET {project}/_apis/pipelines}, in pages with the next page's token
 * in {@code x-ms-continuationtoken}), Runs - Run Pipeline ({@code POST {project}/_apis/pipelines/{id}/runs}) and
 * Tags - Add Build Tag ({@code PUT {project}/_apis/build/builds/{id}/tags/{tag}}) and Task Attachments - Create
 * ({@code PUT {projectId}/_apis/distributedtask/hubs/{hub}/plans/{plan}/timelines/{timeline}/records/{record}
 * /attachments/{type}/{name}}, the project by its id).
 * Every request must carry the job's access token as a bearer token, or is answered 401. It records every
 * request, every run it queued, every tag it added and every attachment, and has knobs: a pipeline the build service
 * may not queue, build tags and attachments it may not add (403, as Azure DevOps words them), and the next requests failing with a 5xx
 * (counted, never timed).
 */
public final class AzureDevOpsFront implements AutoCloseable {
    private static final Pattern PIPELINES = Pattern.compile("/([^/]+)/([^/]+)/_apis/pipelines");
    private static final Pattern RUNS = Pattern.compile("/([^/]+)/([^/]+)/_apis/pipelines/(\\d+)/runs");
    private static final Pattern BUILD_TAG = Pattern.compile("/([^/]+)/([^/]+)/_apis/build/builds/(\\d+)/tags/([^/]+)");
    private static final Pattern ATTACHMENT = Pattern.compile("/([^/]+)/([^/]+)/_apis/distributedtask/hubs/([^/]+)/plans/"
            + "([^/]+)/timelines/([^/]+)/records/([^/]+)/attachments/([^/]+)/([^/]+)");

    /** A request as it arrived; {@code authorized} when it carried the job's token as a bearer token. */
    public record Request(String method, String path, String query, boolean authorized) {
    }

    /**
     * A run this front queued.
     *
     * @param refName            the branch asked for; empty for the pipeline's default branch
     * @param templateParameters the template parameters as given
     */
    public record QueuedRun(int runId, int pipelineId, Optional<String> refName, Map<String, String> templateParameters,
                            String webUrl) {
    }

    /** An attachment added to a step's timeline record; {@code content} as sent. */
    public record Attachment(String hub, String planId, String timelineId, String recordId, String type, String name,
                             String contentType, byte[] content) {
        public String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    private record Definition(int id, String name, String folder, String defaultBranch) {
    }

    private final HttpsServer server;
    private final ExecutorService executor;
    private final String organization;
    private final String project;
    private final String accessToken = "job-token-" + UUID.randomUUID();
    private final String projectId = UUID.nameUUIDFromBytes(("project:" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8))
            .toString();
    private final List<Attachment> attachments = new CopyOnWriteArrayList<>();
    private volatile boolean attachmentsDenied;
    private final Map<Integer, Definition> pipelines = new ConcurrentHashMap<>();
    private final Set<Integer> denied = ConcurrentHashMap.newKeySet();
    private final Map<Integer, List<String>> buildTags = new ConcurrentHashMap<>();
    private volatile boolean buildTagsDenied;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<QueuedRun> runs = new CopyOnWriteArrayList<>();
    private final AtomicInteger nextRunId = new AtomicInteger(5000);
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private volatile int failureStatus = 503;
    private volatile int pageSize = 100;

    private AzureDevOpsFront(HttpsServer server, ExecutorService executor, String organization, String project) {
        this.server = server;
        this.executor = executor;
        this.organization = organization;
        this.project = project;
    }

    /** A collection {@code https://dev.azure.ecrflow.test:<port>/<organization>/} holding the one project. */
    public static AzureDevOpsFront start(String organization, String project) throws IOException {
        TestbedNames.requireLoopback(TestbedNames.AZURE_DEVOPS);
        HttpsServer server = TestbedTls.fromEnvironment().httpsServer(0);
        ExecutorService executor = DaemonThreads.pool("azure-devops-front");
        AzureDevOpsFront front = new AzureDevOpsFront(server, executor, organization, project);
        server.createContext("/", front::handle);
        server.setExecutor(executor);
        server.start();
        return front;
    }

    /** {@code System.CollectionUri}. */
    public String collectionUri() {
        return "https://" + TestbedNames.AZURE_DEVOPS + ":" + server.getAddress().getPort() + "/" + organization + "/";
    }

    /** {@code System.TeamProject}. */
    public String project() {
        return project;
    }

    /** {@code System.TeamProjectId}. */
    public String projectId() {
        return projectId;
    }

    /** The job's access token ({@code System.AccessToken}) this front accepts. */
    public String accessToken() {
        return accessToken;
    }

    /** A pipeline of the project; {@code folder} as Azure DevOps writes it ({@code \}, {@code \Apps}). */
    public void addPipeline(int id, String name, String folder, String defaultBranch) {
        pipelines.put(id, new Definition(id, name, folder, defaultBranch));
    }

    /** Queueing this pipeline is refused with 403, as for a build service without "Queue builds" on it. */
    public void denyQueue(int pipelineId) {
        denied.add(pipelineId);
    }

    /** Adding build tags is refused with 403, as for a build service without "Edit build quality". */
    public void denyBuildTags() {
        buildTagsDenied = true;
    }

    /** Adding attachments is refused with 403, as for a token that may not update the run. */
    public void denyAttachments() {
        attachmentsDenied = true;
    }

    /** Every attachment added, in order. */
    public List<Attachment> attachments() {
        return List.copyOf(attachments);
    }

    /** The tags added to a run (build), in the order they were added. */
    public List<String> buildTags(int buildId) {
        return List.copyOf(buildTags.getOrDefault(buildId, List.of()));
    }

    /** The next {@code times} requests, whatever they ask, are answered {@code status}. */
    public void failNext(int status, int times) {
        failureStatus = status;
        failuresLeft.set(times);
    }

    /** How many requests were answered by {@link #failNext}. */
    public int failedRequests() {
        return failed.get();
    }

    /** How many pipelines a page of the list holds (Azure DevOps decides that itself; callers must follow pages). */
    public void pageSize(int pipelinesPerPage) {
        pageSize = pipelinesPerPage;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<QueuedRun> runs() {
        return List.copyOf(runs);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String query = Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse("");
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean authorized = ("Bearer " + accessToken).equals(exchange.getRequestHeaders().getFirst("Authorization"));
            requests.add(new Request(exchange.getRequestMethod(), path, query, authorized));
            if (failuresLeft.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                failed.incrementAndGet();
                send(exchange, failureStatus, error("The service is temporarily unavailable.", "ServiceUnavailableException"));
                return;
            }
            if (!authorized) {
                // Azure DevOps answers a missing or unknown bearer token 401, without a JSON body
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            Map<String, String> parameters = queryParameters(query);
            if (!"7.1".equals(parameters.get("api-version"))) {
                send(exchange, 400, error("The requested REST API version of " + parameters.get("api-version")
                        + " is not supported by this front; use 7.1.", "VssVersionNotSupportedException"));
                return;
            }
            Matcher list = PIPELINES.matcher(path);
            Matcher run = RUNS.matcher(path);
            Matcher tag = BUILD_TAG.matcher(path);
            Matcher attachment = ATTACHMENT.matcher(path);
            if (list.matches() && exchange.getRequestMethod().equals("GET") && inProject(list)) {
                listPipelines(exchange, parameters);
            } else if (run.matches() && exchange.getRequestMethod().equals("POST") && inProject(run)) {
                runPipeline(exchange, Integer.parseInt(run.group(3)), body);
            } else if (tag.matches() && exchange.getRequestMethod().equals("PUT") && inProject(tag)) {
                addBuildTag(exchange, Integer.parseInt(tag.group(3)), URLDecoder.decode(tag.group(4), StandardCharsets.UTF_8));
            } else if (attachment.matches() && exchange.getRequestMethod().equals("PUT")
                    && attachment.group(1).equals(organization) && attachment.group(2).equals(projectId)) {
                addAttachment(exchange, attachment, body);
            } else {
                send(exchange, 404, error("The resource cannot be found: " + exchange.getRequestMethod() + " " + path,
                        "NotFoundException"));
            }
        }
    }

    private boolean inProject(Matcher matcher) {
        return matcher.group(1).equals(organization)
                && URLDecoder.decode(matcher.group(2), StandardCharsets.UTF_8).equals(project);
    }

    private void listPipelines(HttpExchange exchange, Map<String, String> parameters) throws IOException {
        List<Definition> all = pipelines.values().stream()
                .sorted(java.util.Comparator.comparing(Definition::name, String.CASE_INSENSITIVE_ORDER)).toList();
        int start = Integer.parseInt(parameters.getOrDefault("continuationToken", "0"));
        List<Definition> page = all.subList(Math.min(start, all.size()), Math.min(start + pageSize, all.size()));
        ObjectNode answer = Json.object();
        answer.put("count", page.size());
        ArrayNode value = answer.putArray("value");
        page.forEach(definition -> value.add(pipelineJson(definition)));
        if (start + pageSize < all.size()) {
            exchange.getResponseHeaders().add("x-ms-continuationtoken", Integer.toString(start + pageSize));
        }
        send(exchange, 200, answer);
    }

    private void runPipeline(HttpExchange exchange, int pipelineId, byte[] body) throws IOException {
        Definition definition = pipelines.get(pipelineId);
        if (definition == null) {
            send(exchange, 404, error("Pipeline with id " + pipelineId + " not found.", "PipelineNotFoundException"));
            return;
        }
        if (denied.contains(pipelineId)) {
            send(exchange, 403, error("TF215106: Access denied. " + project + " Build Service (" + organization
                    + ") needs Queue builds permissions for build pipeline " + pipelineId + " in team project " + project
                    + " to perform the action. For more information, contact the Azure DevOps Server administrator.",
                    "AccessDeniedException"));
            return;
        }
        JsonNode request = body.length == 0 ? Json.object() : Json.MAPPER.readTree(body);
        JsonNode ref = request.path("resources").path("repositories").path("self").path("refName");
        Map<String, String> templateParameters = new LinkedHashMap<>();
        request.path("templateParameters").fields().forEachRemaining(e -> templateParameters.put(e.getKey(), e.getValue().asText()));
        int runId = nextRunId.incrementAndGet();
        String web = collectionUri() + encoded(project) + "/_build/results?buildId=" + runId;
        runs.add(new QueuedRun(runId, pipelineId, ref.isTextual() ? Optional.of(ref.asText()) : Optional.empty(),
                templateParameters, web));

        ObjectNode answer = Json.object();
        ObjectNode links = answer.putObject("_links");
        links.putObject("self").put("href", apiUrl("pipelines/" + pipelineId + "/runs/" + runId));
        links.putObject("web").put("href", web);
        links.putObject("pipeline.web").put("href", collectionUri() + encoded(project)
                + "/_build/definition?definitionId=" + pipelineId);
        links.putObject("pipeline").put("href", apiUrl("pipelines/" + pipelineId + "?revision=1"));
        answer.set("pipeline", pipelineJson(definition).without("_links"));
        answer.put("state", "inProgress");
        answer.put("createdDate", java.time.Instant.now().toString());
        answer.put("url", apiUrl("pipelines/" + pipelineId + "/runs/" + runId));
        ObjectNode self = answer.putObject("resources").putObject("repositories").putObject("self");
        self.putObject("repository").put("id", UUID.nameUUIDFromBytes(definition.name().getBytes(StandardCharsets.UTF_8))
                .toString()).put("type", "azureReposGit");
        self.put("refName", ref.isTextual() ? ref.asText() : definition.defaultBranch());
        self.put("version", "0123456789abcdef0123456789abcdef01234567");
        ObjectNode echoed = answer.putObject("templateParameters");
        templateParameters.forEach(echoed::put);
        answer.put("id", runId);
        answer.put("name", "20261201." + (runId - 5000));
        send(exchange, 200, answer);
    }

    /** Answered with every tag of the build, as Azure DevOps does. */
    private void addBuildTag(HttpExchange exchange, int buildId, String tag) throws IOException {
        if (buildTagsDenied) {
            send(exchange, 403, error("Access denied. " + project + " Build Service (" + organization + ") needs Edit "
                    + "build quality permissions for vstfs:///Build/Build/" + buildId + " in team project " + project
                    + " to perform the action.", "AccessDeniedException"));
            return;
        }
        List<String> tags = buildTags.computeIfAbsent(buildId, id -> new CopyOnWriteArrayList<>());
        if (!tags.contains(tag)) {
            tags.add(tag);
        }
        ArrayNode answer = Json.MAPPER.createArrayNode();
        tags.forEach(answer::add);
        send(exchange, 200, answer);
    }

    /** Answered with the attachment's description, as Azure DevOps does. */
    private void addAttachment(HttpExchange exchange, Matcher route, byte[] body) throws IOException {
        if (attachmentsDenied) {
            send(exchange, 403, error("Access denied. " + project + " Build Service (" + organization + ") needs Update "
                    + "build information permissions for the plan " + route.group(4) + " in team project " + project
                    + " to perform the action.", "AccessDeniedException"));
            return;
        }
        String type = URLDecoder.decode(route.group(7), StandardCharsets.UTF_8);
        String name = URLDecoder.decode(route.group(8), StandardCharsets.UTF_8);
        attachments.add(new Attachment(route.group(3), route.group(4), route.group(5), route.group(6), type, name,
                Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type")).orElse(""), body));
        ObjectNode answer = Json.object();
        answer.put("type", type);
        answer.put("name", name);
        answer.put("timelineId", route.group(5));
        answer.put("recordId", route.group(6));
        answer.put("createdOn", java.time.Instant.now().toString());
        answer.putObject("_links").putObject("self").put("href", collectionUri() + projectId + "/_apis/distributedtask/hubs/"
                + route.group(3) + "/plans/" + route.group(4) + "/timelines/" + route.group(5) + "/records/" + route.group(6)
                + "/attachments/" + route.group(7) + "/" + route.group(8));
        send(exchange, 200, answer);
    }

    private ObjectNode pipelineJson(Definition definition) {
        ObjectNode pipeline = Json.object();
        ObjectNode links = pipeline.putObject("_links");
        links.putObject("self").put("href", apiUrl("pipelines/" + definition.id() + "?revision=1"));
        links.putObject("web").put("href", collectionUri() + encoded(project) + "/_build/definition?definitionId="
                + definition.id());
        pipeline.put("url", apiUrl("pipelines/" + definition.id() + "?revision=1"));
        pipeline.put("id", definition.id());
        pipeline.put("revision", 1);
        pipeline.put("name", definition.name());
        pipeline.put("folder", definition.folder());
        return pipeline;
    }

    private String apiUrl(String path) {
        return collectionUri() + encoded(project) + "/_apis/" + path;
    }

    /** Azure DevOps' error shape. */
    private static ObjectNode error(String message, String typeKey) {
        ObjectNode error = Json.object();
        error.put("$id", "1");
        error.putNull("innerException");
        error.put("message", message);
        error.put("typeName", "Microsoft.Azure.Pipelines.WebApi." + typeKey + ", Microsoft.Azure.Pipelines.WebApi");
        error.put("typeKey", typeKey);
        error.put("errorCode", 0);
        error.put("eventId", 3000);
        return error;
    }

    private static Map<String, String> queryParameters(String query) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (!pair.isEmpty()) {
                int equals = pair.indexOf('=');
                parameters.put(URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8),
                        equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return parameters;
    }

    private static String encoded(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8; api-version=7.1");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
