package io.ecrflow.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecrflow.testbed.registry.LocalRegistry;
import io.ecrflow.testbed.Testbed;
import io.ecrflow.testbed.neighbours.WebhookReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * EcrPlatformImage@1 run as the agent runs it, as a weekly pipeline would: against the Docker Engine, the
 * ECR test server, a docker-registry (HTTPS as upstream.ecrflow.test) standing in for the upstream registry (MCR), and a Teams
 * webhook on loopback. The second run builds on the first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EcrPlatformImageTaskIT {
    private static final String PREFIX = "6.0-bullseye-slim";

    private final String repository = "platform/runtime-" + UUID.randomUUID().toString().substring(0, 8);
    private final ServiceConnection connection = ServiceConnection.withExampleKeys();
    private Testbed testbed;
    private LocalRegistry upstream;
    private WebhookReceiver teams;
    private Path work;
    private Path sources;
    private String baseImage;
    private String baseDigest;
    private String digestOf100;

    @BeforeAll
    void startTheWorld() throws Exception {
        testbed = SharedTestbed.get();
        work = Files.createTempDirectory("ecrflow-platform-task-");
        sources = Files.createDirectories(work.resolve("s"));
        upstream = LocalRegistry.start(Files.createDirectories(work.resolve("upstream")));
        teams = new WebhookReceiver();
        baseImage = upstream.host() + "/dotnet/runtime:" + PREFIX;
        writePlatformImageAndTestApplication();
        baseDigest = publishUpstreamBase();
    }

    @AfterAll
    void stopTheWorld() throws Exception {
        teams.close();
        upstream.close();
        for (String tag : List.of(PREFIX + "-1.0.0", "6.0", "20261123.101", "latest")) {
            docker("rmi", "--force", testbed.registryHost() + "/" + repository + ":" + tag);
        }
        docker("rmi", "--force", baseImage);
        try (Stream<Path> paths = Files.walk(work)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    @Test
    @Order(1)
    void theFirstRunPublishes100ReportsItAsOutputsAndPostsACardWithoutEverShowingTheWebhook() throws Exception {
        StepResult step = platformImageStep("101").run();

        assertThat(step.exitCode()).as(step.toString()).isZero();
        assertThat(step.result()).contains("Succeeded");
        assertThat(step.errors()).isEmpty();
        String registry = testbed.registryHost();
        String versionTag = PREFIX + "-1.0.0";
        digestOf100 = step.outputs().get("digest");
        assertThat(digestOf100).matches("sha256:[0-9a-f]{64}");
        assertThat(step.outputs()).as("every declared output variable, and no other")
                .containsOnlyKeys(singleImageOutputs())
                .containsEntry("updated", "true")
                .containsEntry("version", "1.0.0")
                .containsEntry("versionTag", versionTag)
                .containsEntry("registry", registry)
                .containsEntry("imageUri", registry + "/" + repository + ":" + versionTag)
                .containsEntry("imageDigest", registry + "/" + repository + "@" + digestOf100)
                .containsEntry("tags", versionTag + ",6.0,20261123.101,latest")
                .containsEntry("baseImage", baseImage)
                .containsEntry("baseDigest", baseDigest);
        assertThat(step.stdout()).contains("Integration test passed");
        assertThat(Files.readString(Path.of(step.outputs().get("summaryFile")))).as("the run summary")
                .contains("| Decision | new version `" + versionTag + "` |", "| Base digest | `" + baseDigest + "` |",
                        digestOf100, "| Build | ", "| Test | ", "| Push | ", "| Size | ")
                .contains("| Repository | created: tags immutable except ");

        assertThat(testbed.tagsOf(repository)).containsExactlyInAnyOrder(versionTag, "6.0", "20261123.101", "latest");
        for (String tag : testbed.tagsOf(repository)) {
            assertThat(testbed.manifestDigest(repository, tag)).as("tag %s", tag).contains(digestOf100);
        }

        assertThat(teams.refused()).isEmpty();
        assertThat(teams.cards()).hasSize(1);
        JsonNode card = teams.cards().get(0).path("attachments").path(0).path("content");
        assertThat(facts(card)).containsEntry("Repository", repository).containsEntry("Version", versionTag)
                .containsEntry("Digest", digestOf100).containsEntry("Base image", baseImage).containsEntry("Base digest", baseDigest);
        assertThat(card.path("actions").path(0).path("url").asText())
                .isEqualTo("https://dev.azure.com/example/Platform%20Team/_build/results?buildId=101");
        assertWebhookRegisteredAsSecretBeforeTheRunnerPrintsAnythingAndNeverShown(step);
    }

    @Test
    @Order(2)
    void aSecondRunWithoutAnUpstreamChangeReportsNoUpdateAndSucceeds() throws Exception {
        List<String> tagsBefore = testbed.tagsOf(repository);

        StepResult step = platformImageStep("102").run();

        assertThat(step.exitCode()).as(step.toString()).isZero();
        assertThat(step.result()).contains("Succeeded");
        assertThat(step.errors()).isEmpty();
        assertThat(step.outputs()).containsOnlyKeys(singleImageOutputs())
                .containsEntry("updated", "false")
                .containsEntry("version", "1.0.0")
                .containsEntry("versionTag", PREFIX + "-1.0.0")
                .containsEntry("digest", digestOf100)
                .containsEntry("tags", "")
                .containsEntry("baseDigest", baseDigest);
        assertThat(step.stdout()).contains("Decision: no update").doesNotContain("Pushing");
        assertThat(Files.readString(Path.of(step.outputs().get("summaryFile")))).as("the run summary")
                .contains("| Repository | found: tags immutable except ").doesNotContain("| Size | ");
        assertThat(testbed.tagsOf(repository)).isEqualTo(tagsBefore);
        assertThat(teams.cards()).as("no card without a new version").hasSize(1);
        assertWebhookRegisteredAsSecretBeforeTheRunnerPrintsAnythingAndNeverShown(step);
    }

    @Test
    @Order(3)
    void anImagesFileSetsEachImagesOutputsUnderItsIdAllowedByTheTasksRestrictions() throws Exception {
        Files.writeString(sources.resolve("platform-images.yml"), """
                defaults:
                  versionPrefix: %s
                  extraTags: "6.0"
                images:
                  - id: net6_runtime
                    repository: %s
                    context: platform-images/net6/runtime
                    testDockerfile: shared/integration-tests/net6/Dockerfile
                  - id: net6_copy
                    repository: %s-copy
                    context: platform-images/net6/runtime
                """.formatted(PREFIX, repository, repository));

        StepResult step = AgentStep.main("EcrPlatformImage", sources)
                .serviceConnection(connection)
                .input("imagesFile", "platform-images.yml")
                .input("teamsWebhookUrl", teams.url())
                .variables(Pipelines.build("103", "main"))
                .variables(SharedTestbed.endpointVariables())
                .run();

        assertThat(step.exitCode()).as(step.toString()).isZero();
        assertThat(step.result()).contains("Succeeded");
        assertThat(RestrictedMode.violations(step, TaskManifest.named("EcrPlatformImage")))
                .as("commands the task's restrictions would refuse").isEmpty();
        Set<String> expected = new TreeSet<>(List.of("summaryFile", "updatedImages"));
        for (String id : List.of("net6_runtime", "net6_copy")) {
            singleImageOutputs().stream().filter(output -> !output.equals("summaryFile"))
                    .forEach(output -> expected.add(id + "_" + output));
        }
        assertThat(step.outputs()).containsOnlyKeys(expected)
                .containsEntry("updatedImages", "net6_copy")
                .containsEntry("net6_runtime_updated", "false")
                .containsEntry("net6_runtime_digest", digestOf100)
                .containsEntry("net6_copy_updated", "true")
                .containsEntry("net6_copy_versionTag", PREFIX + "-1.0.0");
        assertThat(Files.readString(Path.of(step.outputs().get("summaryFile")))).as("the run summary")
                .contains("### Platform image net6\\_runtime", "### Platform image net6\\_copy");
        for (String tag : List.of(PREFIX + "-1.0.0", "6.0", "latest")) {
            docker("rmi", "--force", testbed.registryHost() + "/" + repository + "-copy:" + tag);
        }
    }

    /** What a run of one image sets: every declared output but the list an images file's run gives. */
    private static List<String> singleImageOutputs() {
        return TaskManifest.named("EcrPlatformImage").outputVariables().stream()
                .filter(output -> !output.equals("updatedImages")).toList();
    }

    /** The step of the template's weekly pipeline for one platform image. */
    private AgentStep platformImageStep(String buildId) {
        return AgentStep.main("EcrPlatformImage", sources)
                .serviceConnection(connection)
                .input("repository", repository)
                .input("context", "platform-images/net6/runtime")
                .input("versionPrefix", PREFIX)
                .input("extraTags", "6.0\n$(Build.BuildNumber)")
                .input("testDockerfile", "shared/integration-tests/net6/Dockerfile")
                .input("testTimeout", "30")
                // the agent expands $(TEAMS_WEBHOOK_URI), a secret variable, into the input's value
                .input("teamsWebhookUrl", teams.url())
                .input("notifyOnFailure", "true")
                .variables(Pipelines.build(buildId, "main"))
                .variables(SharedTestbed.endpointVariables());
    }

    /**
     * The launcher prints its own lines (the connection's secret, the connection, Java) and starts the
     * runner; the runner registers every secret it was handed before its first other line.
     */
    private void assertWebhookRegisteredAsSecretBeforeTheRunnerPrintsAnythingAndNeverShown(StepResult step) {
        List<String> lines = step.lines();
        assertThat(lines).filteredOn(line -> line.contains(teams.secretPart()))
                .containsExactly("##vso[task.setsecret]" + teams.url());
        assertThat(step.stderr()).doesNotContain(teams.secretPart());
        int runnerStarts = indexOf(lines, "Using Java ") + 1;
        int registered = lines.indexOf("##vso[task.setsecret]" + teams.url());
        assertThat(runnerStarts).as(step.toString()).isPositive();
        assertThat(registered).isGreaterThanOrEqualTo(runnerStarts);
        assertThat(lines.subList(runnerStarts, registered)).allMatch(line -> line.startsWith("##vso[task.setsecret]"));
    }

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    private static Map<String, String> facts(JsonNode card) {
        Map<String, String> facts = new LinkedHashMap<>();
        for (JsonNode element : card.path("body")) {
            element.path("facts").forEach(fact -> facts.put(fact.path("title").asText(), fact.path("value").asText()));
        }
        return facts;
    }

    /**
     * The seed's layout: platform-images/net6/runtime FROM the upstream runtime image, and a test
     * application FROM the platform image (as applications name it) serving GET / on port 8080.
     */
    private void writePlatformImageAndTestApplication() throws IOException {
        Path platform = Files.createDirectories(sources.resolve("platform-images/net6/runtime"));
        Files.writeString(platform.resolve("Dockerfile"), """
                FROM %s
                RUN ["/bin/busybox", "sh", "-c", "/bin/busybox mkdir -p /www && echo platform > /etc/platform.txt"]
                """.formatted(baseImage));
        Path test = Files.createDirectories(sources.resolve("shared/integration-tests/net6"));
        Files.writeString(test.resolve("Dockerfile"), """
                FROM %s:%s
                RUN ["/bin/busybox", "sh", "-c", "echo ok > /www/index.html"]
                CMD ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]
                """.formatted(repository, PREFIX));
    }

    /** The upstream publisher's release of the base image; returns the digest its tag now points to. */
    private String publishUpstreamBase() throws Exception {
        Path context = Files.createDirectories(work.resolve("upstream-release"));
        Files.copy(Path.of("/bin/busybox"), context.resolve("busybox"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY busybox /bin/busybox\n");
        Docker built = docker("build", "-q", "-t", baseImage, context.toString());
        assertThat(built.exitCode()).as(built.output()).isZero();
        Docker pushed = docker("push", baseImage);
        assertThat(pushed.exitCode()).as(pushed.output()).isZero();
        return upstream.manifestDigest("dotnet/runtime", PREFIX).orElseThrow();
    }

    private record Docker(int exitCode, String output) {
    }

    /** The docker CLI, for what the test itself puts in or removes from the engine and the upstream registry. */
    private static Docker docker(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("docker " + args[0] + " did not finish:\n" + output);
        }
        return new Docker(process.exitValue(), output);
    }
}
