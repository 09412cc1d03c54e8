package io.ecrflow.devops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecrflow.Waiting;
import io.ecrflow.http.HttpCall;
import io.ecrflow.http.UntrustedCertificate;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Azure DevOps' REST API (version 7.1) over {@link HttpCall}, so the runner's proxy settings apply, with the
 * job's access token as a bearer token. A 5xx or a lost connection is tried again, twice at most.
 */
public final class RestAzureDevOps implements AzureDevOps {
    private static final String API_VERSION = "api-version=7.1";
    /** Three attempts, half a second after the first, a second after the second. */
    static final Waiting RETRIES = Waiting.linear(3, Duration.ofMillis(500));
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DevOpsConnection connection;
    private final String input;
    private final Consumer<String> notes;
    private final Waiting retries;

    /**
     * @param input the option the calls are made for, named in failures
     * @param notes where a retry is told
     */
    public RestAzureDevOps(DevOpsConnection connection, String input, Consumer<String> notes) {
        this(connection, input, notes, RETRIES);
    }

    RestAzureDevOps(DevOpsConnection connection, String input, Consumer<String> notes, Waiting retries) {
        this.connection = connection;
        this.input = input;
        this.notes = notes;
        this.retries = retries;
    }

    @Override
    public String project() {
        return connection.project();
    }

    /** Pipelines - List: pages of {@code {"count":…,"value":[…]}}, the next page's token in x-ms-continuationtoken. */
    @Override
    public List<DefinedPipeline> pipelines() {
        List<DefinedPipeline> all = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Optional<String> continuation = Optional.empty();
        do {
            String query = API_VERSION + continuation.map(token -> "&continuationToken=" + DevOpsConnection.encoded(token))
                    .orElse("");
            HttpCall.Response response = send("list the pipelines of project " + connection.project(),
                    () -> HttpCall.get(connection.api("pipelines", query)), "View builds", "the project's pipelines");
            for (JsonNode pipeline : json(response, "the pipeline list").path("value")) {
                all.add(new DefinedPipeline(pipeline.path("id").asInt(), pipeline.path("name").asText(),
                        pipeline.path("folder").asText("\\")));
            }
            continuation = response.header("x-ms-continuationtoken").filter(token -> !token.isBlank());
        } while (continuation.isPresent() && seen.add(continuation.get()));
        return all;
    }

    /** Runs - Run Pipeline: the branch as the {@code self} repository's refName, the template parameters as given. */
    @Override
    public QueuedRun runPipeline(int pipelineId, Optional<String> refName, Map<String, String> templateParameters) {
        ObjectNode body = JSON.createObjectNode();
        refName.ifPresent(ref -> body.putObject("resources").putObject("repositories").putObject("self").put("refName", ref));
        ObjectNode parameters = body.putObject("templateParameters");
        templateParameters.forEach(parameters::put);
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        HttpCall.Response response = send("queue pipeline " + pipelineId,
                () -> HttpCall.post(connection.api("pipelines/" + pipelineId + "/runs", API_VERSION), bytes)
                        .header("Content-Type", "application/json"),
                "Queue builds", "pipeline " + pipelineId);
        JsonNode run = json(response, "the queued run");
        String web = run.path("_links").path("web").path("href").asText("");
        URI page;
        try {
            page = URI.create(web);
        } catch (IllegalArgumentException e) {
            page = URI.create("about:blank");
        }
        if (page.getHost() == null || page.getScheme() == null || !page.getScheme().matches("https?")) {
            throw new DevOpsFailure("Azure DevOps queued pipeline " + pipelineId + " (run " + run.path("id").asInt()
                    + ") but gave no link to its page.", input);
        }
        return new QueuedRun(run.path("id").asInt(), run.path("pipeline").path("name").asText("pipeline " + pipelineId),
                run.path("name").asText(""), page);
    }

    /** Tags - Add Build Tag: {@code PUT build/builds/{buildId}/tags/{tag}}, answered with the run's tags. */
    @Override
    public void addBuildTag(String buildId, String tag) {
        send("tag run " + buildId + " '" + tag + "'",
                () -> HttpCall.to("PUT", connection.api("build/builds/" + buildId + "/tags/" + DevOpsConnection.encoded(tag),
                        API_VERSION)).body(new byte[0]),
                "Edit build quality", "this pipeline");
    }

    /**
     * Task Attachments - Create: {@code PUT {projectId}/_apis/distributedtask/hubs/{hub}/plans/{plan}/timelines/{timeline}
     * /records/{record}/attachments/{type}/{name}}, the file as the body.
     */
    @Override
    public void attach(StepRecord step, String type, String name, byte[] content) {
        send("attach '" + name + "' to this step",
                () -> HttpCall.to("PUT", connection.api(step.projectId(), step.path() + "/attachments/"
                        + DevOpsConnection.encoded(type) + "/" + DevOpsConnection.encoded(name), API_VERSION))
                        .body(content).header("Content-Type", "application/octet-stream"),
                "Update build information", "this pipeline");
    }

    /**
     * One call, tried again on a 5xx or a lost connection.
     *
     * @param what       what the call does, for messages ("queue pipeline 42")
     * @param permission the permission a 403 means is missing ("Queue builds")
     * @param on         what that permission is granted on ("pipeline 42")
     */
    private HttpCall.Response send(String what, Supplier<HttpCall> call, String permission, String on) {
        for (int attempt = 1; ; attempt++) {
            HttpCall.Response response;
            try {
                response = call.get().header("Accept", "application/json")
                        .header("Authorization", "Bearer " + connection.token().reveal()).send();
            } catch (IOException e) {
                UntrustedCertificate.find(e, connection.collection().getAuthority()).ifPresent(untrusted -> {
                    throw untrusted;
                });
                if (retries.allowsAfter(attempt)) {
                    retryNote(what, "could not be reached (" + e.getMessage() + ")", attempt);
                    continue;
                }
                throw new DevOpsFailure("Could not " + what + ": Azure DevOps at " + connection.collection().getHost()
                        + " could not be reached (" + e.getMessage() + "). Check that this agent may reach it.", input);
            }
            if (response.status() >= 500 && retries.allowsAfter(attempt)) {
                retryNote(what, "answered HTTP " + response.status(), attempt);
                continue;
            }
            if (response.successful()) {
                return response;
            }
            throw refusal(what, response, permission, on);
        }
    }

    private void retryNote(String what, String problem, int attempt) {
        notes.accept("Azure DevOps " + problem + " when asked to " + what + "; trying again (" + (attempt + 1) + " of "
                + retries.attempts() + ").");
        retries.pauseAfterAttempt(attempt, () -> new DevOpsFailure("Interrupted while waiting to " + what + " again.", input));
    }

    private DevOpsFailure refusal(String what, HttpCall.Response response, String permission, String on) {
        String answer = "HTTP " + response.status() + reason(response);
        return new DevOpsFailure(switch (response.status()) {
            case 401 -> "Azure DevOps did not accept the job's access token when asked to " + what + " (" + answer
                    + "). The token is only valid while the job runs; if this keeps happening, check that the "
                    + "pipeline's job authorization scope lets the job reach project " + connection.project() + ".";
            case 403 -> "Azure DevOps refused to " + what + " (" + answer + "): the job's identity, \""
                    + connection.buildService() + "\" (or \"" + connection.collectionBuildService() + "\" when the "
                    + "job authorization scope is the whole collection), needs the \"" + permission + "\" permission on "
                    + on + ". Grant it under Pipelines: open the pipeline, then ... > Manage security (for every pipeline: "
                    + "the ... beside New pipeline > Manage security), and set \"" + permission + "\" to Allow for "
                    + "that identity.";
            case 404 -> "Azure DevOps has nothing to " + what + " (" + answer + "): check that it exists in project "
                    + connection.project() + " and that the job's identity may see it.";
            default -> "Azure DevOps refused to " + what + " (" + answer + ").";
        }, input);
    }

    /** Azure DevOps explains a refusal in {@code {"message": "...", "typeKey": "..."}}. */
    private static String reason(HttpCall.Response response) {
        try {
            JsonNode body = JSON.readTree(response.body());
            String message = body == null ? "" : body.path("message").asText("").replaceAll("\\s+", " ").strip();
            if (!message.isEmpty()) {
                return ": " + (message.length() > 300 ? message.substring(0, 300) + "..." : message);
            }
        } catch (IOException notJson) {
            // a proxy's or load balancer's page: the status says enough
        }
        return "";
    }

    /** A 2xx whose body is not JSON is Azure DevOps' sign-in page (HTTP 203), which it shows to an unknown token. */
    private JsonNode json(HttpCall.Response response, String what) {
        try {
            JsonNode body = JSON.readTree(response.body());
            if (body != null && body.isObject()) {
                return body;
            }
        } catch (IOException notJson) {
            // below
        }
        throw new DevOpsFailure("Azure DevOps answered with something other than " + what + " (HTTP " + response.status()
                + ", not JSON): a sign-in page means it did not accept the job's access token.", input);
    }
}
