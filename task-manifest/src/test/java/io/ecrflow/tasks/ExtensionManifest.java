package io.ecrflow.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** vss-extension.json at the repository root, read once per call. */
record ExtensionManifest(JsonNode json) {
    static final String TASK_CONTRIBUTION = "ms.vss-distributed-task.task";
    static final String ENDPOINT_CONTRIBUTION = "ms.vss-endpoint.service-endpoint-type";

    static ExtensionManifest read() {
        try {
            return new ExtensionManifest(new ObjectMapper().readTree(Repo.root().resolve("vss-extension.json").toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<JsonNode> contributions(String type) {
        List<JsonNode> found = new ArrayList<>();
        json.path("contributions").forEach(c -> {
            if (c.path("type").asText().equals(type)) {
                found.add(c);
            }
        });
        return found;
    }

    JsonNode endpointType() {
        List<JsonNode> types = contributions(ENDPOINT_CONTRIBUTION);
        if (types.size() != 1) {
            throw new AssertionError("expected one service endpoint type contribution, found " + types.size());
        }
        return types.get(0).path("properties");
    }

    String endpointTypeName() {
        return endpointType().path("name").asText();
    }

    /** The folders the task contributions name, relative to the manifest. */
    List<String> taskPaths() {
        return contributions(TASK_CONTRIBUTION).stream().map(c -> c.path("properties").path("name").asText()).toList();
    }

    List<String> filePaths() {
        List<String> paths = new ArrayList<>();
        json.path("files").forEach(f -> paths.add(f.path("path").asText()));
        return paths;
    }
}
