package io.ecrflow.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
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
                    text(input, "groupName"), text(input, "visibleRule"), options, input.path("helpMarkDown").asText(""),
                    aliases(input)));
        }
        return inputs;
    }

    Optional<TaskInput> input(String name) {
        return inputs().stream().filter(input -> input.name().equals(name)).findFirst();
    }

    /**
     * The input a pipeline's YAML names, as the agent finds it: by its name or one of its {@code aliases}, in any case
     * (Docker@2's {@code buildContext} is EcrBuildPush's {@code context}).
     */
    Optional<TaskInput> inputNamedInYaml(String name) {
        return inputs().stream().filter(input -> input.name().equalsIgnoreCase(name)
                || input.aliases().stream().anyMatch(name::equalsIgnoreCase)).findFirst();
    }

    private static List<String> aliases(JsonNode input) {
        List<String> aliases = new ArrayList<>();
        input.path("aliases").forEach(alias -> aliases.add(alias.asText()));
        return aliases;
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

    /**
     * The Node handlers of a stage, newest first: the agent runs the newest one it has
     * (azure-pipelines-tasks, docs/migrateNode24.md), so the others are fallbacks for older agents.
     */
    List<NodeHandler> nodeHandlers(String section) {
        return handlers(section).keySet().stream().map(NodeHandler::named)
                .sorted(Comparator.comparingInt(NodeHandler::major).reversed()).toList();
    }

    /** The target of a stage's handler. */
    String nodeTarget(String section, NodeHandler handler) {
        String target = handlers(section).get(handler.name());
        if (target == null) {
            throw new IllegalStateException(name() + " declares no " + handler + " handler in " + section);
        }
        return target;
    }

    /** The runner command the entry script of a stage starts. */
    Optional<String> command(String section) {
        if (handlers(section).isEmpty()) {
            return Optional.empty();
        }
        String target = nodeTarget(section, nodeHandlers(section).get(0));
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
