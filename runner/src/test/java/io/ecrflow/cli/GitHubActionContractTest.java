package io.ecrflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * action.yml and the runner describe one contract: every option of login, build-push and platform-image is
 * an input of the action in its task-input spelling ({@code --build-args} is {@code buildArgs}), each reaching
 * the runner as {@code INPUT_<NAME>} and never on its command line.
 */
class GitHubActionContractTest {
    private static final List<String> COMMANDS = List.of("login", "build-push", "platform-image");
    /** The action's own inputs, and the secrets the runner reads only from the environment. */
    private static final Set<String> NOT_OPTIONS = Set.of("command", "runnerJar", "runnerUrl", "teamsWebhookUrl", "upstreamPassword");
    /** Options that name something only Azure Pipelines has. */
    private static final Set<String> AZURE_ONLY = Set.of("awsConnection", "awsCredentials", "oidcServiceConnectionId");

    private final JsonNode action = read();

    @Test
    void everyOptionOfTheThreeCommandsIsAnInputAndEveryInputAnOption() {
        Set<String> options = runnerInputs();
        Set<String> inputs = new LinkedHashSet<>();
        action.path("inputs").fieldNames().forEachRemaining(inputs::add);

        Set<String> expected = new LinkedHashSet<>(options);
        expected.removeAll(AZURE_ONLY);
        expected.addAll(NOT_OPTIONS);
        assertThat(inputs).as("action.yml inputs (add an option's input when the runner gains one)")
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(action.path("inputs").path("command").path("required").asBoolean()).isTrue();
    }

    @Test
    void theRunStepPassesEveryInputAsItsInputVariableAndNoneOnTheCommandLine() {
        JsonNode run = step("run");
        Map<String, String> env = new LinkedHashMap<>();
        run.path("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));

        action.path("inputs").fieldNames().forEachRemaining(input -> {
            if (!Set.of("command", "runnerJar", "runnerUrl").contains(input)) {
                assertThat(env).containsEntry("INPUT_" + input.toUpperCase(Locale.ROOT), "${{ inputs." + input + " }}");
            }
        });
        assertThat(run.path("run").asText()).doesNotContain("inputs.")
                .isEqualTo("java -XX:TieredStopAtLevel=1 -jar \"$ECRFLOW_RUNNER_JAR\" \"$ECRFLOW_COMMAND\"");
        assertThat(action.path("runs").path("using").asText()).isEqualTo("composite");
    }

    @Test
    void everyOutputIsTheRunStepsOutput() {
        action.path("outputs").fields().forEachRemaining(output -> assertThat(output.getValue().path("value").asText())
                .isEqualTo("${{ steps.run.outputs." + output.getKey() + " }}"));
        assertThat(action.path("outputs").has("imageDigest")).isTrue();
        assertThat(action.path("outputs").has("dockerConfig")).isTrue();
    }

    private JsonNode step(String id) {
        for (JsonNode step : action.path("runs").path("steps")) {
            if (step.path("id").asText().equals(id)) {
                return step;
            }
        }
        throw new AssertionError("action.yml has no step " + id);
    }

    private static Set<String> runnerInputs() {
        Set<String> names = new LinkedHashSet<>();
        CommandLine main = new CommandLine(new Main());
        for (String command : COMMANDS) {
            for (OptionSpec option : main.getSubcommands().get(command).getCommandSpec().options()) {
                if (!option.usageHelp() && !option.versionHelp()) {
                    names.add(inputName(option.longestName()));
                }
            }
        }
        return names;
    }

    private static String inputName(String longName) {
        String[] words = longName.substring(2).split("-");
        StringBuilder name = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            name.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        }
        return name.toString();
    }

    private static JsonNode read() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("action.yml"))) {
            dir = dir.getParent();
        }
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(dir.resolve("action.yml").toFile());
        } catch (IOException | NullPointerException e) {
            throw new AssertionError("action.yml not found above " + Path.of("").toAbsolutePath(), e);
        }
    }
}
