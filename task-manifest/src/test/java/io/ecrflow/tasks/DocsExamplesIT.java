package io.ecrflow.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecrflow.testbed.registry.LocalRegistry;
import io.ecrflow.testbed.apps.SampleApp;
import io.ecrflow.testbed.Testbed;
import io.ecrflow.testbed.neighbours.WebhookReceiver;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every YAML example of the user docs runs as written: its steps in order, the extension's tasks the way the agent
 * runs them against the test bed, its script steps through bash, with the variables Azure Pipelines would give the
 * job (predefined ones, the example's own, the secrets of its variable group, the outputs of its named steps).
 * Only the service connection stands for the test bed's, and the repository names get a suffix so that runs do not
 * share repositories. An example that cannot run here is listed in {@link #NOT_RUN} with the reason.
 */
class DocsExamplesIT {
    /** Examples that do not run here, and why. */
    static final Map<String, String> NOT_RUN = Map.of(
            "docs/coming-from-aws-toolkit.md#1", "a before-and-after of the AWS Toolkit's steps; its EcrBuildPush@1 step runs in ComingFromPagesIT",
            "docs/coming-from-docker-task.md#1", "a before-and-after of Docker@2; its EcrBuildPush@1 step runs in ComingFromPagesIT",
            "docs/coming-from-docker-task.md#2", "runs in ComingFromPagesIT, which runs Docker@2's build as that task does",
            "docs/credentials.md#3", "installs duploctl from PyPI and asks a DuploCloud tenant for keys; neither is reachable here",
            "docs/platform-image.md#1", "watches a base image on its upstream registry and queues dependent pipelines in Azure DevOps; "
                    + "EcrPlatformImageTaskIT and AzureDevOpsTaskIT run these against the test bed's stand-ins",
            "docs/platform-image.md#2", "needs the platform-images.yml the page describes around it, with upstream base images");

    /** Images an example expects in ECR before it runs, as the pipeline's earlier runs left them: repository and tag. */
    private static final Map<String, Map<String, String>> EARLIER_PUSHES = Map.of(
            "docs/tasks/EcrLogin.md#1", Map.of("team/base", "1.4"),
            "docs/tasks/EcrPromote.md#1", Map.of("team/web", Pipelines.COMMIT.substring(0, 8)),
            "docs/tasks/pipelines.md#4", Map.of("app-one", "$(Build.BuildId)"));

    /**
     * Secret variables (a variable group's, the pipeline's settings') the examples map into a step's env or name in
     * an input: never in a step's environment by themselves, as on the agent.
     */
    private static final Map<String, String> SECRETS = Map.of(
            "AWS_ACCESS_KEY_ID", ServiceConnection.EXAMPLE_ACCESS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY", ServiceConnection.EXAMPLE_SECRET_ACCESS_KEY,
            "AWS.SecretAccessKey", ServiceConnection.EXAMPLE_SECRET_ACCESS_KEY,
            "jitAccessKeyId", SharedTestbed.TEMPORARY_ACCESS_KEY_ID,
            "jitSecretAccessKey", SharedTestbed.TEMPORARY_SECRET_ACCESS_KEY,
            "jitSessionToken", SharedTestbed.SESSION_TOKEN);

    /**
     * Examples that keep a platform image in their sources, as the page describes them: its Dockerfile folder, and the
     * test application's Dockerfile. Their base image is on a registry standing in for the upstream one (MCR).
     */
    private static final Map<String, PlatformSources> PLATFORM_IMAGES = Map.of(
            "docs/tasks/EcrPlatformImage.md#1", new PlatformSources("platform-images/net6/runtime",
                    "shared/integration-tests/net6/Dockerfile", "dotnet/runtime", "6.0-bullseye-slim"));

    /** Values of the template parameters the examples use, as the pages declare them. */
    private static final Map<String, String> TEMPLATE_PARAMETERS = Map.of("${{ parameters.force_update }}", "false");

    private record PlatformSources(String context, String testDockerfile, String upstreamRepository, String upstreamTag) {
    }

    private static final Pattern MACRO = Pattern.compile("\\$\\(([A-Za-z0-9._]+)\\)");

    private final Testbed testbed = SharedTestbed.get();

    @TempDir
    Path sources;

    static List<DocsExample> runnable() {
        return DocsExample.all().stream().filter(example -> !NOT_RUN.containsKey(example.id())).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runnable")
    void theExampleRunsAsWritten(DocsExample example) throws Exception {
        new ExampleRun(example).run();
    }

    /** One run of an example: a job of its own, with a sources folder holding the app the example builds. */
    private final class ExampleRun {
        private final DocsExample example;
        private final String suffix = UUID.randomUUID().toString().substring(0, 8);
        /** Variables in every step's environment, by their environment names. */
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final Map<String, String> repositories = new LinkedHashMap<>();
        private final List<String> localImages = new ArrayList<>();
        private final Map<String, String> secrets = new LinkedHashMap<>(SECRETS);

        ExampleRun(DocsExample example) {
            this.example = example;
        }

        void run() throws Exception {
            sampleSources();
            String buildId = String.valueOf(ThreadLocalRandom.current().nextInt(100000, 1000000));
            environment.putAll(Pipelines.build(buildId, "main"));
            environment.put("BUILD_REPOSITORY_NAME", "web-" + suffix);
            environment.put("AGENT_TEMPDIRECTORY", sources.resolveSibling(sources.getFileName() + "-agent-temp").toString());
            environment.putAll(SharedTestbed.endpointVariables());
            environment.put("AWS_ENDPOINT_URL_ECR_PUBLIC", testbed.ecrPublicEndpoint().toString());
            example.variables().forEach((name, value) -> environment.put(environmentName(name), value));
            PlatformSources platform = PLATFORM_IMAGES.get(example.id());
            try (LocalRegistry upstream = platform == null ? null : LocalRegistry.start(Files.createDirectories(
                    sources.resolveSibling(sources.getFileName() + "-upstream")));
                 WebhookReceiver teams = new WebhookReceiver()) {
                secrets.put("TEAMS_WEBHOOK_URI", teams.url());
                if (platform != null) {
                    platformSources(platform, upstream);
                }
                for (Map.Entry<String, String> image : EARLIER_PUSHES.getOrDefault(example.id(), Map.of()).entrySet()) {
                    earlierPush(image.getKey(), image.getValue());
                }
                for (JsonNode step : example.steps()) {
                    if (DocsExample.isTaskStep(step)) {
                        task(step);
                    } else if (step.has("script")) {
                        script(step);
                    } else {
                        throw new AssertionError(example + ": a step this test does not know how to run: " + step);
                    }
                }
            } finally {
                for (String image : localImages) {
                    new ProcessBuilder("docker", "rmi", "--force", image).start().waitFor();
                }
            }
        }

        /** The platform image's Dockerfile on a base published upstream, and a test application on the new image. */
        private void platformSources(PlatformSources platform, LocalRegistry upstream) throws Exception {
            String base = upstream.host() + "/" + platform.upstreamRepository() + ":" + platform.upstreamTag();
            Path release = Files.createDirectories(sources.resolveSibling(sources.getFileName() + "-upstream-release"));
            Files.copy(Path.of("/bin/busybox"), release.resolve("busybox"));
            Files.writeString(release.resolve("Dockerfile"), "FROM scratch\nCOPY busybox /bin/busybox\n");
            localImages.add(base);
            command(List.of("docker", "build", "-q", "-t", base, release.toString()));
            command(List.of("docker", "push", base));
            Path context = Files.createDirectories(sources.resolve(platform.context()));
            Files.writeString(context.resolve("Dockerfile"), "FROM " + base + "\n"
                    + "RUN [\"/bin/busybox\", \"sh\", \"-c\", \"/bin/busybox mkdir -p /www && echo platform > /etc/platform.txt\"]\n");
            Path test = sources.resolve(platform.testDockerfile());
            Files.createDirectories(test.getParent());
            Files.writeString(test, "FROM " + base + "\n"
                    + "RUN [\"/bin/busybox\", \"sh\", \"-c\", \"echo ok > /www/index.html\"]\n"
                    + "CMD [\"/bin/busybox\", \"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]\n");
        }

        private void command(List<String> command) throws Exception {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor()).as("%s: %s\n%s", example, String.join(" ", command), out).isZero();
        }

        /** The sample app at the root of the sources and in src/, and the gallery texts an ECR Public example names. */
        private void sampleSources() throws IOException {
            SampleApp.create(sources, example.id());
            try (var files = Files.list(sources.resolve("src"))) {
                for (Path file : files.toList()) {
                    Files.copy(file, sources.resolve(file.getFileName()));
                }
            }
            Files.createDirectories(sources.resolve("docs"));
            Files.writeString(sources.resolve("docs/ABOUT.md"), "A tiny web server.\n");
            Files.writeString(sources.resolve("docs/USAGE.md"), "docker run -p 8080:8080 web\n");
        }

        private void earlierPush(String repository, String tag) throws Exception {
            StepResult result = AgentStep.main("EcrBuildPush", sources).variables(environment)
                    .serviceConnection(ServiceConnection.withExampleKeys())
                    .input("repository", repository(repository)).input("tags", tag).run();
            assertThat(result.exitCode()).as("%s: the earlier push of %s\n%s", example, repository, result).isZero();
        }

        private void task(JsonNode step) throws Exception {
            JsonNode inputs = step.path("inputs");
            AgentStep agentStep = AgentStep.main(DocsExample.taskName(step), sources).variables(environment);
            step.path("env").fields().forEachRemaining(variable ->
                    agentStep.variable(variable.getKey(), expanded(variable.getValue().asText())));
            // the agent hands a task every secret variable of the job as SECRET_<NAME>
            secrets.forEach((name, value) -> {
                if (example.yaml().contains(name)) {
                    agentStep.variable("SECRET_" + environmentName(name), value);
                }
            });
            List<String> pushedTo = new ArrayList<>();
            inputs.fields().forEachRemaining(input -> {
                String value = input.getValue().asText();
                switch (input.getKey()) {
                    case "awsConnection" -> agentStep.serviceConnection(ServiceConnection.withExampleKeys());
                    case "awsCredentials" -> agentStep.awsToolkitConnection(ServiceConnection.withExampleKeys());
                    case "region" -> { } // the test bed's endpoints decide where the calls go
                    case "repository", "sourceRepository" -> {
                        String name = value.contains("$(") ? expanded(value) : repository(value);
                        agentStep.input(input.getKey(), name);
                        pushedTo.add(name);
                    }
                    // the agent expands template expressions when it compiles the pipeline, and secret variables in inputs
                    default -> agentStep.input(input.getKey(), value.contains("${{") || secrets.keySet().stream()
                            .anyMatch(secret -> value.contains("$(" + secret + ")")) ? expanded(value) : value);
                }
            });

            StepResult result = agentStep.run();

            assertThat(result.exitCode()).as("%s: step %s\n%s", example, step.path("task").asText(), result).isZero();
            if (step.has("name")) {
                result.outputs().forEach((output, value) -> environment.put(environmentName(step.path("name").asText() + "." + output), value));
            }
            environment.putAll(result.jobVariables());
            if (inputs.path("public").asBoolean(false)) {
                assertThat(testbed.publicRepository(pushedTo.get(0))).as("%s: the public repository", example).isPresent();
            } else if (DocsExample.taskName(step).equals("EcrPlatformImage")) {
                assertThat(result.outputs()).as("%s: outputs", example).containsEntry("updated", "true");
                assertThat(testbed.tagsOf(pushedTo.get(0))).as("%s: tags of %s", example, pushedTo.get(0)).contains("latest");
            } else if (!DocsExample.taskName(step).equals("EcrLogin")) {
                assertThat(testbed.tagsOf(pushedTo.get(0))).as("%s: tags of %s", example, pushedTo.get(0)).isNotEmpty();
            }
        }

        private void script(JsonNode step) throws Exception {
            String script = expanded(step.path("script").asText());
            for (Map.Entry<String, String> repository : repositories.entrySet()) {
                script = script.replace("/" + repository.getKey() + ":", "/" + repository.getValue() + ":");
            }
            Matcher tagged = Pattern.compile("docker (?:build|tag) .*?-t (\\S+)|docker tag \\S+ (\\S+)").matcher(script);
            while (tagged.find()) {
                localImages.add(tagged.group(1) != null ? tagged.group(1) : tagged.group(2));
            }
            Map<String, String> env = new LinkedHashMap<>(environment);
            step.path("env").fields().forEachRemaining(variable -> env.put(variable.getKey(), expanded(variable.getValue().asText())));
            env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
            env.put("HOME", System.getProperty("user.home"));
            if (System.getenv("DOCKER_HOST") != null) {
                env.put("DOCKER_HOST", System.getenv("DOCKER_HOST"));
            }
            ProcessBuilder builder = new ProcessBuilder("bash", "-e", "-c", script).directory(sources.toFile()).redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().putAll(env);
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor()).as("%s: script\n%s\n%s", example, script, out).isZero();
        }

        /** The repository a name of the example stands for in this run. */
        private String repository(String name) {
            return repositories.computeIfAbsent(name, given -> given + "-" + suffix);
        }

        /** $(Name) as the agent expands it in a script or an env mapping: every variable the example relies on is set. */
        private String expanded(String text) {
            for (Map.Entry<String, String> parameter : TEMPLATE_PARAMETERS.entrySet()) {
                text = text.replace(parameter.getKey(), parameter.getValue());
            }
            Matcher macro = MACRO.matcher(text);
            StringBuilder expanded = new StringBuilder();
            while (macro.find()) {
                String name = macro.group(1);
                String value = secrets.containsKey(name) ? secrets.get(name) : environment.get(environmentName(name));
                assertThat(value).as("%s: variable %s, which the example relies on", example, name).isNotNull();
                macro.appendReplacement(expanded, Matcher.quoteReplacement(value));
            }
            return macro.appendTail(expanded).toString();
        }
    }

    /** The agent's environment name of a variable: {@code Build.BuildId} is {@code BUILD_BUILDID}. */
    static String environmentName(String variable) {
        return variable.replace('.', '_').toUpperCase(Locale.ROOT);
    }
}
