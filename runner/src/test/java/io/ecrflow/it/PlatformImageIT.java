package io.ecrflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrflow.testbed.registry.LocalRegistry;
import io.ecrflow.testbed.Testbed;
import io.ecrflow.testbed.registry.UpstreamFront;
import io.ecrflow.testbed.neighbours.WebhookReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code platform-image} end to end, through the life of one platform image: the real runner jar, the ECR
 * test bed, the Docker Engine, a Teams webhook on loopback, and a distribution registry at
 * upstream.ecrflow.test standing in for MCR — the test pushes a new base image there to play Microsoft's update.
 * The steps build on each other, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformImageIT {
    private static final String PREFIX = "6.0-bullseye-slim";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String repository = "platform/runtime-" + UUID.randomUUID().toString().substring(0, 8);
    private Testbed testbed;
    private LocalRegistry mcr;
    private WebhookReceiver teams;
    private Path work;
    private String baseImage;
    private String firstBaseDigest;
    private String updatedBaseDigest;
    private String digestOf100;
    private int buildId = 100;

    @BeforeAll
    void startTheWorld() throws Exception {
        testbed = TestBedFixture.testbed();
        work = Files.createTempDirectory("ecrflow-platform-it-");
        mcr = LocalRegistry.start(Files.createDirectories(work.resolve("mcr")));
        teams = new WebhookReceiver();
        baseImage = mcr.host() + "/dotnet/runtime:" + PREFIX;
        writePlatformImage();
        writeTestApplication("net6", "/www/index.html");
        writeTestApplication("broken", "/www/other.html");
    }

    @AfterAll
    void stopTheWorld() throws Exception {
        teams.close();
        mcr.close();
        for (String tag : List.of("1.0.0", "1.1.0", "1.2.0", "1.3.0", "1.4.0")) {
            DockerCli.run(Map.of(), "rmi", "--force", testbed.registryHost() + "/" + repository + ":" + PREFIX + "-" + tag);
        }
        for (String tag : List.of("6.0", "latest")) {
            DockerCli.run(Map.of(), "rmi", "--force", testbed.registryHost() + "/" + repository + ":" + tag);
        }
        DockerCli.run(Map.of(), "rmi", "--force", baseImage);
        try (Stream<Path> paths = Files.walk(work)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** The seed's layout: platform-images/net6/runtime with a Dockerfile FROM the upstream runtime image. */
    private void writePlatformImage() throws IOException {
        Path folder = Files.createDirectories(work.resolve("platform-images/net6/runtime"));
        Files.writeString(folder.resolve("Dockerfile"), """
                ARG UPSTREAM=%s
                FROM ${UPSTREAM}/dotnet/runtime:%s AS base
                RUN ["/bin/busybox", "sh", "-c", "/bin/busybox mkdir -p /app /www && echo platform > /app/platform.txt"]

                FROM base AS final
                ENV PORT=8080
                """.formatted(mcr.host(), PREFIX));
    }

    /** shared/integration-tests/NAME: an app FROM the platform image, serving {@code page} on port 8080. */
    private void writeTestApplication(String name, String page) throws IOException {
        Path folder = Files.createDirectories(work.resolve("shared/integration-tests/" + name));
        Files.writeString(folder.resolve("Dockerfile"), """
                FROM %s:%s
                RUN ["/bin/busybox", "sh", "-c", "echo ok > %s"]
                CMD ["/bin/busybox", "sh", "-c", "echo test application starting; exec /bin/busybox httpd -f -p 8080 -h /www"]
                """.formatted(repository, PREFIX, page));
    }

    /** Microsoft publishes a new runtime image under the same tag; returns its digest. */
    private String publishUpstreamBase(String release) throws Exception {
        Path context = Files.createDirectories(work.resolve("upstream-" + release));
        Files.copy(Path.of("/bin/busybox"), context.resolve("busybox"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(context.resolve("release"), release + "\n");
        Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY busybox /bin/busybox\nCOPY release /etc/base-release\n");
        DockerCli.Result built = DockerCli.run(Map.of(), "build", "-q", "-t", baseImage, context.toString());
        assertThat(built.exitCode()).as(built.output()).isZero();
        DockerCli.Result pushed = DockerCli.run(Map.of(), "push", baseImage);
        assertThat(pushed.exitCode()).as(pushed.output()).isZero();
        return mcr.manifestDigest("dotnet/runtime", PREFIX).orElseThrow();
    }

    /** The seed's pipeline, as the template would run it. */
    private RunnerProcess platformImage(String... more) {
        return platformImageOf(repository, more);
    }

    private RunnerProcess platformImageOf(String repository, String... more) {
        buildId++;
        List<String> args = new ArrayList<>(List.of("platform-image", "--repository", repository,
                "--context", "platform-images/net6/runtime", "--version-prefix", PREFIX,
                "--extra-tags", "6.0,$(Build.BuildNumber)", "--notify-on-failure", "true"));
        args.addAll(List.of(more));
        return runner(args.toArray(String[]::new))
                .env(TestBedFixture.awsEnvironment())
                .env(TestBedFixture.azurePipelineVariables(Integer.toString(buildId), "0123456789abcdef0123456789abcdef01234567"))
                .env("SYSTEM_COLLECTIONURI", "https://dev.azure.com/contoso/")
                .env("SYSTEM_TEAMPROJECT", "Platform Team")
                .env("INPUT_TEAMSWEBHOOKURL", teams.url())
                // as a task input, so that a step can override it on the command line
                .env("INPUT_TESTDOCKERFILE", "shared/integration-tests/net6/Dockerfile")
                .env("INPUT_TESTTIMEOUT", "30")
                .in(work);
    }

    private String tag(String version) {
        return PREFIX + "-" + version;
    }

    /** The labels of the image the engine holds under {@code reference}, with the repo digests it was pushed as. */
    private JsonNode inspect(String reference) throws Exception {
        DockerCli.Result result = DockerCli.run(Map.of(), "image", "inspect", reference);
        assertThat(result.exitCode()).as(result.output()).isZero();
        return JSON.readTree(result.output()).get(0);
    }

    private static Map<String, String> facts(JsonNode message) {
        Map<String, String> facts = new LinkedHashMap<>();
        for (JsonNode element : message.path("attachments").get(0).path("content").path("body")) {
            element.path("facts").forEach(fact -> facts.put(fact.path("title").asText(), fact.path("value").asText()));
        }
        return facts;
    }

    /** What Teams requires of a card posted to an incoming webhook (classic connector or Workflows). */
    private static void assertValidCard(JsonNode message) {
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("attachments")).hasSize(1);
        JsonNode attachment = message.path("attachments").get(0);
        assertThat(attachment.path("contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
        JsonNode card = attachment.path("content");
        assertThat(card.path("type").asText()).isEqualTo("AdaptiveCard");
        assertThat(card.path("version").asText()).isEqualTo("1.4");
        assertThat(card.path("$schema").asText()).isEqualTo("http://adaptivecards.io/schemas/adaptive-card.json");
        assertThat(card.path("body").isArray()).isTrue();
        assertThat(card.path("body")).isNotEmpty().allSatisfy(element -> {
            assertThat(element.path("type").asText()).isIn("TextBlock", "FactSet");
            if (element.path("type").asText().equals("TextBlock")) {
                assertThat(element.path("text").asText()).isNotBlank();
            } else {
                assertThat(element.path("facts")).allSatisfy(fact -> {
                    assertThat(fact.path("title").isTextual()).isTrue();
                    assertThat(fact.path("value").isTextual()).isTrue();
                });
            }
        });
        assertThat(card.path("actions")).allSatisfy(action -> {
            assertThat(action.path("type").asText()).isEqualTo("Action.OpenUrl");
            assertThat(URI.create(action.path("url").asText()).isAbsolute()).isTrue();
        });
    }

    private void assertTestContainersAndImagesRemoved() throws Exception {
        DockerCli.Result containers = DockerCli.run(Map.of(), "ps", "-a", "-q", "--filter", "label=io.ecrflow.purpose=integration-test");
        assertThat(containers.output().strip()).isEmpty();
        DockerCli.Result images = DockerCli.run(Map.of(), "images", "-q", "ecrflow-test/" + repository);
        assertThat(images.output().strip()).isEmpty();
    }

    private void assertWebhookUrlOnlyRegisteredAsSecret(RunResult result) {
        assertThat(result.all().lines().filter(line -> line.contains(teams.secretPart())))
                .containsExactly("##vso[task.setsecret]" + teams.url());
    }

    @Test
    @Order(1)
    void theFirstRunCreatesTheRepositoryAndPublishes100WithItsBaseDigestInTheLabels() throws Exception {
        firstBaseDigest = publishUpstreamBase("2026-11-01");

        RunResult result = platformImage().run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        String registry = testbed.registryHost();
        String versionRef = registry + "/" + repository + ":" + tag("1.0.0");
        Map<String, String> outputs = result.outputs();
        assertThat(outputs).containsEntry("updated", "true").containsEntry("version", "1.0.0")
                .containsEntry("versionTag", tag("1.0.0")).containsEntry("registry", registry)
                .containsEntry("imageUri", versionRef).containsEntry("baseDigest", firstBaseDigest)
                .containsEntry("baseImage", baseImage)
                .containsEntry("tags", tag("1.0.0") + ",6.0,20261123.101,latest");
        digestOf100 = outputs.get("digest");
        assertThat(outputs.get("imageDigest")).isEqualTo(registry + "/" + repository + "@" + digestOf100);
        assertThat(result.stdout()).contains("does not exist yet").contains("first version 1.0.0")
                .contains("Integration test passed").contains("##vso[task.complete result=Succeeded;]");

        assertThat(testbed.repository(repository)).hasValueSatisfying(r -> assertThat(r.scanOnPush()).isTrue());
        // a new platform-image repository: version tags never move, the tags every version takes over do
        assertThat(testbed.repository(repository)).hasValueSatisfying(r -> {
            assertThat(r.mutability()).isEqualTo("IMMUTABLE_WITH_EXCLUSION");
            assertThat(r.mutabilityExclusions()).containsExactly("latest", "6.0");
            assertThat(r.immutable(tag("1.0.0"))).isTrue();
        });
        assertThat(testbed.tagsOf(repository)).containsExactlyInAnyOrder(tag("1.0.0"), "6.0", "20261123.101", "latest");
        for (String tag : List.of(tag("1.0.0"), "6.0", "20261123.101", "latest")) {
            assertThat(testbed.manifestDigest(repository, tag)).contains(digestOf100);
        }
        // one upload by the engine; every further tag is the same manifest written under that tag
        List<String> writes = result.lines().stream()
                .filter(l -> l.startsWith("Pushing " + registry) || l.startsWith("Wrote tag " + registry)
                        || l.startsWith("Tagged " + registry)).toList();
        // (on containerd's store the image goes up by digest, then the first tag is one manifest write too)
        assertThat(writes).containsExactly((TestBedTest.onCurrentEngine() ? "Wrote tag " : "Pushing ") + versionRef + " (1 of 4)",
                "Tagged " + registry + "/" + repository + ":6.0 (2 of 4): the same manifest, nothing uploaded",
                "Tagged " + registry + "/" + repository + ":20261123.101 (3 of 4): the same manifest, nothing uploaded",
                "Tagged " + registry + "/" + repository + ":latest (4 of 4): the same manifest, nothing uploaded");

        JsonNode image = inspect(versionRef);
        assertThat(image.path("RepoDigests").toString()).contains(repository + "@" + digestOf100);
        JsonNode labels = image.path("Config").path("Labels");
        assertThat(labels.path("org.opencontainers.image.base.digest").asText()).isEqualTo(firstBaseDigest);
        assertThat(labels.path("org.opencontainers.image.base.name").asText()).isEqualTo(baseImage);
        assertThat(labels.path("org.opencontainers.image.version").asText()).isEqualTo(tag("1.0.0"));

        assertThat(teams.refused()).isEmpty();
        assertThat(teams.cards()).hasSize(1);
        JsonNode card = teams.cards().get(0);
        assertValidCard(card);
        assertThat(facts(card)).containsEntry("Repository", repository).containsEntry("Version", tag("1.0.0"))
                .containsEntry("Digest", digestOf100).containsEntry("Base image", baseImage)
                .containsEntry("Base digest", firstBaseDigest);
        assertThat(card.path("attachments").get(0).path("content").path("actions").get(0).path("url").asText())
                .isEqualTo("https://dev.azure.com/contoso/Platform%20Team/_build/results?buildId=101");
        assertWebhookUrlOnlyRegisteredAsSecret(result);
        assertTestContainersAndImagesRemoved();
    }

    @Test
    @Order(2)
    void anUnchangedBaseImageEndsTheRunQuicklyWithoutTouchingTheEngineOrTheRepository() throws Exception {
        List<String> tagsBefore = testbed.tagsOf(repository);
        int cardsBefore = teams.cards().size();

        // No engine at all: a run that needs none must not notice.
        RunResult result = platformImage().env("DOCKER_HOST", "unix://" + work.resolve("no-engine.sock")).run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outputs()).containsEntry("updated", "false").containsEntry("version", "1.0.0")
                .containsEntry("baseDigest", firstBaseDigest)
                .containsEntry("imageDigest", testbed.registryHost() + "/" + repository + "@" + digestOf100);
        assertThat(result.stdout()).contains("digest upstream now:  " + firstBaseDigest)
                .contains("digest " + tag("1.0.0") + " was built on: " + firstBaseDigest)
                .contains("Decision: no update").doesNotContain("Pushing")
                .contains("##vso[task.complete result=Succeeded;]");
        assertThat(testbed.tagsOf(repository)).isEqualTo(tagsBefore);
        assertThat(teams.cards()).hasSize(cardsBefore);
    }

    @Test
    @Order(3)
    void anUpstreamUpdateIsPublishedAs110WithTheNewBaseDigest() throws Exception {
        updatedBaseDigest = publishUpstreamBase("2026-11-15");
        assertThat(updatedBaseDigest).isNotEqualTo(firstBaseDigest);

        RunResult result = platformImage().run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        Map<String, String> outputs = result.outputs();
        assertThat(outputs).containsEntry("updated", "true").containsEntry("version", "1.1.0")
                .containsEntry("baseDigest", updatedBaseDigest);
        assertThat(result.stdout()).contains("was built on: " + firstBaseDigest).contains("updated upstream");
        String digest = outputs.get("digest");
        assertThat(testbed.manifestDigest(repository, tag("1.1.0"))).contains(digest);
        assertThat(testbed.manifestDigest(repository, "latest")).contains(digest);
        assertThat(testbed.manifestDigest(repository, "6.0")).contains(digest);
        assertThat(testbed.manifestDigest(repository, tag("1.0.0"))).contains(digestOf100);
        assertThat(inspect(outputs.get("imageUri")).path("Config").path("Labels")
                .path("org.opencontainers.image.base.digest").asText()).isEqualTo(updatedBaseDigest);
        assertThat(facts(teams.cards().get(teams.cards().size() - 1))).containsEntry("Version", tag("1.1.0"))
                .containsEntry("Base digest", updatedBaseDigest);
    }

    @Test
    @Order(4)
    void forceUpdatePublishes120WithoutComparingTheBase() throws Exception {
        RunResult result = platformImage("--force-update").run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outputs()).containsEntry("updated", "true").containsEntry("version", "1.2.0")
                .containsEntry("baseDigest", updatedBaseDigest);
        assertThat(result.stdout()).contains("forceUpdate is set").doesNotContain("was built on");
        assertThat(testbed.tagsOf(repository)).contains(tag("1.0.0"), tag("1.1.0"), tag("1.2.0"));
        assertThat(testbed.manifestDigest(repository, "latest")).contains(result.outputs().get("digest"));
    }

    @Test
    @Order(5)
    void aTestApplicationThatNeverAnswers200PublishesNothingShowsItsLogAndPostsAFailureCard() throws Exception {
        List<String> tagsBefore = testbed.tagsOf(repository);
        String latestBefore = testbed.manifestDigest(repository, "latest").orElseThrow();
        int cardsBefore = teams.cards().size();

        RunResult result = platformImage("--force-update", "--test-dockerfile", "shared/integration-tests/broken/Dockerfile",
                "--test-path", "/health", "--test-timeout", "5").run();

        assertThat(result.exitCode()).isNotZero();
        assertThat(String.join("\n", result.errors())).contains("integration test failed").contains("404")
                .contains("nothing was published");
        assertThat(result.stdout()).contains("| test application starting").doesNotContain("Pushing")
                .contains("##vso[task.complete result=Failed;]");
        assertThat(testbed.tagsOf(repository)).isEqualTo(tagsBefore).doesNotContain(tag("1.3.0"));
        assertThat(testbed.manifestDigest(repository, "latest")).contains(latestBefore);

        assertThat(teams.cards()).hasSize(cardsBefore + 1);
        JsonNode card = teams.cards().get(cardsBefore);
        assertValidCard(card);
        JsonNode title = card.path("attachments").get(0).path("content").path("body").get(0);
        assertThat(title.path("text").asText()).isEqualTo("Platform image " + repository + " failed");
        assertThat(title.path("color").asText()).isEqualTo("Attention");
        assertThat(card.toString()).contains("integration test failed");
        assertWebhookUrlOnlyRegisteredAsSecret(result);
        assertTestContainersAndImagesRemoved();
        assertThat(Set.copyOf(testbed.tagsOf(repository))).hasSize(tagsBefore.size());
    }

    @Test
    @Order(6)
    void aPublicationThatStoppedBeforeLatestIsFinishedByItsRerunAndALaterRunLeavesARollbackAlone() throws Exception {
        String newestBase = publishUpstreamBase("2026-12-01");
        // the registry fails every attempt at latest, the last tag of the publication
        testbed.failManifestWrites(repository, "latest", 500, 5);
        int cardsBefore = teams.cards().size();

        RunResult failed = platformImage().run();

        assertThat(failed.exitCode()).isNotZero();
        assertThat(String.join("\n", failed.errors())).contains("refused to tag").contains(":latest (500")
                .contains("Tags already in the registry").contains(tag("1.3.0"));
        String digestOf130 = testbed.manifestDigest(repository, tag("1.3.0")).orElseThrow();
        assertThat(testbed.manifestDigest(repository, "6.0")).contains(digestOf130);
        assertThat(testbed.manifestDigest(repository, "latest")).isNotEqualTo(java.util.Optional.of(digestOf130));
        List<String> tagsAfterFailure = testbed.tagsOf(repository);

        RunResult rerun = rerunOfTheLastRun().run();

        assertThat(rerun.exitCode()).as(rerun.toString()).isZero();
        assertThat(rerun.outputs()).containsEntry("updated", "true").containsEntry("version", "1.3.0")
                .containsEntry("digest", digestOf130).containsEntry("baseDigest", newestBase);
        assertThat(rerun.stdout()).contains("an earlier run stopped before publishing them")
                .doesNotContain("Built image").doesNotContain("Pushing ")
                .contains("Tagged " + testbed.registryHost() + "/" + repository + ":latest");
        assertThat(testbed.manifestDigest(repository, "latest")).contains(digestOf130);
        // exactly the tags the version was built to get: no build number of this later run, no 1.4.0
        List<String> added = new ArrayList<>(testbed.tagsOf(repository));
        added.removeAll(tagsAfterFailure);
        assertThat(added).isEmpty();
        assertThat(teams.cards()).hasSize(cardsBefore + 2);
        assertThat(facts(teams.cards().get(cardsBefore + 1))).containsEntry("Version", tag("1.3.0"))
                .containsEntry("Digest", digestOf130);

        RunResult third = platformImage().run();
        assertThat(third.exitCode()).as(third.toString()).isZero();
        assertThat(third.outputs()).containsEntry("updated", "false");
        assertThat(third.stdout()).contains("Decision: no update");

        // a person rolls latest back to 1.2.0 with promote: the next scheduled run leaves it there
        String digestOf120 = testbed.manifestDigest(repository, tag("1.2.0")).orElseThrow();
        RunResult rollback = runner("promote", "--source-repository", repository, "--source-tag", tag("1.2.0"),
                "--tags", "latest").env(TestBedFixture.awsEnvironment()).in(work).run();
        assertThat(rollback.exitCode()).as(rollback.toString()).isZero();

        RunResult afterRollback = platformImage().run();

        assertThat(afterRollback.exitCode()).as(afterRollback.toString()).isZero();
        assertThat(afterRollback.outputs()).containsEntry("updated", "false");
        assertThat(afterRollback.stdout()).contains("latest points at " + digestOf120 + ", not " + tag("1.3.0")
                + ": left where it is").contains("Decision: no update").doesNotContain("Tagged ");
        assertThat(testbed.manifestDigest(repository, "latest")).contains(digestOf120);
        assertThat(testbed.manifestDigest(repository, "6.0")).contains(digestOf130);
    }

    /** The last run again, as Azure Pipelines reruns a failed job: the same Build.BuildId. */
    private RunnerProcess rerunOfTheLastRun(String... more) {
        buildId--;
        return platformImage(more);
    }

    @Test
    @Order(7)
    void aVersionTagAnotherRunPublishedAtTheSameMomentStopsTheRunBeforeAnyMovingTag() throws Exception {
        String latestBefore = testbed.manifestDigest(repository, "latest").orElseThrow();
        // another run of this pipeline lands its 1.4.0 a moment after this run's push
        testbed.overwriteAfterNextWrite(repository, tag("1.4.0"), tag("1.0.0"));

        RunResult result = platformImage("--force-update").run();

        assertThat(result.exitCode()).as(result.toString()).isNotZero();
        assertThat(String.join("\n", result.errors())).contains("another run published the same tag at the same moment")
                .contains("lockBehavior: sequential");
        assertThat(testbed.manifestDigest(repository, "latest")).contains(latestBefore);
        assertThat(testbed.manifestDigest(repository, tag("1.4.0"))).contains(digestOf100);
        assertThat(result.stdout()).doesNotContain("Tagged ");
    }

    @Test
    @Order(8)
    void anUpstreamPushBetweenTheCheckAndTheBuildDoesNotChangeWhatIsBuilt() throws Exception {
        // what the upstream will have pushed under the watched tag by the time the build pulls it
        String later = PREFIX + "-pushed-meanwhile";
        Path context = Files.createDirectories(work.resolve("upstream-meanwhile"));
        Files.copy(Path.of("/bin/busybox"), context.resolve("busybox"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(context.resolve("release"), "pushed-meanwhile\n");
        Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY busybox /bin/busybox\nCOPY release /etc/base-release\n");
        String laterImage = mcr.host() + "/dotnet/runtime:" + later;
        assertThat(DockerCli.run(Map.of(), "build", "-q", "-t", laterImage, context.toString()).exitCode()).isZero();
        assertThat(DockerCli.run(Map.of(), "push", laterImage).exitCode()).isZero();
        String checked = mcr.manifestDigest("dotnet/runtime", PREFIX).orElseThrow();
        String meanwhile = mcr.manifestDigest("dotnet/runtime", later).orElseThrow();
        assertThat(meanwhile).isNotEqualTo(checked);

        try (UpstreamFront upstream = UpstreamFront.of(mcr)) {
            // the check's read sees the base as it is; every read after it, the image pushed meanwhile
            upstream.moveTagAfterFirstRead("dotnet/runtime", PREFIX, later);
            RunResult result = platformImage("--build-args", "UPSTREAM=" + upstream.host()).run();

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.outputs()).containsEntry("updated", "true").containsEntry("baseDigest", checked);
            String versionRef = testbed.registryHost() + "/" + repository + ":" + tag(result.outputs().get("version"));
            JsonNode labels = inspect(versionRef).path("Config").path("Labels");
            assertThat(labels.path("org.opencontainers.image.base.digest").asText()).isEqualTo(checked);
            DockerCli.Result release = DockerCli.run(Map.of(), "run", "--rm", versionRef, "/bin/busybox", "cat",
                    "/etc/base-release");
            assertThat(release.output()).as("the base the image was built on").doesNotContain("pushed-meanwhile")
                    .contains("2026-12-01");
            assertThat(result.stdout()).contains("@" + checked + ", the digest checked");
            DockerCli.run(Map.of(), "rmi", "--force", versionRef);
        } finally {
            DockerCli.run(Map.of(), "rmi", "--force", laterImage);
        }
        try (Stream<Path> pinned = Files.list(work.resolve("platform-images/net6/runtime"))) {
            assertThat(pinned.map(p -> p.getFileName().toString())).containsExactly("Dockerfile");
        }
    }

    @Test
    @Order(9)
    void withoutPushingTheNextVersionIsBuiltAndTestedAndNothingIsPublished() throws Exception {
        String proposed = repository + "-proposed";
        // a test application FROM the base image, which the run replaces with the version it built
        Path app = Files.createDirectories(work.resolve("shared/integration-tests/proposed"));
        Files.writeString(app.resolve("Dockerfile"), """
                FROM %s
                RUN ["/bin/busybox", "sh", "-c", "echo ok > /www/index.html"]
                CMD ["/bin/busybox", "sh", "-c", "exec /bin/busybox httpd -f -p 8080 -h /www"]
                """.formatted(baseImage));
        int cardsBefore = teams.cards().size();

        RunResult result = platformImageOf(proposed, "--push", "false", "--keep-versions", "3", "--registry-cache", "true",
                "--builder", "buildkit")
                .env("INPUT_TESTDOCKERFILE", "shared/integration-tests/proposed/Dockerfile").run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        String versionRef = testbed.registryHost() + "/" + proposed + ":" + tag("1.0.0");
        assertThat(result.outputs()).containsEntry("updated", "false").containsEntry("version", "1.0.0")
                .containsEntry("imageUri", versionRef).containsEntry("tags", tag("1.0.0") + ",6.0,20261123." + buildId
                        + ",latest")
                .doesNotContainKey("digest").doesNotContainKey("imageDigest");
        assertThat(result.stdout()).contains("Integration test passed")
                .contains("push is false: built and tested").contains("nothing is published")
                .doesNotContain("Pushing ").doesNotContain("Wrote tag ").doesNotContain("Tagged ")
                .contains("##vso[task.complete result=Succeeded;]");
        String summaryFile = result.lines().stream().filter(line -> line.startsWith("##vso[task.uploadsummary]"))
                .findFirst().orElseThrow().substring("##vso[task.uploadsummary]".length());
        assertThat(Files.readString(Path.of(summaryFile)))
                .contains("`" + tag("1.0.0") + "` built and tested, nothing published (push is false)");
        // ECR holds nothing: no repository, so no tag, no lifecycle policy, no registry cache
        assertThat(testbed.repository(proposed)).isEmpty();
        assertThat(teams.cards()).hasSize(cardsBefore);
        assertTestContainersAndImagesRemoved();
        DockerCli.run(Map.of(), "rmi", "--force", versionRef);
    }
}
