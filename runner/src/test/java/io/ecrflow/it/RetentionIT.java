package io.ecrflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrflow.testbed.aws.ControlPlaneCall;
import io.ecrflow.testbed.registry.LocalRegistry;
import io.ecrflow.testbed.Testbed;
import io.ecrflow.testbed.net.TestbedTls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code platform-image --keep-versions} end to end: the real runner jar publishes more versions than it keeps
 * to the ECR test bed with the Docker Engine, an older version gets the extra tag back (a rollback with
 * promote), and the test bed then runs the lifecycle policy the way ECR would. Debian's aws CLI reads the policy
 * back, as a user checking the repository would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetentionIT {
    private static final String PREFIX = "6.0-bullseye-slim";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String repository = "platform/retained-" + UUID.randomUUID().toString().substring(0, 8);
    private Testbed testbed;
    private LocalRegistry mcr;
    private Path work;
    private int buildId = 200;
    private int otherBuildId = 600;

    @BeforeAll
    void startTheWorld() throws Exception {
        testbed = TestBedFixture.testbed();
        work = Files.createTempDirectory("ecrflow-retention-it-");
        mcr = LocalRegistry.start(Files.createDirectories(work.resolve("mcr")));
        Path upstream = Files.createDirectories(work.resolve("upstream"));
        Files.copy(Path.of("/bin/busybox"), upstream.resolve("busybox"));
        Files.writeString(upstream.resolve("Dockerfile"), "FROM scratch\nCOPY busybox /bin/busybox\n");
        String base = mcr.host() + "/dotnet/runtime:" + PREFIX;
        DockerCli.Result built = DockerCli.run(Map.of(), "build", "-q", "-t", base, upstream.toString());
        assertThat(built.exitCode()).as(built.output()).isZero();
        DockerCli.Result pushed = DockerCli.run(Map.of(), "push", base);
        assertThat(pushed.exitCode()).as(pushed.output()).isZero();
        DockerCli.run(Map.of(), "rmi", "--force", base);
        Path platform = Files.createDirectories(work.resolve("platform"));
        Files.writeString(platform.resolve("Dockerfile"), """
                FROM %s
                ARG RELEASE
                RUN ["/bin/busybox", "sh", "-c", "echo $RELEASE > /release"]
                """.formatted(base));
    }

    @AfterAll
    void stopTheWorld() throws Exception {
        mcr.close();
        for (String published : testbed.repositories().stream().map(r -> r.name())
                .filter(name -> name.startsWith("platform/retained-") || name.startsWith("platform/archived")).toList()) {
            for (String tag : testbed.tagsOf(published)) {
                DockerCli.run(Map.of(), "rmi", "--force", testbed.registryHost() + "/" + published + ":" + tag);
            }
        }
        try (Stream<Path> paths = Files.walk(work)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** One scheduled run of the seed's layout: 6.0 or 7.0 and the build number as extra tags. */
    private RunResult platformImage(String prefix, String extraTag, int keep, boolean force) throws Exception {
        return platformImage(repository, ++buildId, prefix, extraTag, force, "--keep-versions", Integer.toString(keep));
    }

    /** A run of another test, with build ids of its own: the tags the first test expects name its builds. */
    private RunResult platformImage(String repository, String prefix, String extraTag, boolean force, String... more)
            throws Exception {
        return platformImage(repository, ++otherBuildId, prefix, extraTag, force, more);
    }

    private RunResult platformImage(String repository, int buildId, String prefix, String extraTag, boolean force,
                                    String... more) throws Exception {
        List<String> arguments = new ArrayList<>(List.of("platform-image", "--repository", repository, "--context",
                "platform", "--version-prefix", prefix, "--extra-tags", extraTag + ",$(Build.BuildNumber)",
                "--force-update", Boolean.toString(force), "--build-args", "RELEASE=" + buildId));
        arguments.addAll(List.of(more));
        RunResult result = runner(arguments.toArray(String[]::new))
                .env(TestBedFixture.awsEnvironment())
                .env(TestBedFixture.azurePipelineVariables(Integer.toString(buildId), "0123456789abcdef0123456789abcdef01234567"))
                .in(work)
                .run();
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result;
    }

    /** A new net6 version each time (forced), keeping 2. */
    private RunResult publishVersion() throws Exception {
        return platformImage(PREFIX, "6.0", 2, true);
    }

    private String tag(String version) {
        return PREFIX + "-" + version;
    }

    private long lifecyclePolicyPuts() {
        return testbed.calls().stream().filter(call -> call.operation().equals("PutLifecyclePolicy"))
                .filter(call -> repository.equals(call.parameters().get("repositoryName")))
                .filter(ControlPlaneCall::succeeded).count();
    }

    @Test
    void theNewestVersionsAndWhatTheMovingTagsPointAtSurviveExpiry() throws Exception {
        RunResult first = publishVersion();
        assertThat(first.stdout()).contains("Lifecycle policy for " + repository)
                .contains("\"" + PREFIX + "-*.*.*\"")
                .contains("keep the newest 2 " + PREFIX + "-*.*.* versions")
                .contains("Lifecycle policy applied to " + repository + ".");
        assertThat(lifecyclePolicyPuts()).isEqualTo(1);

        for (int run = 0; run < 3; run++) {
            assertThat(publishVersion().stdout()).contains("Lifecycle policy of " + repository + " is up to date.")
                    .doesNotContain("Lifecycle policy applied");
        }
        assertThat(platformImage(PREFIX, "6.0", 2, false).stdout()).as("a run that publishes nothing")
                .contains("Decision: no update").contains("Lifecycle policy of " + repository + " is up to date.");
        assertThat(lifecyclePolicyPuts()).as("the same N does not put the policy again").isEqualTo(1);
        assertThat(testbed.tagsOf(repository)).contains(tag("1.0.0"), tag("1.1.0"), tag("1.2.0"), tag("1.3.0"));

        // a rollback: 6.0 goes back to the oldest version, whose push time stays the oldest
        RunResult promoted = runner("promote", "--source-repository", repository, "--source-tag", tag("1.0.0"),
                "--tags", "6.0")
                .env(TestBedFixture.awsEnvironment())
                .env(TestBedFixture.azurePipelineVariables(Integer.toString(++buildId), "0123456789abcdef0123456789abcdef01234567"))
                .in(work).run();
        assertThat(promoted.exitCode()).as(promoted.toString()).isZero();
        // the seed keeps net7 in the same repository: its run adds its rules and keeps net6's
        RunResult net7 = platformImage("7.0-bullseye-slim", "7.0", 1, true);
        assertThat(net7.stdout()).contains("It replaces the policy the repository had:");
        assertThat(lifecyclePolicyPuts()).isEqualTo(2);
        Map<String, String> before = digests();

        JsonNode expired = expireNow();

        assertThat(expired).hasSize(1);
        assertThat(expired.get(0).path("imageDigest").asText()).isEqualTo(before.get(tag("1.1.0")));
        assertThat(testbed.tagsOf(repository)).containsExactlyInAnyOrder(
                tag("1.3.0"), "20261123.204",             // the newest net6 version
                tag("1.2.0"), "20261123.203",             // the one before it: 2 kept
                tag("1.0.0"), "20261123.201", "6.0",      // old, but 6.0 points at it
                "7.0-bullseye-slim-1.0.0", "20261123.207", "7.0", "latest");
        assertThat(testbed.manifestDigest(repository, "6.0")).hasValue(before.get(tag("1.0.0")));

        JsonNode cli = awsCli("ecr", "get-lifecycle-policy", "--repository-name", repository);
        assertThat(cli.path("repositoryName").asText()).isEqualTo(repository);
        assertThat(JSON.readTree(cli.path("lifecyclePolicyText").asText()))
                .isEqualTo(JSON.readTree(policyIn(net7.stdout())));
        assertThat(cli.path("lifecyclePolicyText").asText()).contains(PREFIX + "-*.*.*").contains("7.0-bullseye-slim-*.*.*");
        assertThat(cli.has("lastEvaluatedAt")).isTrue();
    }

    @Test
    void anArchiveLifecyclePolicyOfOnesOwnIsAppliedExactlyAsGiven() throws Exception {
        String own = "platform/archived-by-hand-" + UUID.randomUUID().toString().substring(0, 8);
        String policy = """
                {
                  "rules": [
                    {"rulePriority": 1, "description": "Archive images not pulled in 90 days",
                     "selection": {"tagStatus": "any", "countType": "sinceImagePulled", "countUnit": "days", "countNumber": 90},
                     "action": {"type": "transition", "targetStorageClass": "archive"}},
                    {"rulePriority": 2, "description": "Expire images archived for more than 365 days",
                     "selection": {"tagStatus": "any", "storageClass": "archive", "countType": "sinceImageTransitioned",
                                   "countUnit": "days", "countNumber": 365},
                     "action": {"type": "expire"}}
                  ]
                }
                """;
        Files.writeString(work.resolve("archive-policy.json"), policy);

        platformImage(own, PREFIX, "6.0", true, "--lifecycle-policy", "archive-policy.json");

        JsonNode cli = awsCli("ecr", "get-lifecycle-policy", "--repository-name", own);
        assertThat(cli.path("lifecyclePolicyText").asText()).as("the text as written, not rewritten").isEqualTo(policy);
        assertThat(testbed.imageStatus(own, PREFIX + "-1.0.0")).contains("ACTIVE");
    }

    @Test
    void keepVersionsWithRetentionActionArchiveArchivesTheOlderVersions() throws Exception {
        String archived = "platform/archived-" + UUID.randomUUID().toString().substring(0, 8);
        String[] keepOneArchiveTheRest = {"--keep-versions", "1", "--retention-action", "archive", "--archive-days", "120"};
        RunResult first = platformImage(archived, PREFIX, "6.0", true, keepOneArchiveTheRest);
        assertThat(first.stdout()).contains("keep the newest 1 " + PREFIX + "-*.*.* versions, archive older ones")
                .contains("\"targetStorageClass\" : \"archive\"")
                .contains("expire archived " + PREFIX + "-*.*.* versions 120 days after they were archived");
        platformImage(archived, PREFIX, "6.0", true, keepOneArchiveTheRest);
        platformImage(archived, PREFIX, "6.0", true, keepOneArchiveTheRest);

        JsonNode acted = expireNow(archived);

        assertThat(acted).hasSize(2);
        acted.forEach(image -> assertThat(image.path("action").asText()).isEqualTo("transition"));
        assertThat(testbed.imageStatus(archived, tag("1.0.0"))).contains("ARCHIVED");
        assertThat(testbed.imageStatus(archived, tag("1.1.0"))).contains("ARCHIVED");
        assertThat(testbed.imageStatus(archived, tag("1.2.0"))).as("the newest version").contains("ACTIVE");
        assertThat(testbed.imageStatus(archived, "6.0")).contains("ACTIVE");
        assertThat(testbed.tagsOf(archived)).as("archived versions keep their tags").contains(tag("1.0.0"), tag("1.1.0"));
        DockerCli.Result pull = DockerCli.run(Map.of(), "pull", testbed.registryHost() + "/" + archived + ":" + tag("1.0.0"));
        assertThat(pull.exitCode()).as("an archived image cannot be pulled: " + pull.output()).isNotZero();

        RunResult next = platformImage(archived, PREFIX, "6.0", true, keepOneArchiveTheRest);
        assertThat(next.stdout()).as("a run after the archive").contains(tag("1.3.0"))
                .contains("Lifecycle policy of " + archived + " is up to date.");
        JsonNode policy = JSON.readTree(awsCli("ecr", "get-lifecycle-policy", "--repository-name", archived)
                .path("lifecyclePolicyText").asText());
        assertThat(policy.toString()).contains("\"type\":\"transition\"").contains("\"sinceImageTransitioned\"");
    }

    /** The tags' digests as the registry holds them now. */
    private Map<String, String> digests() {
        Map<String, String> digests = new LinkedHashMap<>();
        testbed.tagsOf(repository).forEach(tag -> digests.put(tag, testbed.manifestDigest(repository, tag).orElseThrow()));
        return digests;
    }

    /** The test bed's HTTP knob: ECR's expiry now rather than within 24 hours. */
    private JsonNode expireNow() throws Exception {
        return expireNow(repository);
    }

    private JsonNode expireNow(String repository) throws Exception {
        HttpResponse<String> response = TestbedTls.fromEnvironment().httpClient().build().send(HttpRequest.newBuilder(
                        URI.create("https://" + testbed.registryHost() + "/_testbed/lifecycle-expiry?repository=" + repository))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** The policy as the run's log group shows it, between the group's title and its end. */
    private static String policyIn(String stdout) {
        List<String> lines = new ArrayList<>();
        boolean inGroup = false;
        for (String line : stdout.lines().toList()) {
            if (line.startsWith("##[group]Lifecycle policy for")) {
                inGroup = true;
            } else if (inGroup && (line.startsWith("##[endgroup]") || line.startsWith("It replaces"))) {
                break;
            } else if (inGroup) {
                lines.add(line);
            }
        }
        assertThat(lines).as(stdout).isNotEmpty();
        return String.join("\n", lines);
    }

    /** Debian's aws CLI v2 (package awscli), against the test bed; credentials only in its environment. */
    private static JsonNode awsCli(String... args) throws Exception {
        Shell.Result where = Shell.bash(Map.of(), "dpkg -L awscli | grep '/bin/aws$' | head -n 1");
        assertThat(where.exitCode()).as("Debian's awscli package is part of the test bed (scripts/test.sh "
                + "installs it): " + where.output()).isZero();
        List<String> command = new ArrayList<>(List.of(where.output().strip()));
        command.addAll(List.of(args));
        command.addAll(List.of("--endpoint-url", TestBedFixture.testbed().ecrEndpoint().toString(), "--output", "json"));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(TestBedFixture.awsEnvironment());
        builder.environment().put("AWS_PAGER", "");
        builder.environment().put("AWS_CONFIG_FILE", "/dev/null");
        builder.environment().put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        Process process = builder.redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        return JSON.readTree(output);
    }
}
