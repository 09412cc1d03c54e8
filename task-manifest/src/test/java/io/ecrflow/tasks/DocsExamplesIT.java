package io.ecrflow.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ecrflow.testbed.registry.LocalRegistry;
import io.ecrflow.testbed.apps.SampleApp;
import io.ecrflow.testbed.Testbed;
import io.ecrflow.testbed.neighbours.AzureDevOpsFront;
import io.ecrflow.testbed.neighbours.AzureDevOpsFront.QueuedRun;
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
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Every YAML example of the user docs runs as written: its steps in order, the extension's tasks the way the agent
 * runs them against the test bed, its script steps through bash, with the variables Azure Pipelines would give the
 * job (predefined ones, the example's own, the secrets of its variable group, the outputs of its named steps).
 * Only the service connection stands for the test bed's, the test bed's stand-ins answer for the upstream registry
 * and for Azure DevOps, and the repository names get a suffix so that runs do not share repositories. An example that
 * cannot run here is listed in {@link #NOT_RUN} with the reason.
 */
class DocsExamplesIT {
    /** Examples that do not run here, and why. */
    static final Map<String, String> NOT_RUN = Map.of(
            "docs/coming-from-aws-toolkit.md#1", "a before-and-after of the AWS Toolkit's steps; its EcrBuildPush@1 step runs in ComingFromPagesIT",
            "docs/coming-from-docker-task.md#1", "a before-and-after of Docker@2; its EcrBuildPush@1 step runs in ComingFromPagesIT",
            "docs/coming-from-docker-task.md#2", "runs in ComingFromPagesIT, which runs Docker@2's build as that task does",
            "docs/credentials.md#3", "installs duploctl from PyPI and asks a DuploCloud tenant for keys; neither is reachable here");

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
     * Examples that keep platform images in their sources, as the page describes them: each one's Dockerfile, its base
     * image, and its test application's Dockerfile. The base images are on a registry standing in for the upstream one.
     */
    private static final Map<String, List<PlatformSources>> PLATFORM_IMAGES = Map.of(
            "docs/tasks/EcrPlatformImage.md#1", List.of(new PlatformSources("platform-images/net6/runtime/Dockerfile",
                    "dotnet/runtime:6.0-bullseye-slim", "shared/integration-tests/net6/Dockerfile", 8080)),
            "docs/platform-image.md#1", List.of(new PlatformSources("Dockerfile", "dotnet/runtime:6.0-bullseye-slim", null, 0)),
            "docs/platform-image.md#2", List.of(
                    new PlatformSources("platform-images/net6/runtime/Dockerfile", "dotnet/runtime:6.0-bullseye-slim",
                            "shared/integration-tests/net6/Dockerfile", 8080),
                    new PlatformSources("platform-images/net6/sdk/Dockerfile", "dotnet/sdk:6.0-bullseye-slim",
                            "shared/integration-tests/net6-sdk/Dockerfile", 5000),
                    new PlatformSources("platform-images/net7/runtime/Dockerfile", "dotnet/runtime:7.0-bullseye-slim",
                            "shared/integration-tests/net7/Dockerfile", 8080),
                    new PlatformSources("platform-images/net7/runtime-deps/Dockerfile", "dotnet/runtime-deps:7.0-bullseye-slim",
                            "shared/integration-tests/net7-deps/Dockerfile", 8080)));

    /** The registry whose images the platform images' pages build on; the upstream stand-in answers for it. */
    private static final String UPSTREAM_REGISTRY = "mcr.microsoft.com";

    /** Images files the examples read, as their pages show them next to the example. */
    private static final Map<String, String> IMAGES_FILES = Map.of("docs/platform-image.md#2", "platform-images.yml");

    /**
     * The pipelines of the job's project that an example queues as dependents, in the order it queues them: the
     * Azure DevOps stand-in lists them, and each is expected queued on its branch with its template parameters.
     */
    private static final Map<String, List<Dependent>> DEPENDENTS = Map.of(
            "docs/platform-image.md#1", List.of(
                    new Dependent(42, "\\", "web-api", "refs/heads/main", Map.of("baseTag", "6.0")),
                    new Dependent(43, "\\Apps", "web-shop", null, Map.of()),
                    new Dependent(44, "\\", "orders-api", "refs/heads/release/2026", Map.of("note", "new base image"))),
            "docs/platform-image.md#2", List.of(
                    new Dependent(51, "\\", "orders-api", "refs/heads/main", Map.of()),
                    new Dependent(52, "\\", "billing-api", "refs/heads/main", Map.of("environment", "staging"))));

    /** Values of the template parameters the examples use, as the pages declare them. */
    private static final Map<String, String> TEMPLATE_PARAMETERS = Map.of("${{ parameters.force_update }}", "false");

    /** A platform image of the sources; {@code testDockerfile} null for none. */
    private record PlatformSources(String dockerfile, String base, String testDockerfile, int testPort) {
    }

    /** A pipeline of the project; {@code queuedOn} null for a run on its default branch. */
    private record Dependent(int id, String folder, String name, String queuedOn, Map<String, String> parameters) {
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
        /** The job's connection to Azure DevOps, which the agent hands every task step (and no script). */
        private final Map<String, String> jobConnection = new LinkedHashMap<>();

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
            List<PlatformSources> platform = PLATFORM_IMAGES.get(example.id());
            List<Dependent> dependents = DEPENDENTS.get(example.id());
            try (LocalRegistry upstream = platform == null ? null : LocalRegistry.start(Files.createDirectories(
                    sources.resolveSibling(sources.getFileName() + "-upstream")));
                 AzureDevOpsFront devops = dependents == null ? null : AzureDevOpsFront.start("contoso", "Platform Team");
                 WebhookReceiver teams = new WebhookReceiver()) {
                secrets.put("TEAMS_WEBHOOK_URI", teams.url());
                if (platform != null) {
                    platformSources(platform, upstream);
                }
                if (IMAGES_FILES.containsKey(example.id())) {
                    imagesFile(IMAGES_FILES.get(example.id()), upstream);
                }
                if (devops != null) {
                    project(devops, dependents);
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
                if (devops != null) {
                    queued(devops, dependents);
                }
            } finally {
                for (String image : localImages) {
                    new ProcessBuilder("docker", "rmi", "--force", image).start().waitFor();
                }
            }
        }

        /**
         * Each platform image's Dockerfile on a base published upstream, and a test application on the new image (an
         * application Dockerfile two images share names the first one's base).
         */
        private void platformSources(List<PlatformSources> platform, LocalRegistry upstream) throws Exception {
            Path release = Files.createDirectories(sources.resolveSibling(sources.getFileName() + "-upstream-release"));
            Files.copy(Path.of("/bin/busybox"), release.resolve("busybox"));
            Files.writeString(release.resolve("Dockerfile"), "FROM scratch\nCOPY busybox /bin/busybox\n");
            for (PlatformSources image : platform) {
                String base = upstream.host() + "/" + image.base();
                if (!localImages.contains(base)) {
                    localImages.add(base);
                    command(List.of("docker", "build", "-q", "-t", base, release.toString()));
                    command(List.of("docker", "push", base));
                }
                Path dockerfile = sources.resolve(image.dockerfile());
                Files.createDirectories(dockerfile.getParent());
                Files.writeString(dockerfile, "FROM " + base + "\n"
                        + "RUN [\"/bin/busybox\", \"sh\", \"-c\", \"/bin/busybox mkdir -p /www && echo platform > /etc/platform.txt\"]\n");
                if (image.testDockerfile() != null && !Files.exists(sources.resolve(image.testDockerfile()))) {
                    Path test = sources.resolve(image.testDockerfile());
                    Files.createDirectories(test.getParent());
                    Files.writeString(test, "FROM " + base + "\n"
                            + "RUN [\"/bin/busybox\", \"sh\", \"-c\", \"/bin/busybox mkdir -p /www && echo ok > /www/index.html\"]\n"
                            + "CMD [\"/bin/busybox\", \"httpd\", \"-f\", \"-p\", \"" + image.testPort() + "\", \"-h\", \"/www\"]\n");
                }
            }
        }

        /**
         * The images file as the page shows it, its repositories named for this run and its upstream registry the
         * stand-in's.
         */
        private void imagesFile(String name, LocalRegistry upstream) throws IOException {
            Matcher repository = Pattern.compile("(?m)^(\\s*repository: )(\\S+)$").matcher(DocsExample.file(example.page(), name));
            StringBuilder file = new StringBuilder();
            while (repository.find()) {
                repository.appendReplacement(file, Matcher.quoteReplacement(repository.group(1) + repository(repository.group(2))));
            }
            Files.writeString(sources.resolve(name), repository.appendTail(file).toString().replace(UPSTREAM_REGISTRY, upstream.host()));
        }

        /** The job in the stand-in's project, which holds the dependent pipelines, as the agent tells the task steps. */
        private void project(AzureDevOpsFront devops, List<Dependent> dependents) {
            dependents.forEach(pipeline -> devops.addPipeline(pipeline.id(), pipeline.name(), pipeline.folder(), "refs/heads/main"));
            environment.put("SYSTEM_COLLECTIONURI", devops.collectionUri());
            environment.put("SYSTEM_TEAMFOUNDATIONCOLLECTIONURI", devops.collectionUri());
            environment.put("SYSTEM_TEAMPROJECT", devops.project());
            environment.put("SYSTEM_TEAMPROJECTID", devops.projectId());
            environment.put("SYSTEM_HOSTTYPE", "build");
            environment.put("SYSTEM_PLANID", UUID.randomUUID().toString());
            environment.put("SYSTEM_TIMELINEID", UUID.randomUUID().toString());
            jobConnection.put("ENDPOINT_URL_SYSTEMVSSCONNECTION", devops.collectionUri());
            jobConnection.put("ENDPOINT_AUTH_SCHEME_SYSTEMVSSCONNECTION", "OAuth");
            jobConnection.put("ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN", devops.accessToken());
        }

        /** Each dependent queued once, in order, on its branch with its parameters, and the runs' pages in the outputs. */
        private void queued(AzureDevOpsFront devops, List<Dependent> dependents) {
            assertThat(devops.runs()).as("%s: the queued runs", example)
                    .extracting(QueuedRun::pipelineId, QueuedRun::refName, QueuedRun::templateParameters)
                    .containsExactlyElementsOf(dependents.stream().map(pipeline -> tuple(pipeline.id(),
                            Optional.ofNullable(pipeline.queuedOn()), pipeline.parameters())).toList());
            assertThat(devops.requests()).as("%s: calls to Azure DevOps", example)
                    .allSatisfy(request -> assertThat(request.authorized()).isTrue());
            assertThat(environment).as("%s: the queuedRuns output", example)
                    .containsValue(String.join(",", devops.runs().stream().map(QueuedRun::webUrl).toList()));
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
            AgentStep agentStep = AgentStep.main(DocsExample.taskName(step), sources).variables(environment).variables(jobConnection);
            if (!jobConnection.isEmpty()) {
                agentStep.variable("SYSTEM_TASKINSTANCEID", UUID.randomUUID().toString());
            }
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
            } else if (inputs.has("imagesFile")) {
                publishedEveryImage(inputs.path("imagesFile").asText(), result);
            } else if (DocsExample.taskName(step).equals("EcrPlatformImage")) {
                assertThat(result.outputs()).as("%s: outputs", example).containsEntry("updated", "true");
                assertThat(testbed.tagsOf(pushedTo.get(0))).as("%s: tags of %s", example, pushedTo.get(0)).contains("latest");
            } else if (!DocsExample.taskName(step).equals("EcrLogin")) {
                assertThat(testbed.tagsOf(pushedTo.get(0))).as("%s: tags of %s", example, pushedTo.get(0)).isNotEmpty();
            }
        }

        /** Every image of the file published its new version to its repository (the file's base images are all new). */
        private void publishedEveryImage(String imagesFile, StepResult result) throws IOException {
            Map<String, String> images = new LinkedHashMap<>();
            new ObjectMapper(new YAMLFactory()).readTree(sources.resolve(imagesFile).toFile()).path("images")
                    .forEach(image -> images.put(image.path("id").asText(), image.path("repository").asText()));
            assertThat(result.outputs().getOrDefault("updatedImages", "").split(","))
                    .as("%s: updatedImages", example).containsExactlyInAnyOrderElementsOf(images.keySet());
            images.forEach((id, repository) -> assertThat(testbed.tagsOf(repository)).as("%s: tags of %s", example, repository)
                    .contains(result.outputs().get(id + "_versionTag")));
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
