package io.ecrflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One job of a GitHub Actions runner, as far as ecrflow's action and workflows need it: {@code run:} steps
 * in {@code bash --noprofile --norc -eo pipefail}, a composite action's steps with its {@code inputs}
 * (defaults included), each step's own {@code GITHUB_OUTPUT} read back as {@code steps.<id>.outputs},
 * {@code GITHUB_ENV} carried to the later steps, and {@code ${{ }}} expressions that name a context value
 * (inputs, steps, github, runner, env). An expression it cannot evaluate fails the test.
 */
final class GitHubRunnerEmulation {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{\\s*([^}]*?)\\s*}}");

    record StepResult(int exitCode, String log) {
    }

    private final Path workspace;
    private final Path runnerTemp;
    private final Path envFile;
    private final Path summaryFile;
    private final Map<String, String> machineEnv;
    private final Map<String, String> github;
    private final Map<String, String> exported = new LinkedHashMap<>();
    private final StringBuilder log = new StringBuilder();

    /**
     * @param machineEnv what the runner machine has besides GitHub's variables (PATH, the AWS test endpoints)
     * @param github     the {@code github} context, e.g. {@code sha}, {@code ref_name}, {@code run_number}
     */
    GitHubRunnerEmulation(Path root, Map<String, String> machineEnv, Map<String, String> github) throws IOException {
        this.workspace = Files.createDirectories(root.resolve("workspace"));
        this.runnerTemp = Files.createDirectories(root.resolve("runner-temp"));
        this.envFile = Files.createFile(runnerTemp.resolve("github-env"));
        this.summaryFile = Files.createFile(runnerTemp.resolve("step-summary"));
        this.machineEnv = machineEnv;
        this.github = github;
    }

    Path workspace() {
        return workspace;
    }

    Path runnerTemp() {
        return runnerTemp;
    }

    String summary() throws IOException {
        return Files.readString(summaryFile);
    }

    String log() {
        return log.toString();
    }

    Map<String, String> exported() {
        return exported;
    }

    /** GitHub's variables for a step, from the github context, plus what earlier steps wrote to GITHUB_ENV. */
    private Map<String, String> stepEnvironment(Path outputFile) {
        Map<String, String> env = new LinkedHashMap<>(machineEnv);
        env.put("CI", "true");
        env.put("GITHUB_ACTIONS", "true");
        github.forEach((key, value) -> env.put("GITHUB_" + key.toUpperCase(java.util.Locale.ROOT), value));
        env.put("GITHUB_WORKSPACE", workspace.toString());
        env.put("RUNNER_TEMP", runnerTemp.toString());
        env.put("GITHUB_ENV", envFile.toString());
        env.put("GITHUB_STEP_SUMMARY", summaryFile.toString());
        env.put("GITHUB_OUTPUT", outputFile.toString());
        env.putAll(exported);
        return env;
    }

    /** Runs a {@code run:} step; its outputs land in {@code outputs}. */
    StepResult runScript(String script, Map<String, String> stepEnv, Path directory, Map<String, String> outputs)
            throws IOException, InterruptedException {
        Path outputFile = Files.createTempFile(runnerTemp, "output", "");
        Path scriptFile = Files.createTempFile(runnerTemp, "step", ".sh");
        Files.writeString(scriptFile, script);
        Map<String, String> env = stepEnvironment(outputFile);
        env.putAll(stepEnv);
        ProcessBuilder builder = new ProcessBuilder("bash", "--noprofile", "--norc", "-eo", "pipefail", scriptFile.toString())
                .directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        int code = process.waitFor();
        log.append(output);
        outputs.putAll(commandFile(outputFile));
        exported.putAll(commandFile(envFile));
        return new StepResult(code, output);
    }

    /**
     * Runs a composite action's steps with these inputs; returns its declared outputs. Stops at the first
     * failing step, as GitHub does, and reports it as a failed result.
     */
    ActionResult runAction(Path actionYml, Map<String, String> with, String actionRepository, String actionRef)
            throws IOException, InterruptedException {
        JsonNode action = YAML.readTree(actionYml.toFile());
        assertUsing(action);
        Map<String, String> inputs = new LinkedHashMap<>();
        action.path("inputs").fields().forEachRemaining(input -> inputs.put(input.getKey(), input.getValue().path("default").asText("")));
        with.forEach((name, value) -> {
            if (!inputs.containsKey(name)) {
                throw new IllegalArgumentException("the action has no input " + name + " (GitHub: Unexpected input)");
            }
            inputs.put(name, value);
        });
        Map<String, Map<String, String>> steps = new HashMap<>();
        Map<String, String> actionGithub = new LinkedHashMap<>(github);
        actionGithub.put("action_repository", actionRepository);
        actionGithub.put("action_ref", actionRef);
        actionGithub.put("action_path", actionYml.getParent().toString());
        Context context = new Context(inputs, steps, actionGithub);
        for (JsonNode step : action.path("runs").path("steps")) {
            Map<String, String> stepEnv = new LinkedHashMap<>();
            step.path("env").fields().forEachRemaining(e -> stepEnv.put(e.getKey(), context.evaluate(e.getValue().asText())));
            stepEnv.put("GITHUB_ACTION_PATH", actionYml.getParent().toString());
            if (!step.path("shell").asText().equals("bash")) {
                throw new IllegalArgumentException("step " + step.path("id").asText() + " must run in bash");
            }
            Map<String, String> outputs = new LinkedHashMap<>();
            StepResult result = runScript(context.evaluate(step.path("run").asText()), stepEnv, workspace, outputs);
            steps.put(step.path("id").asText(), outputs);
            if (result.exitCode() != 0) {
                return new ActionResult(result.exitCode(), Map.of());
            }
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        action.path("outputs").fields().forEachRemaining(o -> outputs.put(o.getKey(), context.evaluate(o.getValue().path("value").asText())));
        return new ActionResult(0, outputs);
    }

    record ActionResult(int exitCode, Map<String, String> outputs) {
    }

    /** An action other than ecrflow's, played by the test (what it leaves behind, such as AWS keys in the env). */
    interface ForeignAction {
        void run(Map<String, String> with, Map<String, String> exported) throws Exception;
    }

    /**
     * Runs a workflow job's steps in order: ecrflow's action ({@code uses: <ecrflowRepository>@ref}) from
     * {@code actionYml}, other actions by their stand-ins, {@code run:} steps in bash. Returns the step
     * outputs by id; the first failing step fails the test.
     */
    Map<String, Map<String, String>> runJob(JsonNode steps, String ecrflowRepository, Path actionYml,
                                            Map<String, ForeignAction> foreign) throws Exception {
        Map<String, Map<String, String>> outputs = new HashMap<>();
        Context context = new Context(Map.of(), outputs, github);
        int index = 0;
        for (JsonNode step : steps) {
            String id = step.has("id") ? step.path("id").asText() : "step" + index;
            index++;
            Map<String, String> with = new LinkedHashMap<>();
            step.path("with").fields().forEachRemaining(w -> with.put(w.getKey(), context.evaluate(w.getValue().asText())));
            Map<String, String> stepOutputs = new LinkedHashMap<>();
            if (step.has("uses")) {
                String[] uses = step.path("uses").asText().split("@", 2);
                if (uses[0].equals(ecrflowRepository)) {
                    ActionResult result = runAction(actionYml, with, uses[0], uses[1]);
                    if (result.exitCode() != 0) {
                        throw new AssertionError("step " + id + " (" + step.path("uses").asText() + ") failed:\n" + log);
                    }
                    stepOutputs.putAll(result.outputs());
                } else if (foreign.containsKey(uses[0])) {
                    foreign.get(uses[0]).run(with, exported);
                } else {
                    throw new IllegalArgumentException("no stand-in for " + uses[0]);
                }
            } else {
                Map<String, String> env = new LinkedHashMap<>();
                step.path("env").fields().forEachRemaining(e -> env.put(e.getKey(), context.evaluate(e.getValue().asText())));
                StepResult result = runScript(context.evaluate(step.path("run").asText()), env, workspace, stepOutputs);
                if (result.exitCode() != 0) {
                    throw new AssertionError("step " + id + " failed:\n" + log);
                }
            }
            outputs.put(id, stepOutputs);
        }
        return outputs;
    }

    private static void assertUsing(JsonNode action) {
        if (!action.path("runs").path("using").asText().equals("composite")) {
            throw new IllegalArgumentException("not a composite action");
        }
    }

    /** The values {@code ${{ }}} can name here. */
    record Context(Map<String, String> inputs, Map<String, Map<String, String>> steps, Map<String, String> github) {
        String evaluate(String text) {
            Matcher expression = EXPRESSION.matcher(text);
            StringBuilder result = new StringBuilder();
            while (expression.find()) {
                expression.appendReplacement(result, Matcher.quoteReplacement(value(expression.group(1))));
            }
            expression.appendTail(result);
            return result.toString();
        }

        private String value(String path) {
            String[] parts = path.split("\\.");
            return switch (parts[0]) {
                case "inputs" -> require(inputs, parts[1], path);
                case "github" -> require(github, parts[1], path);
                case "steps" -> {
                    if (parts.length != 4 || !parts[2].equals("outputs")) {
                        throw new IllegalArgumentException("unsupported expression " + path);
                    }
                    Map<String, String> outputs = steps.get(parts[1]);
                    if (outputs == null) {
                        throw new IllegalArgumentException("no step " + parts[1] + " before " + path);
                    }
                    yield outputs.getOrDefault(parts[3], "");
                }
                default -> throw new IllegalArgumentException("unsupported expression " + path);
            };
        }

        private static String require(Map<String, String> values, String key, String path) {
            if (!values.containsKey(key)) {
                throw new IllegalArgumentException("no value for " + path);
            }
            return values.get(key);
        }
    }

    /** A GitHub command file's entries: {@code name=value} and {@code name<<DELIMITER} heredocs. */
    static Map<String, String> commandFile(Path file) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int heredoc = line.indexOf("<<");
            int equals = line.indexOf('=');
            if (heredoc > 0 && (equals < 0 || heredoc < equals)) {
                String delimiter = line.substring(heredoc + 2);
                List<String> value = new ArrayList<>();
                while (!lines.get(++i).equals(delimiter)) {
                    value.add(lines.get(i));
                }
                entries.put(line.substring(0, heredoc), String.join("\n", value));
            } else if (equals > 0) {
                entries.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        return entries;
    }
}
