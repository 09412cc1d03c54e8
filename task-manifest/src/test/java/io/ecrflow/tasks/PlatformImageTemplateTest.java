package io.ecrflow.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/templates/platform-image.yml, the steps template every platform image's pipeline extends, runs the task as it is. */
class PlatformImageTemplateTest {
    private static final Pattern TASK = Pattern.compile("^- task: (\\w+)@(\\d+)$");
    private static final Pattern STEP_INPUT = Pattern.compile("^    (\\w+): .+$");
    private static final Pattern DECLARED_PARAMETER = Pattern.compile("^- name: (\\w+)");
    private static final Pattern USED_PARAMETER = Pattern.compile("parameters\\.(\\w+)");

    @Test
    void theTemplateRunsEcrPlatformImageWithInputsTheTaskHasAndEveryRequiredOne() throws IOException {
        List<String> lines = Files.readAllLines(Repo.root().resolve("docs/templates/platform-image.yml"));
        TaskManifest task = TaskManifest.named("EcrPlatformImage");
        List<String> tasks = new ArrayList<>();
        Set<String> inputs = new LinkedHashSet<>();
        boolean inInputs = false;
        for (String line : lines) {
            Matcher step = TASK.matcher(line);
            if (step.matches()) {
                tasks.add(step.group(1) + "@" + step.group(2));
            }
            if (line.startsWith("  ") && line.trim().equals("inputs:")) {
                inInputs = true;
                continue;
            }
            Matcher input = STEP_INPUT.matcher(line);
            if (inInputs && input.matches()) {
                inputs.add(input.group(1));
            } else if (inInputs && !line.startsWith("    ")) {
                inInputs = false;
            }
        }

        assertThat(tasks).containsExactly(task.name() + "@" + task.json().path("version").path("Major").asInt());
        assertThat(inputs).as("inputs the template gives").isNotEmpty()
                .allSatisfy(name -> assertThat(task.input(name)).as("input %s of %s", name, task).isPresent());
        assertThat(inputs).containsAll(task.inputs().stream().filter(TaskInput::required).map(TaskInput::name).toList())
                .contains("awsConnection", "forceUpdate", "teamsWebhookUrl", "testDockerfile");
    }

    @Test
    void everyParameterTheTemplateUsesIsDeclared() throws IOException {
        List<String> lines = Files.readAllLines(Repo.root().resolve("docs/templates/platform-image.yml"));
        Set<String> declared = new LinkedHashSet<>();
        Set<String> used = new LinkedHashSet<>();
        for (String line : lines) {
            Matcher declaration = DECLARED_PARAMETER.matcher(line);
            if (declaration.find()) {
                declared.add(declaration.group(1));
            }
            Matcher use = USED_PARAMETER.matcher(line);
            while (use.find()) {
                used.add(use.group(1));
            }
        }
        assertThat(declared).contains("force_update");
        assertThat(used).isNotEmpty().isEqualTo(declared);
    }

    @Test
    void theMatrixTemplateRunsTheImagesFileOneSliceAJobWithInputsTheTaskHasAndDeclaresWhatItUses() throws IOException {
        Path template = Repo.root().resolve("docs/templates/platform-images-matrix.yml");
        JsonNode yaml = new ObjectMapper(new YAMLFactory()).readTree(template.toFile());
        TaskManifest task = TaskManifest.named("EcrPlatformImage");
        JsonNode job = yaml.path("jobs").get(0);
        JsonNode step = job.path("steps").get(0);
        Set<String> inputs = new LinkedHashSet<>();
        step.path("inputs").fieldNames().forEachRemaining(inputs::add);

        assertThat(step.path("task").asText()).isEqualTo(task.name() + "@" + task.json().path("version").path("Major").asInt());
        assertThat(inputs).contains("imagesFile", "imageIds", "awsConnection", "teamsWebhookUrl")
                .allSatisfy(name -> assertThat(task.input(name)).as("input %s of %s", name, task).isPresent());
        assertThat(step.path("inputs").path("imageIds").asText()).isEqualTo("$(image_ids)");
        // the matrix sets image_ids for each slice; without slices the job sets it empty: the whole file
        assertThat(job.toString()).contains("\"image_ids\":\"${{ join(',', slice.images) }}\"", "\"image_ids\":\"\"");

        Set<String> declared = new LinkedHashSet<>();
        yaml.path("parameters").forEach(parameter -> declared.add(parameter.path("name").asText()));
        Set<String> used = new LinkedHashSet<>();
        Matcher use = USED_PARAMETER.matcher(Files.readString(template));
        while (use.find()) {
            used.add(use.group(1));
        }
        assertThat(used).isEqualTo(declared);
    }
}
