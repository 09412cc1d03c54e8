package io.ecrflow.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the docs' YAML examples must be before {@link DocsExamplesIT} runs them: each runs there or is listed with the
 * reason it cannot, names its region and only inputs its task has, and uses AWS's documentation account.
 */
class DocsExamplesTest {
    /** Examples whose steps get their region elsewhere than a region input, and where. */
    private static final Map<String, String> REGION_ELSEWHERE = Map.of(
            "docs/coming-from-aws-toolkit.md#2", "the AWS.Region variable, as the AWS Toolkit's tasks read it");

    @Test
    void theDocsHaveExamplesOfEveryTask() {
        List<String> tasks = DocsExample.all().stream().flatMap(example -> example.taskSteps().stream())
                .map(DocsExample::taskName).distinct().toList();
        assertThat(tasks).containsExactlyInAnyOrder("EcrBuildPush", "EcrLogin", "EcrPromote", "EcrPlatformImage");
    }

    @Test
    void anExampleThatDoesNotRunIsOneOfTheDocsWithAReason() {
        List<String> ids = DocsExample.all().stream().map(DocsExample::id).toList();
        assertThat(ids).containsAll(DocsExamplesIT.NOT_RUN.keySet()).containsAll(REGION_ELSEWHERE.keySet());
        assertThat(DocsExamplesIT.NOT_RUN.values()).allSatisfy(reason -> assertThat(reason).isNotBlank());
        assertThat(DocsExamplesIT.runnable()).isNotEmpty();
    }

    @Test
    void theImagesFileOfThePlatformImagePageIsOneItsExampleCanRead() throws Exception {
        JsonNode file = new ObjectMapper(new YAMLFactory()).readTree(DocsExample.file("docs/platform-image.md", "platform-images.yml"));

        assertThat(file.path("images").findValuesAsText("id"))
                .containsExactly("net6_runtime", "net6_sdk", "net7_runtime", "net7_runtime_deps");
        assertThat(DocsExample.named("docs/platform-image.md#2").taskSteps()).singleElement()
                .satisfies(step -> assertThat(step.path("inputs").path("imagesFile").asText()).isEqualTo("platform-images.yml"));
    }

    @Test
    void everyTaskStepNamesItsRegion() {
        List<String> without = new ArrayList<>();
        for (DocsExample example : DocsExample.all()) {
            for (JsonNode step : example.taskSteps()) {
                if (!step.path("inputs").hasNonNull("region") && !REGION_ELSEWHERE.containsKey(example.id())) {
                    without.add(example.id() + " " + step.path("task").asText());
                }
            }
        }
        assertThat(without).as("task steps without region").isEmpty();
    }

    @Test
    void everyInputOfATaskStepIsAnInputOfTheTask() {
        List<String> unknown = new ArrayList<>();
        for (DocsExample example : DocsExample.all()) {
            for (JsonNode step : example.taskSteps()) {
                TaskManifest task = TaskManifest.named(DocsExample.taskName(step));
                step.path("inputs").fieldNames().forEachRemaining(input -> {
                    if (task.inputNamedInYaml(input).isEmpty()) {
                        unknown.add(example.id() + " " + task.name() + "." + input);
                    }
                });
            }
        }
        assertThat(unknown).isEmpty();
    }

    @Test
    void theExamplesUseAwssDocumentationAccount() {
        List<String> others = new ArrayList<>();
        DocsExample.all().forEach(example -> example.accounts().stream()
                .filter(account -> !account.equals("123456789012")).forEach(account -> others.add(example.id() + " " + account)));
        assertThat(others).isEmpty();
    }
}
