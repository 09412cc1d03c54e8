package io.ecrflow.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A fenced YAML pipeline example of the user docs that uses one of the extension's tasks, as a reader copies it: its
 * steps, and the variables it defines. Named by its page and its place among the page's examples ({@code
 * docs/build-push.md#2}), the way the docs tests list the examples they cannot run.
 */
record DocsExample(String id, String yaml, List<JsonNode> steps, Map<String, String> variables) {
    static final Pattern TASK = Pattern.compile("Ecr(BuildPush|Login|Promote|PlatformImage)@1");
    private static final Pattern ACCOUNT = Pattern.compile("\\b\\d{12}\\b");
    private static final Pattern YAML_BLOCK = Pattern.compile("```ya?ml\n(.*?)```", Pattern.DOTALL);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Every example of the user pages: docs/, docs/tasks/, docs/ci/ and examples/. */
    static List<DocsExample> all() {
        List<DocsExample> examples = new ArrayList<>();
        for (Path page : pages()) {
            examples.addAll(of(page));
        }
        return examples;
    }

    static DocsExample named(String id) {
        return all().stream().filter(example -> example.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no example " + id));
    }

    /**
     * A file a page shows in a fenced YAML block whose first line is the comment {@code # <name>}, as a reader copies
     * it next to the page's examples.
     */
    static String file(String page, String name) {
        Matcher block = YAML_BLOCK.matcher(markdown(Repo.root().resolve(page)));
        while (block.find()) {
            if (block.group(1).startsWith("# " + name + "\n")) {
                return block.group(1);
            }
        }
        throw new IllegalArgumentException(page + " shows no " + name);
    }

    /** The page the example is on: {@code docs/build-push.md} of {@code docs/build-push.md#2}. */
    String page() {
        return id.substring(0, id.indexOf('#'));
    }

    private static List<Path> pages() {
        List<Path> pages = new ArrayList<>();
        for (String folder : List.of("docs", "examples")) {
            try (Stream<Path> files = Files.walk(Repo.root().resolve(folder))) {
                files.filter(file -> file.toString().endsWith(".md")).sorted().forEach(pages::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return pages;
    }

    private static String markdown(Path page) {
        try {
            return Files.readString(page);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<DocsExample> of(Path page) {
        String name = Repo.root().relativize(page).toString();
        List<DocsExample> examples = new ArrayList<>();
        Matcher block = YAML_BLOCK.matcher(markdown(page));
        while (block.find()) {
            if (TASK.matcher(block.group(1)).find()) {
                examples.add(parse(name + "#" + (examples.size() + 1), block.group(1)));
            }
        }
        return examples;
    }

    private static DocsExample parse(String id, String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new AssertionError(id + " is no valid YAML: " + e.getMessage(), e);
        }
        JsonNode steps = root != null && root.isObject() ? root.path("steps") : root;
        List<JsonNode> list = new ArrayList<>();
        if (steps != null) {
            steps.forEach(list::add);
        }
        Map<String, String> variables = new LinkedHashMap<>();
        if (root != null && root.path("variables").isObject()) {
            root.path("variables").fields().forEachRemaining(v -> variables.put(v.getKey(), v.getValue().asText()));
        }
        return new DocsExample(id, yaml, list, variables);
    }

    /** The steps that run one of the extension's tasks. */
    List<JsonNode> taskSteps() {
        return steps.stream().filter(DocsExample::isTaskStep).toList();
    }

    static boolean isTaskStep(JsonNode step) {
        return TASK.matcher(step.path("task").asText()).matches();
    }

    /** {@code EcrBuildPush@1} is the task folder's {@code EcrBuildPush}. */
    static String taskName(JsonNode step) {
        String task = step.path("task").asText();
        return task.substring(0, task.indexOf('@'));
    }

    /** The AWS account ids the example names. */
    List<String> accounts() {
        List<String> accounts = new ArrayList<>();
        Matcher account = ACCOUNT.matcher(yaml);
        while (account.find()) {
            accounts.add(account.group());
        }
        return accounts;
    }

    @Override
    public String toString() {
        return id;
    }
}
