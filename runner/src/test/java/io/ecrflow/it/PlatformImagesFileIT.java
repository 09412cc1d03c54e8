package io.ecrflow.it;

import io.ecrflow.testbed.registry.LocalRegistry;
import io.ecrflow.testbed.registry.RegistryRequest;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code platform-image --images-file} end to end: twenty platform images in one file, each FROM its own tag
 * of an upstream image in a distribution registry at upstream.ecrflow.test (playing MCR), published to the ECR test
 * bed by the real runner jar with the Docker Engine. The steps build on each other, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformImagesFileIT {
    private static final int IMAGES = 20;
    private static final Pattern GROUP = Pattern.compile("^##\\[group]Platform image (\\w+)$");

    private final String fleet = "fleet-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<String> ids = IntStream.rangeClosed(1, IMAGES).mapToObj(i -> "img%02d".formatted(i)).toList();
    private Testbed testbed;
    private LocalRegistry mcr;
    private WebhookReceiver teams;
    private Path work;
    private String upstream;
    private int buildId = 500;

    @BeforeAll
    void startTheWorld() throws Exception {
        testbed = TestBedFixture.testbed();
        work = Files.createTempDirectory("ecrflow-images-file-it-");
        Files.createDirectories(work.resolve("agent-temp"));
        mcr = LocalRegistry.start(Files.createDirectories(work.resolve("mcr")));
        teams = new WebhookReceiver();
        upstream = mcr.host() + "/dotnet/base";
        for (String id : ids) {
            Path folder = Files.createDirectories(work.resolve("platform-images/" + id));
            Files.writeString(folder.resolve("Dockerfile"), "FROM " + upstream + ":" + tagOf(id) + "\nENV PLATFORM_IMAGE=" + id + "\n");
        }
        writeImagesFile("platform-images.yml", ids, "");
    }

    @AfterAll
    void stopTheWorld() throws Exception {
        teams.close();
        mcr.close();
        List<String> local = new ArrayList<>();
        for (String id : ids) {
            for (String tag : List.of("base-1.0.0", "base-1.1.0", "latest")) {
                local.add(testbed.registryHost() + "/" + repositoryOf(id) + ":" + tag);
            }
            local.add(upstream + ":" + tagOf(id));
        }
        DockerCli.removeLocal(local);
        try (Stream<Path> paths = Files.walk(work)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private String repositoryOf(String id) {
        return fleet + "/" + id;
    }

    /** Each image watches its own tag of the upstream image: img07 is FROM dotnet/base:t07. */
    private static String tagOf(String id) {
        return "t" + id.substring(3);
    }

    /** The file: shared settings under defaults, each image with its repository and folder; {@code more} ends it. */
    private void writeImagesFile(String name, List<String> images, String more) throws IOException {
        StringBuilder yaml = new StringBuilder("""
                # the platform team's images, checked every night
                defaults:
                  versionPrefix: base
                images:
                """);
        for (String id : images) {
            yaml.append("  - id: ").append(id).append('\n')
                    .append("    repository: ").append(repositoryOf(id)).append('\n')
                    .append("    context: platform-images/").append(id).append('\n');
        }
        Files.writeString(work.resolve(name), yaml + more);
    }

    /** Upstream publishes a new image under each of these tags (one image, many tags); returns its digest. */
    private String publishUpstream(String release, List<String> tags) throws Exception {
        Path context = Files.createDirectories(work.resolve("upstream-" + release));
        Files.copy(Path.of("/bin/busybox"), context.resolve("busybox"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(context.resolve("release"), release + "\n");
        Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY busybox /bin/busybox\nCOPY release /etc/base-release\n");
        String first = upstream + ":" + tags.get(0);
        DockerCli.Result built = DockerCli.run(Map.of(), "build", "-q", "-t", first, context.toString());
        assertThat(built.exitCode()).as(built.output()).isZero();
        for (String tag : tags) {
            assertThat(DockerCli.run(Map.of(), "tag", first, upstream + ":" + tag).exitCode()).isZero();
            DockerCli.Result pushed = DockerCli.run(Map.of(), "push", upstream + ":" + tag);
            assertThat(pushed.exitCode()).as(pushed.output()).isZero();
        }
        return mcr.manifestDigest("dotnet/base", tags.get(0)).orElseThrow();
    }

    private RunnerProcess platformImages(String file, String... more) {
        buildId++;
        List<String> args = new ArrayList<>(List.of("platform-image", "--images-file", file));
        args.addAll(List.of(more));
        return runner(args.toArray(String[]::new))
                .env(TestBedFixture.awsEnvironment())
                .env(TestBedFixture.azurePipelineVariables(Integer.toString(buildId), "0123456789abcdef0123456789abcdef01234567"))
                .env("AGENT_TEMPDIRECTORY", work.resolve("agent-temp").toString())
                .env("INPUT_TEAMSWEBHOOKURL", teams.url())
                .in(work);
    }

    /** Each image's log group, by id, in the order the log shows them. */
    private static Map<String, List<String>> groups(RunResult result) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        List<String> open = null;
        for (String line : result.lines()) {
            Matcher start = GROUP.matcher(line);
            if (start.matches()) {
                assertThat(open).as("a group opened inside another: " + line).isNull();
                open = new ArrayList<>();
                assertThat(groups.put(start.group(1), open)).as("two groups for " + start.group(1)).isNull();
            } else if (line.equals("##[endgroup]")) {
                open = null;
            } else if (open != null) {
                open.add(line);
            }
        }
        return groups;
    }

    /** Every line that names one of the fleet's images lies in that image's group, and in no other. */
    private void assertEachImagesLinesInItsOwnGroup(RunResult result, Map<String, List<String>> groups) {
        Pattern mention = Pattern.compile(Pattern.quote(fleet) + "/(img\\d\\d)\\b|dotnet/base:t(\\d\\d)\\b");
        // the engine's push names the repository it mounted a shared layer from: the image's own line all the same
        groups.forEach((id, lines) -> lines.stream().filter(line -> !line.contains("Mounted from")).forEach(line -> {
            Matcher found = mention.matcher(line);
            while (found.find()) {
                String named = found.group(1) != null ? found.group(1) : "img" + found.group(2);
                assertThat(named).as("in the group of %s: %s", id, line).isEqualTo(id);
            }
        }));
        String outside = result.stdout().replaceAll("(?s)##\\[group](Platform image \\w+|Summary)\n.*?##\\[endgroup]", "");
        assertThat(outside.lines().filter(line -> mention.matcher(line).find() && !line.contains("task.setvariable")))
                .as("lines of an image outside its group").isEmpty();
    }

    /** The repositories of this fleet that got a manifest written, from the test bed's requests after {@code mark}. */
    private Set<String> manifestWritesSince(int mark) {
        List<RegistryRequest> requests = testbed.registryRequests();
        return requests.subList(mark, requests.size()).stream()
                .filter(RegistryRequest::isManifestWrite)
                .map(RegistryRequest::repository)
                .filter(repository -> repository.startsWith(fleet + "/"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    @Order(1)
    void theFirstRunPublishesEveryImageOfTheFileEachInItsOwnGroupWithItsOwnOutputs() throws Exception {
        String base = publishUpstream("2026-11-01", ids.stream().map(PlatformImagesFileIT::tagOf).toList());

        RunResult result = platformImages("platform-images.yml").run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        Map<String, String> outputs = result.outputs();
        assertThat(outputs).containsEntry("updatedImages", String.join(",", ids));
        Map<String, List<String>> groups = groups(result);
        assertThat(groups.keySet()).containsExactlyElementsOf(ids);
        for (String id : ids) {
            assertThat(outputs).containsEntry(id + "_updated", "true").containsEntry(id + "_versionTag", "base-1.0.0")
                    .containsEntry(id + "_baseDigest", base);
            assertThat(testbed.tagsOf(repositoryOf(id))).containsExactlyInAnyOrder("base-1.0.0", "latest");
            assertThat(groups.get(id)).anyMatch(line -> line.contains("first version 1.0.0"));
        }
        assertEachImagesLinesInItsOwnGroup(result, groups);
        assertThat(teams.cards()).hasSize(IMAGES);
        assertThat(result.stdout()).contains("##vso[task.complete result=Succeeded;]");
    }

    @Test
    @Order(2)
    void whenTheBaseOfTwoImagesChangedUpstreamExactlyThoseTwoAreBuiltAndPublished() throws Exception {
        String before = testbed.manifestDigest(repositoryOf("img01"), "latest").orElseThrow();
        String changed = publishUpstream("2026-11-15", List.of(tagOf("img03"), tagOf("img17")));
        int mark = testbed.registryRequests().size();
        int cards = teams.cards().size();

        RunResult result = platformImages("platform-images.yml", "--parallel", "4").run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        Map<String, String> outputs = result.outputs();
        assertThat(outputs).containsEntry("updatedImages", "img03,img17");
        Map<String, List<String>> groups = groups(result);
        assertThat(groups.keySet()).containsExactlyElementsOf(ids);
        for (String id : ids) {
            boolean rebuilt = id.equals("img03") || id.equals("img17");
            List<String> log = groups.get(id);
            assertThat(outputs).containsEntry(id + "_updated", Boolean.toString(rebuilt))
                    .containsEntry(id + "_versionTag", rebuilt ? "base-1.1.0" : "base-1.0.0");
            assertThat(log).as("the log of %s", id).anyMatch(line -> line.startsWith(rebuilt
                    ? "Decision: new version 1.1.0, " : "Decision: no update, "));
            assertThat(log.stream().filter(line -> line.startsWith("--- Build "))).as("builds of %s", id)
                    .hasSize(rebuilt ? 1 : 0);
            assertThat(testbed.tagsOf(repositoryOf(id))).as("tags of %s", id).containsExactlyInAnyOrderElementsOf(rebuilt
                    ? List.of("base-1.0.0", "base-1.1.0", "latest") : List.of("base-1.0.0", "latest"));
        }
        assertThat(outputs).containsEntry("img03_baseDigest", changed).containsEntry("img17_baseDigest", changed);
        assertThat(manifestWritesSince(mark)).containsExactly(repositoryOf("img03"), repositoryOf("img17"));
        assertThat(testbed.manifestDigest(repositoryOf("img01"), "latest")).contains(before);
        assertEachImagesLinesInItsOwnGroup(result, groups);
        assertThat(teams.cards()).hasSize(cards + 2);
        assertThat(result.stdout()).contains("### Platform image img03", "### Platform image img17", "### Platform image img20")
                .contains("20 platform images checked: img03, img17 published, 18 with no update.");
    }

    @Test
    @Order(3)
    void anImageThatFailsDoesNotStopTheOthersAndTheStepFailsNamingIt() throws Exception {
        List<String> withBroken = new ArrayList<>(ids);
        withBroken.add(10, "img99");
        Files.createDirectories(work.resolve("platform-images/img99"));
        Files.writeString(work.resolve("platform-images/img99/Dockerfile"), "FROM " + upstream + ":t99\n");
        writeImagesFile("with-broken.yml", withBroken, "");
        int mark = testbed.registryRequests().size();

        // no engine at all: checks that find nothing to publish never need one
        RunResult result = platformImages("with-broken.yml").env("DOCKER_HOST", "unix://" + work.resolve("no-engine.sock")).run();

        assertThat(result.exitCode()).as(result.toString()).isNotZero();
        Map<String, List<String>> groups = groups(result);
        assertThat(groups.keySet()).containsExactlyElementsOf(withBroken);
        assertThat(groups.get("img99")).anyMatch(line -> line.startsWith("##vso[task.logissue type=error;]")
                && line.contains("t99"));
        for (String id : ids) {
            assertThat(result.outputs()).containsEntry(id + "_updated", "false");
            assertThat(groups.get(id)).noneMatch(line -> line.contains("type=error"));
        }
        assertThat(result.outputs()).containsEntry("updatedImages", "");
        assertThat(result.errors()).last().asString()
                .contains("1 of 21 platform images failed: img99. Each one's log group says why");
        assertThat(manifestWritesSince(mark)).isEmpty();
        assertThat(result.stdout()).contains("##vso[task.complete result=Failed;]");
    }

    @Test
    @Order(4)
    void aMistakeInTheFileStopsTheRunBeforeAnyImageIsCheckedNamingTheKeyAndItsLine() throws Exception {
        writeImagesFile("typo.yml", ids, "  - id: img21\n    repository: " + fleet + "/img21\n    versionPrefx: base\n");
        writeImagesFile("bad-value.yml", ids, "  - id: img21\n    repository: " + fleet + "/img21\n"
                + "    context: platform-images/img01\n    bump: sideways\n");
        int mark = testbed.registryRequests().size();
        int calls = testbed.calls().size();

        RunResult typo = platformImages("typo.yml").run();
        RunResult badValue = platformImages("bad-value.yml").run();

        // after the four lines of the head, three for each image: the 21st image starts on the line after
        int entry = 4 + 3 * IMAGES + 1;
        assertThat(typo.exitCode()).isNotZero();
        assertThat(typo.errors()).singleElement().asString()
                .contains("typo.yml line " + (entry + 2) + ", image 'img21': unknown key 'versionPrefx'.")
                .contains("repository, ").contains("versionPrefix");
        assertThat(badValue.exitCode()).isNotZero();
        assertThat(badValue.errors()).singleElement().asString()
                .contains("bad-value.yml, image 'img21' (line " + entry + "): ")
                .contains("'bump' is 'sideways'")
                .contains("(key 'bump', line " + (entry + 3) + ")");
        assertThat(typo.stdout() + badValue.stdout()).doesNotContain("##[group]Platform image");
        assertThat(testbed.registryRequests()).hasSize(mark);
        assertThat(testbed.calls()).hasSize(calls);
    }
}
