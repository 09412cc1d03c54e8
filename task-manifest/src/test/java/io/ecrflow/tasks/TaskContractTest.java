package io.ecrflow.tasks;

import io.ecrflow.Secret;
import io.ecrflow.cli.Main;
import io.ecrflow.login.Logout;
import io.ecrflow.pipeline.AzurePipeline;
import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.Pipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The task manifests follow the runner contract: option {@code --foo-bar} is task input {@code fooBar},
 * both ways, and what a manifest says about an input (default, choices, required) is what the runner does.
 * The exceptions are secrets, which are inputs but never options, and options a command refuses.
 */
class TaskContractTest {
    // The inputs choosing an AWS service connection, and the connection type each offers: ecrflow's own, and the
    // AWS Toolkit's under the name the Toolkit's tasks give it.
    private static final Map<String, String> CONNECTION_INPUTS = Map.of("awsConnection", "connectedService:"
            + ExtensionManifest.read().endpointTypeName(), "awsCredentials", "connectedService:AWS");
    // Secrets travel only in the environment: the runner has no option for them and reads INPUT_<NAME> itself.
    private static final Set<String> SECRET_INPUTS = Set.of("teamsWebhookUrl", "upstreamPassword");
    // Options a command refuses, so its task offers no input for them: platform images and promotions live
    // in private registries only, and these are ECR Public's.
    private static final Map<String, Set<String>> OPTIONS_THE_COMMAND_REFUSES =
            Map.of("platform-image", Set.of("--public", "--registry-alias"), "promote", Set.of("--public", "--registry-alias"));

    // Variables a task's command sets besides its outputs: the login's docker config for later steps, and
    // the task variable its post-job step reads back.
    private static final Map<String, Set<String>> JOB_VARIABLES =
            Map.of("EcrLogin", Set.of("DOCKER_CONFIG", Logout.TASK_VARIABLE));
    // Outputs of a platform-image run as a whole, never of one image of an images file.
    private static final Set<String> RUN_OUTPUTS = Set.of("summaryFile", "updatedImages");
    private static final Pattern LOGGING_COMMAND = Pattern.compile("##vso\\[([A-Za-z]+\\.[A-Za-z]+)");

    static List<TaskManifest> tasks() {
        return TaskManifest.all();
    }

    @Test
    void theExtensionHasTheLoginBuildPushPlatformImageAndPromoteTasks() {
        assertThat(tasks()).extracting(TaskManifest::name).containsExactlyInAnyOrder("EcrLogin", "EcrBuildPush", "EcrPlatformImage",
                "EcrPromote");
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void everyRunnerOptionOfTheTasksCommandIsATaskInput(TaskManifest task) {
        Set<String> inputs = task.inputs().stream().map(TaskInput::name).collect(Collectors.toSet());
        Set<String> refused = OPTIONS_THE_COMMAND_REFUSES.getOrDefault(mainCommand(task), Set.of());
        List<String> missing = RunnerModel.options(mainCommand(task)).stream()
                .filter(option -> !inputs.contains(option.inputName()) && !refused.contains(option.longName()))
                .map(option -> option.longName() + " (input " + option.inputName() + ")").toList();
        assertThat(missing).as("runner options of '%s' without an input in %s/task.json", mainCommand(task), task.folder().getFileName())
                .isEmpty();
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void everyTaskInputButTheSecretsIsARunnerOption(TaskManifest task) {
        Set<String> optionInputs = RunnerModel.options(mainCommand(task)).stream().map(RunnerModel.Option::inputName)
                .collect(Collectors.toSet());
        List<String> unknown = task.inputs().stream().map(TaskInput::name)
                .filter(name -> !SECRET_INPUTS.contains(name) && !optionInputs.contains(name)).toList();
        assertThat(unknown).as("inputs of %s the runner's '%s' command does not read", task, mainCommand(task)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void aSecretInputIsNoOptionAndTheRunnerRegistersItBeforePrintingAnything(TaskManifest task, @TempDir Path work) {
        for (TaskInput secret : task.inputs().stream().filter(input -> SECRET_INPUTS.contains(input.name())).toList()) {
            assertThat(RunnerModel.options(mainCommand(task))).extracting(RunnerModel.Option::inputName)
                    .as("%s: a secret never travels on a command line", task).doesNotContain(secret.name());
            assertThat(secret.helpMarkDown()).as("%s: help of %s", task, secret.name()).contains("secret variable");
            String value = "https://example.invalid/secret-" + secret.name();
            Map<String, String> env = new HashMap<>(agentDefaults(task));
            env.put(secret.environmentName(), value);
            env.put("TF_BUILD", "True");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Main.run(new String[] {mainCommand(task), "--help"}, Environment.of(env), work,
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));

            List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
            assertThat(lines).as("%s: %s", task, secret.name()).first().isEqualTo("##vso[task.setsecret]" + value);
            assertThat(lines).filteredOn(line -> line.contains(value)).hasSize(1);
        }
    }

    @Test
    void anOptionATaskLeavesOutIsAboutEcrPublicWhichTheCommandRefuses(@TempDir Path work) throws IOException {
        Files.writeString(work.resolve("Dockerfile"), "FROM scratch\n");
        OPTIONS_THE_COMMAND_REFUSES.forEach((command, options) -> {
            RunnerModel.options(command).stream().filter(option -> options.contains(option.longName())).forEach(option ->
                    assertThat(option.description()).as("%s %s", command, option.longName()).contains("ECR Public"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int exit = Main.run(new String[] {command, "--repository", "runtime", "--public", "true"},
                    Environment.of(Map.of("TF_BUILD", "True")), work,
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));

            assertThat(exit).isNotZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("##vso[task.logissue type=error;]").contains("remove 'public'");
        });
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void theServiceConnectionInputsOfferEcrflowsAndTheAwsToolkitsConnections(TaskManifest task) {
        Map<String, String> connections = new LinkedHashMap<>();
        task.inputs().stream().filter(TaskInput::isConnection).forEach(input -> {
            connections.put(input.name(), input.type());
            assertThat(input.required()).as("without a connection the agent's own AWS credentials are used").isFalse();
        });
        assertThat(connections).isEqualTo(CONNECTION_INPUTS);
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void booleanInputsAreBooleanOptions(TaskManifest task) {
        for (RunnerModel.Option option : RunnerModel.options(mainCommand(task))) {
            // an option without an input is reported by everyRunnerOptionOfTheTasksCommandIsATaskInput
            TaskInput input = task.input(option.inputName()).orElse(null);
            if (input == null) {
                continue;
            }
            assertThat(input.isBoolean()).as("%s: input %s is boolean exactly when %s takes BOOL", task, input.name(), option.longName())
                    .isEqualTo(option.isBoolean());
            if (option.isBoolean()) {
                // an unset checkbox reads as false in the editor, so a boolean option declares its default
                assertThat(option.declaredDefault()).as("%s: %s declares its default", task, option.longName()).isPresent();
            }
        }
    }

    /** A value the help names as the default is the declared default, so that help, manifest and docs read it from one place. */
    @Test
    void aDefaultTheHelpStatesAsOneValueIsDeclared() {
        List<String> undeclared = new ArrayList<>();
        RunnerModel.commands().forEach((command, options) -> options.stream()
                .filter(option -> option.declaredDefault().isEmpty()
                        && option.describedDefault().filter(stated -> stated.matches("[^\\s,]+")).isPresent())
                .forEach(option -> undeclared.add(command + " " + option.longName() + ": " + option.describedDefault().get())));
        assertThat(undeclared).isEmpty();
    }

    /**
     * The agent passes every input, at the manifest's default when the pipeline leaves it out: that default is the one
     * the option declares, and an input whose option declares none has none (the runner then decides, as its help says).
     */
    @ParameterizedTest
    @MethodSource("tasks")
    void theManifestsDefaultIsTheDefaultTheOptionDeclares(TaskManifest task) {
        List<String> disagreements = new ArrayList<>();
        for (RunnerModel.Option option : RunnerModel.options(mainCommand(task))) {
            // an option without an input is reported by everyRunnerOptionOfTheTasksCommandIsATaskInput
            TaskInput input = task.input(option.inputName()).orElse(null);
            if (input != null && !input.defaultValue().equals(option.declaredDefault().orElse(""))) {
                disagreements.add(input.name() + ": manifest '" + input.defaultValue() + "', " + option.longName()
                        + " declares '" + option.declaredDefault().orElse("") + "'");
            }
        }
        assertThat(disagreements).as("%s/task.json", task.folder().getFileName()).isEmpty();
    }

    /**
     * The task's help says what {@code --help} says: read as plain text (markdown's code spans and bold aside) it begins
     * with the option's description, default included, and may go on with what only the task's users need: what the
     * task's command does with a shared option (which tags its scan gate holds back, what its build tags name), or a
     * caution for the pipeline editor.
     */
    @ParameterizedTest
    @MethodSource("tasks")
    void theInputsHelpBeginsWithWhatTheOptionsHelpSays(TaskManifest task) {
        List<String> disagreements = new ArrayList<>();
        for (RunnerModel.Option option : RunnerModel.options(mainCommand(task))) {
            // an option without an input is reported by everyRunnerOptionOfTheTasksCommandIsATaskInput
            TaskInput input = task.input(option.inputName()).orElse(null);
            if (input != null && !plainText(input.helpMarkDown()).startsWith(plainText(option.description()))) {
                disagreements.add(input.name() + ":\n  task:   " + input.helpMarkDown() + "\n  --help: " + option.description());
            }
        }
        assertThat(disagreements).as("%s/task.json", task.folder().getFileName()).isEmpty();
    }

    private static String plainText(String markdown) {
        return markdown.replace("`", "").replace("**", "").replaceAll("\\s+", " ").trim();
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void pickListsOfferExactlyTheValuesTheRunnerAccepts(TaskManifest task) {
        for (RunnerModel.Option option : RunnerModel.options(mainCommand(task))) {
            // an option without an input is reported by everyRunnerOptionOfTheTasksCommandIsATaskInput
            TaskInput input = task.input(option.inputName()).orElse(null);
            if (input == null) {
                continue;
            }
            if (input.isPickList()) {
                assertThat(input.options().keySet()).as("%s: choices of %s", task, input.name())
                        .containsExactlyInAnyOrderElementsOf(option.choices());
                assertThat(input.options()).as("%s: default of %s", task, input.name()).containsKey(input.defaultValue());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void aRequiredInputLeftOutStopsTheRunnerWithAnErrorNamingIt(TaskManifest task, @TempDir Path work) {
        for (TaskInput required : task.inputs().stream().filter(TaskInput::required).toList()) {
            Map<String, String> env = new HashMap<>(agentDefaults(task));
            env.remove(required.environmentName());
            env.put("TF_BUILD", "True");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int exit = Main.run(new String[] {mainCommand(task)}, Environment.of(env), work,
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));

            assertThat(exit).isNotZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("##vso[task.logissue type=error;]Input '" + required.name() + "' is required");
        }
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void visibleRulesReferToInputsAndValuesThatExist(TaskManifest task) {
        for (TaskInput input : task.inputs()) {
            for (String condition : input.visibleRule().map(rule -> rule.split("&&|\\|\\|")).orElse(new String[0])) {
                String[] parts = condition.split("!=|=");
                assertThat(parts).as("%s: rule '%s' of %s", task, condition, input.name()).hasSize(2);
                String referenced = parts[0].trim();
                String value = parts[1].trim();
                TaskInput target = task.input(referenced).orElse(null);
                assertThat(target).as("%s: %s's visibleRule names input '%s'", task, input.name(), referenced).isNotNull();
                if (target.isBoolean()) {
                    assertThat(value).isIn("true", "false");
                } else if (target.isPickList()) {
                    assertThat(target.options()).as("%s: %s's visibleRule value", task, input.name()).containsKey(value);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void inputsHaveHelpAndBelongToDeclaredGroups(TaskManifest task) {
        Set<String> used = new LinkedHashSet<>();
        for (TaskInput input : task.inputs()) {
            assertThat(input.label()).as("%s: label of %s", task, input.name()).isNotBlank();
            assertThat(input.helpMarkDown()).as("%s: help of %s", task, input.name()).isNotBlank();
            input.groupName().ifPresent(group -> {
                assertThat(task.groupNames()).as("%s: group of %s", task, input.name()).contains(group);
                used.add(group);
            });
        }
        assertThat(used).as("%s: every group holds an input", task).containsExactlyInAnyOrderElementsOf(task.groupNames());
    }

    @Test
    void everyRunnerCommandIsRunByATask() {
        List<String> taskCommands = new ArrayList<>();
        for (TaskManifest task : tasks()) {
            taskCommands.add(mainCommand(task));
            task.command("postjobexecution").ifPresent(taskCommands::add);
        }
        assertThat(RunnerModel.commands().keySet()).as("runner commands without a task: add a task (or a post-job step)")
                .isSubsetOf(taskCommands);
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void aPostJobCommandReadsNoneOfTheTasksInputs(TaskManifest task) {
        // the agent hands the post-job step the task's inputs again; an input matching one of the post-job
        // command's options would silently change what it does
        task.command("postjobexecution").ifPresent(command -> {
            Set<String> inputs = task.inputs().stream().map(TaskInput::name).collect(Collectors.toSet());
            assertThat(RunnerModel.options(command)).extracting(RunnerModel.Option::inputName).doesNotContainAnyElementsOf(inputs);
        });
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void everyTaskAsksTheAgentForRestrictedCommandMode(TaskManifest task) {
        // the build output a task relays is neutralised, and this is the agent's own second line of defence
        assertThat(task.commandMode()).as("%s: restrictions.commands.mode", task).contains("restricted");
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void aTaskMaySetExactlyItsOutputsAndTheVariablesItsCommandSetsForTheJob(TaskManifest task) {
        Set<String> expected = new TreeSet<>(task.outputVariables());
        expected.addAll(JOB_VARIABLES.getOrDefault(task.name(), Set.of()));
        if (task.name().equals("EcrPlatformImage")) {
            // with imagesFile, each image sets its outputs as <id>_<output>: the summary and the run's list are the run's
            task.outputVariables().stream().filter(output -> !RUN_OUTPUTS.contains(output))
                    .forEach(output -> expected.add("*_" + output));
        }

        assertThat(task.settableVariables()).as("%s: restrictions.settableVariables.allowed", task)
                .hasValueSatisfying(allowed -> assertThat(allowed).containsExactlyInAnyOrderElementsOf(expected));
    }

    @Test
    void everyLoggingCommandTheRunnerCanPrintIsAllowedInRestrictedMode(@TempDir Path agentTemp) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // as the launcher starts the runner for a task whose task.json asks for restricted command mode
        Pipeline pipeline = new AzurePipeline(Environment.of(Map.of("SYSTEM_DEBUG", "true", AzurePipeline.COMMAND_MODE, "restricted",
                "AGENT_TEMPDIRECTORY", agentTemp.toString())), new PrintStream(out, true, StandardCharsets.UTF_8));
        List<String> called = new ArrayList<>();
        for (Method method : Pipeline.class.getMethods()) {
            if (method.getReturnType() == void.class && !Modifier.isStatic(method.getModifiers())) {
                method.invoke(pipeline, sampleArguments(method));
                called.add(method.getName());
            }
        }
        // the end of a step, after a summary and a phase were reported whatever the order above
        pipeline.complete(true, "");
        Set<String> printed = new TreeSet<>();
        out.toString(StandardCharsets.UTF_8).lines().forEach(line -> printed.addAll(loggingCommandsIn(line)));

        assertThat(called).contains("setOutput", "exportVariable", "rememberForPostJob", "registerSecret", "complete", "relay",
                "summary", "phaseFinished");
        assertThat(printed).as("commands the runner printed for every Pipeline method").contains("task.setvariable", "task.complete")
                .allMatch(RestrictedMode::allows);
    }

    @Test
    void everyLoggingCommandTheLauncherCanPrintIsAllowedInRestrictedMode() throws IOException {
        Set<String> printed = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Repo.taskManifests())) {
            for (Path script : files.filter(file -> file.toString().endsWith(".js")).toList()) {
                Files.readAllLines(script).forEach(line -> printed.addAll(loggingCommandsIn(line)));
            }
        }
        // the launcher handles no secret (the runner registers them): it only reports its own failures
        assertThat(printed).contains("task.logissue", "task.complete").allMatch(RestrictedMode::allows);
    }

    /** Arguments of the right types for a Pipeline method; the text carries a foreign command to prove it stays text. */
    private static Object[] sampleArguments(Method method) {
        Class<?>[] types = method.getParameterTypes();
        Object[] arguments = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            if (types[i] == String.class) {
                arguments[i] = i == 0 && types.length > 1 ? "name" : "text ##vso[build.addbuildtag]evil";
            } else if (types[i] == int.class) {
                arguments[i] = 50;
            } else if (types[i] == boolean.class) {
                arguments[i] = true;
            } else if (types[i] == Secret.class) {
                arguments[i] = Secret.of("secret-value");
            } else if (types[i] == java.time.Duration.class) {
                arguments[i] = java.time.Duration.ofSeconds(3);
            } else {
                throw new AssertionError("no sample for " + types[i] + " of Pipeline." + method.getName() + ": add one");
            }
        }
        return arguments;
    }

    /**
     * The command the agent would find in a line: the first "##vso[" anywhere, as its Command.TryParse
     * looks; what follows that command's ']' is its message, never a second command.
     */
    private static List<String> loggingCommandsIn(String line) {
        Matcher matcher = LOGGING_COMMAND.matcher(line);
        return matcher.find() ? List.of(matcher.group(1).toLowerCase(Locale.ROOT)) : List.of();
    }

    private static String mainCommand(TaskManifest task) {
        return task.command("execution").orElseThrow(() -> new AssertionError(task + ": its entry script starts no runner command"));
    }

    /** The INPUT_* variables the agent sets for a task with no inputs given: every input at its default. */
    private static Map<String, String> agentDefaults(TaskManifest task) {
        Map<String, String> env = new HashMap<>();
        task.inputs().forEach(input -> env.put(input.environmentName(), input.defaultValue()));
        return env;
    }
}
