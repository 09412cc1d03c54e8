package io.ecrflow.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ecrflow.testbed.SampleApp;
import io.ecrflow.testbed.Testbed;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The EcrBuildPush@1 step each "Coming from" page shows, run with its inputs as written (only the service
 * connection's name and the region stand for the test bed's), the way the agent runs it: what a user copies
 * from the page pushes.
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

    /** The inputs of the page's (last) EcrBuildPush@1 step. */
    private static JsonNode ecrBuildPushInputs(String markdown) throws Exception {
        List<JsonNode> steps = new ArrayList<>();
        Matcher block = YAML_BLOCK.matcher(markdown);
        while (block.find()) {
            JsonNode yaml = YAML.readTree(block.group(1));
            if (yaml != null && yaml.isArray()) {
                yaml.forEach(entry -> {
                    if (entry.path("task").asText().equals("EcrBuildPush@1")) {
                        steps.add(entry.path("inputs"));
                    }
                });
            }
        }
        assertThat(steps).as("EcrBuildPush@1 steps on the page").isNotEmpty();
        return steps.get(steps.size() - 1);
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        return node::fields;
    }
}
