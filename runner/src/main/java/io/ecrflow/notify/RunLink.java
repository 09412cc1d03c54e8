package io.ecrflow.notify;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;

/** The web page of the current Azure Pipelines run: {@code <collection>/<project>/_build/results?buildId=<id>}. */
public final class RunLink {
    private RunLink() {
    }

    /** Empty outside Azure Pipelines, where those variables are not set. */
    public static Optional<URI> from(Function<String, Optional<String>> variables) {
        Optional<String> collection = variables.apply("System.CollectionUri");
        Optional<String> project = variables.apply("System.TeamProject");
        Optional<String> buildId = variables.apply("Build.BuildId");
        if (collection.isEmpty() || project.isEmpty() || buildId.isEmpty()) {
            return Optional.empty();
        }
        String base = collection.get().trim().endsWith("/") ? collection.get().trim() : collection.get().trim() + "/";
        String projectSegment = URLEncoder.encode(project.get().trim(), StandardCharsets.UTF_8).replace("+", "%20");
        try {
            return Optional.of(URI.create(base + projectSegment + "/_build/results?buildId="
                    + URLEncoder.encode(buildId.get().trim(), StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException notAUrl) {
            return Optional.empty();
        }
    }
}
