package io.ecrflow.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** A task folder under task-manifest/: its task.json read once, plus the runner command its entry script starts. */
record TaskManifest(Path folder, JsonNode json) {
    // index.js / post.js: require('./launcher').run('<command>' ...)
    private static final Pattern LAUNCH = Pattern.compile("require\\('\\./launcher'\\)\\.run\\('([a-z-]+)'");

    static List<TaskManifest> all() {
        try (Stream<Path> folders = Files.list(Repo.taskManifests())) {
            return folders.filter(dir -> Files.isRegularFile(dir.resolve("task.json"))).sorted().map(TaskManifest::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static TaskManifest named(String name) {
        return all().stream().filter(task -> task.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no task named " + name));
    }

    static TaskManifest read(Path folder) {
        try {
            return new TaskManifest(folder, new ObjectMapper().readTree(folder.resolve("task.json").toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String name() {
        return json.path("name").asText();
    }

    String id() {
        return json.path("id").asText();
    }

    List<TaskInput> inputs() {
        List<TaskInput> inputs = new ArrayList<>();
        for (JsonNode input : json.path("inputs")) {
            Map<String, String> options = new LinkedHashMap<>();
            input.path("options").fields().forEachRemaining(e -> options.put(e.getKey(), e.getValue().asText()));
            inputs.add(new TaskInput(input.path("name").asText(), input.path("type").asText(), input.path("label").asText(),
                    input.path("defaultValue").asText(""), input.path("required").asBoolean(false),
                    text(input, "groupName"), text(input, "visibleRule"), options, input.path("helpMarkDown").asText("")));
        }
        return inputs;
    }

    Optional<TaskInput> input(String name) {
        return inputs().stream().filter(input -> input.name().equals(name)).findFirst();
    }

    List<String> groupNames() {
        List<String> names = new ArrayList<>();
        json.path("groups").forEach(group -> names.add(group.path("name").asText()));
        return names;
    }

    List<String> outputVariables() {
        List<String> names = new ArrayList<>();
        json.path("outputVariables").forEach(output -> names.add(output.path("name").asText()));
        return names;
    }

    /** {@code restrictions.commands.mode}: {@code restricted} makes the agent drop most logging commands. */
    Optional<String> commandMode() {
        return text(json.path("restrictions").path("commands"), "mode");
    }

    /** {@code restrictions.settableVariables.allowed}: the only variables the agent lets the task set; empty if none declared. */
    Optional<List<String>> settableVariables() {
        JsonNode allowed = json.path("restrictions").path("settableVariables").get("allowed");
        if (allowed == null) {
            return Optional.empty();
        }
        List<String> names = new ArrayList<>();
        allowed.forEach(name -> names.add(name.asText()));
        return Optional.of(names);
    }

    /** Handler name to target file, e.g. Node20_1 to index.js; {@code section} is execution or postjobexecution. */
    Map<String, String> handlers(String section) {
        Map<String, String> handlers = new LinkedHashMap<>();
        json.path(section).fields().forEachRemaining(e -> handlers.put(e.getKey(), e.getValue().path("target").asText()));
        return handlers;
    }

    /** The target the agent runs for this stage: the newest Node handler declared. */
    String nodeTarget(String section) {
        String target = handlers(section).get("Node20_1");
        if (target == null) {
            throw new IllegalStateException(name() + " declares no Node20_1 handler in " + section);
        }
        return target;
    }

    /** The runner command the entry script of a stage starts. */
    Optional<String> command(String section) {
        String target = handlers(section).get("Node20_1");
        if (target == null) {
            return Optional.empty();
        }
        try {
            Matcher launch = LAUNCH.matcher(Files.readString(folder.resolve(target)));
            return launch.find() ? Optional.of(launch.group(1)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.asText().isBlank() ? Optional.empty() : Optional.of(value.asText());
    }

    @Override
    public String toString() {
        return name();
    }
}
