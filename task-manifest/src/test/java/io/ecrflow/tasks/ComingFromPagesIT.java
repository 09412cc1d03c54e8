package io.ecrflow.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ecrflow.testbed.apps.SampleApp;
import io.ecrflow.testbed.Testbed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The EcrBuildPush@1 step each "Coming from" page shows, run with its inputs as written (only the service
 * connection's name and the region stand for the test bed's), the way the agent runs it: what a user copies
 * from the page pushes; and the Docker@2 page's build-then-push pipeline, every step of it.
 */
class ComingFromPagesIT {
    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private final Testbed testbed = SharedTestbed.get();

    @TempDir
    Path sources;

    @ParameterizedTest
    @ValueSource(strings = {"docs/coming-from-docker-task.md", "docs/coming-from-aws-toolkit.md"})
    void theEcrBuildPushStepOfThePagePushes(String page) throws Exception {
        JsonNode inputs = ecrBuildPushInputs(Files.readString(Repo.root().resolve(page)));
        SampleApp.create(sources, "page");
        ServiceConnection connection = ServiceConnection.withExampleKeys();
        String repository = inputs.path("repository").asText() + "-" + UUID.randomUUID().toString().substring(0, 8);
        AgentStep step = AgentStep.main("EcrBuildPush", sources)
                .variables(Pipelines.build("97", "main")).variables(SharedTestbed.endpointVariables());
        for (Map.Entry<String, JsonNode> input : iterable(inputs)) {
            switch (input.getKey()) {
                case "awsConnection" -> step.serviceConnection(connection);
                case "awsCredentials" -> step.awsToolkitConnection(connection);
                case "region" -> { } // the test bed's endpoints decide where the calls go
                case "repository" -> step.input("repository", repository);
                default -> step.input(input.getKey(), input.getValue().asText());
            }
        }

        StepResult result = step.run();

        assertThat(result.exitCode()).as(page + "\n" + result).isZero();
        assertThat(testbed.tagsOf(repository)).isNotEmpty().contains("97");
    }

    /**
     * The Docker@2 build-then-push pipeline of the Coming-from-Docker@2 page, run step by step as the agent runs it:
     * the Docker@2 build as that task runs it ({@code docker build -f <Dockerfile> -t <repository>:<tag>} in the
     * Dockerfile's folder), the script steps through bash, then EcrBuildPush@1 pushing what the build left. Only
     * the local repository name is made unique, so that parallel runs on one engine do not share it.
     */
    @Test
    void theBuildThenPushPipelineOfTheDockerPagePushesTheImageTheBuildStepMade() throws Exception {
        List<JsonNode> pipeline = stepsOf(Files.readString(Repo.root().resolve("docs/coming-from-docker-task.md"))).stream()
                .filter(steps -> steps.stream().anyMatch(step -> isEcrBuildPush(step) && step.path("inputs").has("image")))
                .findFirst().orElseThrow(() -> new AssertionError("no EcrBuildPush@1 step with 'image' on the page"));
        SampleApp.create(sources, "build-then-push");
        Map<String, String> variables = new LinkedHashMap<>(Pipelines.build("98", "main"));
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String builtRepository = null;
        StepResult push = null;
        String repository = null;
        try {
            for (JsonNode step : pipeline) {
                JsonNode inputs = step.path("inputs");
                if (step.path("task").asText().equals("Docker@2")) {
                    assertThat(inputs.path("command").asText()).isEqualTo("build");
                    builtRepository = inputs.path("repository").asText();
                    Path dockerfile = sources.resolve(inputs.path("Dockerfile").asText());
                    String name = builtRepository + "-" + suffix + ":" + expand(inputs.path("tags").asText().trim(), variables);
                    run(List.of("docker", "build", "-f", dockerfile.toString(), "-t", name, dockerfile.getParent().toString()));
                } else if (step.has("script")) {
                    String script = expand(step.path("script").asText(), variables)
                            .replace(builtRepository + ":", builtRepository + "-" + suffix + ":");
                    run(List.of("bash", "-c", script));
                } else if (isEcrBuildPush(step)) {
                    repository = inputs.path("repository").asText() + "-" + suffix;
                    AgentStep agentStep = AgentStep.main("EcrBuildPush", sources).variables(variables)
                            .variables(SharedTestbed.endpointVariables());
                    inputs.fields().forEachRemaining(input -> {
                        switch (input.getKey()) {
                            case "awsConnection" -> agentStep.serviceConnection(ServiceConnection.withExampleKeys());
                            case "region" -> { } // the test bed's endpoints decide where the calls go
                            case "repository" -> agentStep.input("repository", inputs.path("repository").asText() + "-" + suffix);
                            default -> agentStep.input(input.getKey(), input.getValue().asText());
                        }
                    });
                    String image = inputs.path("image").asText();
                    assertThat(image).startsWith(builtRepository + ":");
                    agentStep.input("image", builtRepository + "-" + suffix + image.substring(builtRepository.length()));
                    push = agentStep.run();
                }
            }
            assertThat(push).as("the EcrBuildPush@1 step ran").isNotNull();
            assertThat(push.exitCode()).as(push.toString()).isZero();
            assertThat(testbed.tagsOf(repository)).containsExactlyInAnyOrder("98", "latest");
            String localId = output(List.of("docker", "image", "inspect", "--format", "{{.Id}}",
                    builtRepository + "-" + suffix + ":98")).trim();
            assertThat(testbed.configDigest(repository, "98")).as("the image the build step made").contains(localId);
            assertThat(push.outputs()).containsEntry("digest", testbed.manifestDigest(repository, "latest").orElseThrow());
        } finally {
            if (builtRepository != null) {
                new ProcessBuilder("docker", "rmi", "--force", builtRepository + "-" + suffix + ":98").start().waitFor();
            }
        }
    }

    /** The inputs of the page's last EcrBuildPush@1 step that builds (the ones with 'image' push an earlier build). */
    private static JsonNode ecrBuildPushInputs(String markdown) throws Exception {
        List<JsonNode> steps = stepsOf(markdown).stream().flatMap(List::stream)
                .filter(step -> isEcrBuildPush(step) && !step.path("inputs").has("image"))
                .map(step -> step.path("inputs")).toList();
        assertThat(steps).as("EcrBuildPush@1 steps on the page").isNotEmpty();
        return steps.get(steps.size() - 1);
    }

    /** The steps of each YAML block of the page that is a list of steps, or a pipeline with {@code steps:}. */
    private static List<List<JsonNode>> stepsOf(String markdown) throws Exception {
        List<List<JsonNode>> blocks = new ArrayList<>();
        Matcher block = YAML_BLOCK.matcher(markdown);
        while (block.find()) {
            JsonNode yaml = YAML.readTree(block.group(1));
            JsonNode steps = yaml != null && yaml.isObject() ? yaml.path("steps") : yaml;
            if (steps != null && steps.isArray()) {
                List<JsonNode> list = new ArrayList<>();
                steps.forEach(list::add);
                blocks.add(list);
            }
        }
        return blocks;
    }

    private static boolean isEcrBuildPush(JsonNode step) {
        return step.path("task").asText().equals("EcrBuildPush@1");
    }

    /** The agent's macro syntax, as AgentStep expands it in inputs: $(Build.BuildId) is BUILD_BUILDID. */
    private static String expand(String text, Map<String, String> variables) {
        Matcher macro = Pattern.compile("\\$\\(([A-Za-z0-9._]+)\\)").matcher(text);
        StringBuilder expanded = new StringBuilder();
        while (macro.find()) {
            String value = variables.get(macro.group(1).replace('.', '_').toUpperCase(java.util.Locale.ROOT));
            assertThat(value).as("variable " + macro.group(1)).isNotNull();
            macro.appendReplacement(expanded, Matcher.quoteReplacement(value));
        }
        return macro.appendTail(expanded).toString();
    }

    private void run(List<String> command) throws Exception {
        output(command);
    }

    private String output(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).directory(sources.toFile()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(String.join(" ", command) + "\n" + out).isZero();
        return out;
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        return node::fields;
    }
}
