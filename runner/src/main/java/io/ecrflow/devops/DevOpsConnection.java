package io.ecrflow.devops;

import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.pipeline.Environment;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the job's Azure DevOps REST calls go and what proves them: the collection ({@code System.CollectionUri},
 * e.g. {@code https://dev.azure.com/contoso/} or an Azure DevOps Server collection), the job's project
 * ({@code System.TeamProject}) and the job's access token. The token only ever travels over HTTPS.
 *
 * @param collection the collection's URL, ending in {@code /}
 */
public record DevOpsConnection(URI collection, String project, Secret token) {

    /**
     * @param feature what needs the connection, for the message when there is none ("Queueing dependent pipelines")
     * @param input   the option or input that asked for it
     * @throws UserError outside Azure Pipelines, without the job's access token, or with a collection URL that is
     *                   not HTTPS
     */
    public static DevOpsConnection from(Environment env, String feature, String input) {
        Optional<String> collection = env.variable("System.CollectionUri")
                .or(() -> env.variable("System.TeamFoundationCollectionUri"));
        Optional<String> project = env.variable("System.TeamProject");
        if (collection.isEmpty() || project.isEmpty()) {
            throw new UserError(feature + " (input '" + input + "') calls Azure DevOps in the job's project, so it works "
                    + "only in an Azure Pipelines job: System.CollectionUri and System.TeamProject are not set here. "
                    + "Leave '" + input + "' empty outside Azure Pipelines.", input);
        }
        Secret token = env.jobAccessToken().orElseThrow(() -> new UserError(feature + " (input '" + input + "') needs the "
                + "job's access token, and this step has none. ecrflow's tasks receive it from the agent; in a script step "
                + "map it into the step: env: SYSTEM_ACCESSTOKEN: $(System.AccessToken).", input));
        return new DevOpsConnection(collectionUri(collection.get().trim(), input), project.get().trim(), token);
    }

    /** {@code <collection><project>/_apis/<path>?<query>}, the project's name encoded as a path segment. */
    public URI api(String path, String query) {
        return api(project, path, query);
    }

    /** {@code <collection><scope>/_apis/<path>?<query>}: the scope a project's name or id, encoded as a path segment. */
    public URI api(String scope, String path, String query) {
        return URI.create(collection + encoded(scope) + "/_apis/" + path + "?" + query);
    }

    /**
     * The identity the job's token belongs to: the project's build service, or the collection's when the
     * pipeline's job authorization scope is not limited to the project.
     */
    public String buildService() {
        return project + " Build Service (" + organization() + ")";
    }

    public String collectionBuildService() {
        return "Project Collection Build Service (" + organization() + ")";
    }

    /**
     * The organization's name: the first path segment on dev.azure.com, the host's first label on
     * *.visualstudio.com, the collection's name on Azure DevOps Server.
     */
    String organization() {
        String host = collection.getHost().toLowerCase(Locale.ROOT);
        String[] segments = collection.getPath().replaceAll("^/+|/+$", "").split("/");
        if (host.endsWith(".visualstudio.com")) {
            return host.substring(0, host.indexOf('.'));
        }
        if (host.equals("dev.azure.com") && segments.length > 0 && !segments[0].isEmpty()) {
            return segments[0];
        }
        return segments.length > 0 && !segments[segments.length - 1].isEmpty() ? segments[segments.length - 1] : host;
    }

    static String encoded(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static URI collectionUri(String value, String input) {
        URI uri;
        try {
            uri = URI.create(value.endsWith("/") ? value : value + "/");
        } catch (IllegalArgumentException e) {
            throw new UserError("System.CollectionUri '" + value + "' is not a URL.", input);
        }
        if (uri.getHost() == null || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
            throw new UserError("System.CollectionUri '" + value + "' is not an http(s) URL.", input);
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw new UserError("System.CollectionUri '" + value + "' is plain HTTP, and the job's access token is sent "
                    + "only over HTTPS. Serve the collection over HTTPS.", input);
        }
        return uri;
    }
}
