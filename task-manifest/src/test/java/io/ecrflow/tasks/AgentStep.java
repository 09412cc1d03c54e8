package io.ecrflow.tasks;

import io.ecrflow.testbed.net.TestbedTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One task step run the way the Azure Pipelines agent runs it: an environment built from the task.json
 * defaults and the given inputs ({@code INPUT_<NAME>}), the service connection as {@code ENDPOINT_*}
 * variables, the agent's pipeline variables, and the Node.js of the step's handler started on its target
 * in the staged task folder, in the sources folder. The handler is the newest the task declares, as on a
 * current agent, unless a test picks an older one (an agent that lacks the newest).
 */
final class AgentStep {
    private static final Pattern MACRO = Pattern.compile("\\$\\(([^)]+)\\)");
    private final TaskManifest task;
    private final String stage;
    private final Map<String, String> inputs = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Path sources;
    private Path taskFolder;
    private NodeHandler handler;

    private AgentStep(TaskManifest task, String stage, Path sources) {
        this.task = task;
        this.stage = stage;
        this.sources = sources;
        this.handler = task.nodeHandlers(stage).get(0);
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("HOME", System.getProperty("user.home"));
        if (System.getenv("DOCKER_HOST") != null) {
            env.put("DOCKER_HOST", System.getenv("DOCKER_HOST"));
        }
        // the test bed's registries speak HTTPS with a test CA, which the agent machine's environment trusts
        // the aws CLI's way (AWS_CA_BUNDLE), as a self-hosted agent behind a TLS-inspecting proxy would
        TestbedTls tls = TestbedTls.fromEnvironment();
        env.put("AWS_CA_BUNDLE", tls.caFile().toString());
        env.put(TestbedTls.ENVIRONMENT_VARIABLE, tls.folder().toString());
        // hosted agents announce their JDKs this way; JAVA_HOME itself is usually a Java 8 or 11 there
        env.put("JAVA_HOME_17_X64", System.getProperty("java.home"));
        env.put("TF_BUILD", "True");
        env.put("AGENT_OS", "Linux");
        env.put("SYSTEM_TEAMFOUNDATIONCOLLECTIONURI", "https://dev.azure.com/example/");
        env.put("SYSTEM_COLLECTIONURI", "https://dev.azure.com/example/");
        env.put("SYSTEM_TEAMPROJECT", "Platform Team");
        env.put("BUILD_SOURCESDIRECTORY", sources.toString());
        env.put("SYSTEM_DEFAULTWORKINGDIRECTORY", sources.toString());
        env.put("AGENT_TEMPDIRECTORY", sources.resolveSibling(sources.getFileName() + "-agent-temp").toString());
    }

    /** The task's main step, run in {@code sources} (the agent's default working folder). */
    static AgentStep main(String taskName, Path sources) {
        return new AgentStep(TaskManifest.named(taskName), "execution", sources);
    }

    /** The task's post-job step, which the agent runs after the job's other steps, even when they failed. */
    static AgentStep postJob(String taskName, Path sources) {
        return new AgentStep(TaskManifest.named(taskName), "postjobexecution", sources);
    }

    /** An input as a pipeline's YAML gives it: by its name or an alias, which the agent maps to the input's name. */
    AgentStep input(String name, String value) {
        TaskInput input = task.inputNamedInYaml(name)
                .orElseThrow(() -> new IllegalArgumentException(task + " has no input " + name));
        inputs.put(input.name(), value);
        return this;
    }

    AgentStep serviceConnection(ServiceConnection connection) {
        input("awsConnection", connection.id());
        env.putAll(connection.environment());
        return this;
    }

    /** An AWS Toolkit connection (type AWS), chosen in the input the Toolkit's tasks name {@code awsCredentials}. */
    AgentStep awsToolkitConnection(ServiceConnection connection) {
        input("awsCredentials", connection.id());
        env.putAll(connection.environment());
        return this;
    }

    /** A service connection the job has for another task: the agent hands it to every step whose inputs name it. */
    AgentStep otherEndpoint(ServiceConnection connection) {
        env.putAll(connection.environment());
        return this;
    }

    /** A variable the agent puts in the step's environment (pipeline variable, machine variable, task variable). */
    AgentStep variable(String name, String value) {
        env.put(name, value);
        return this;
    }

    AgentStep variables(Map<String, String> values) {
        env.putAll(values);
        return this;
    }

    AgentStep withoutVariable(String name) {
        env.remove(name);
        return this;
    }

    /** Runs the step on this handler of the task, as an agent that has no newer one does. */
    AgentStep onHandler(NodeHandler olderHandler) {
        if (!task.nodeHandlers(stage).contains(olderHandler)) {
            throw new IllegalArgumentException(task + " declares no " + olderHandler + " handler in " + stage);
        }
        handler = olderHandler;
        return this;
    }

    /** Runs the task from this folder (a copy of its staged folder) instead of the shared staged one. */
    AgentStep fromTaskFolder(Path folder) {
        taskFolder = folder;
        return this;
    }

    Path agentTempDirectory() {
        return Path.of(env.get("AGENT_TEMPDIRECTORY"));
    }

    StepResult run() throws IOException, InterruptedException {
        Files.createDirectories(agentTempDirectory());
        Map<String, String> environment = new LinkedHashMap<>(env);
        for (TaskInput input : task.inputs()) {
            // the agent sets every declared input: the value given, else the manifest's default
            environment.put(input.environmentName(), expandMacros(inputs.getOrDefault(input.name(), input.defaultValue()), env));
        }
        Path folder = taskFolder != null ? taskFolder : StagedExtension.taskFolder(task);
        Path script = folder.resolve(task.nodeTarget(stage, handler));
        List<String> command = List.of(handler.node().toString(), script.toString());
        ProcessBuilder builder = new ProcessBuilder(command).directory(sources.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        Path out = Files.createTempFile("ecrflow-step-out", ".txt");
        Path err = Files.createTempFile("ecrflow-step-err", ".txt");
        try {
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(4, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(task + " step did not finish in 4 minutes");
            }
            return new StepResult(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * The agent replaces {@code $(Name)} in input values with the variable's value when the variable
     * exists ({@code Build.BuildId} from {@code BUILD_BUILDID}) and leaves any other text alone.
     */
    private static String expandMacros(String value, Map<String, String> variables) {
        Matcher macro = MACRO.matcher(value);
        StringBuilder expanded = new StringBuilder();
        while (macro.find()) {
            String variable = variables.get(macro.group(1).replace('.', '_').toUpperCase(Locale.ROOT));
            macro.appendReplacement(expanded, Matcher.quoteReplacement(variable != null ? variable : macro.group()));
        }
        return macro.appendTail(expanded).toString();
    }
}
