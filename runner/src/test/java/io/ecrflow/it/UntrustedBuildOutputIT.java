package io.ecrflow.it;

import io.ecrflow.testbed.apps.HostileApp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Dockerfile that prints CI commands (in its step text and its RUN output) cannot drive the pipeline
 * through ecrflow's log, with either builder, on Azure Pipelines or GitHub Actions: the only commands in
 * the log are ecrflow's own, the outputs carry the digest the registry holds, and the hostile text is
 * still there to read, with a marker inside each prefix.
 */
class UntrustedBuildOutputIT extends TestBedTest {
    // as on hosted agents and runners: the JVM then writes the hidden character as it came, not as '?'
    private static final String UTF8_LOCALE = "C.UTF-8";
    private static final Set<String> OUTPUTS = Set.of("registry", "imageUri", "imageUris", "imageDigest", "digest", "tags");

    @ParameterizedTest
    @ValueSource(strings = {"buildkit", "engine"})
    void aHostileBuildLogSetsNothingOnAzurePipelines(String builder) throws Exception {
        HostileApp.create(work);
        Files.createDirectories(work.resolve("agent-temp"));
        String repository = uniqueRepository();

        RunResult result = runner("build-push", "--repository", repository, "--context", "src", "--tags", "hostile",
                "--builder", builder)
                .env(TestBedFixture.awsEnvironment())
                .env("LANG", UTF8_LOCALE)
                .env(TestBedFixture.azurePipelineVariables("77", "0123456789abcdef0123456789abcdef01234567"))
                .env("AGENT_TEMPDIRECTORY", work.resolve("agent-temp").toString())
                .in(work)
                .run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        List<String> lines = logOf(result);
        List<String> commands = CiCommands.azure(lines);
        assertThat(commands).as("commands the agent would run").isNotEmpty()
                .allMatch(Set.of("task.setsecret", "task.setvariable", "task.setprogress", "task.uploadsummary",
                        "task.complete")::contains);
        assertThat(lines).filteredOn(line -> CiCommands.azure(List.of(line)).size() == 1)
                .as("every command is a line of ecrflow's own").allMatch(line -> line.startsWith("##vso["));
        assertThat(lines).filteredOn(line -> line.startsWith("##vso[task.setvariable"))
                .allSatisfy(line -> assertThat(line).containsPattern("^##vso\\[task\\.setvariable variable=(" + String.join("|", OUTPUTS)
                        + ");isOutput=true;"));
        assertThat(lines).filteredOn(line -> line.startsWith("##vso[task.complete")).containsExactly("##vso[task.complete result=Succeeded;]");
        assertThat(CiCommands.github(lines)).as("read as GitHub would: only ecrflow's log groups").allMatch(Set.of("group", "endgroup")::contains);

        assertTheRealDigestIsTheOutput(repository, result.outputs().get("digest"));
        assertThat(result.outputs()).containsEntry("imageDigest", testbed.registryHost() + "/" + repository + "@"
                + result.outputs().get("digest"));
        assertTheHostileTextIsShownNeutralised(result.stdout(), builder);
    }

    @ParameterizedTest
    @ValueSource(strings = {"buildkit", "engine"})
    void aHostileBuildLogSetsNothingOnGitHubActions(String builder) throws Exception {
        HostileApp.create(work);
        Path outputFile = Files.createFile(work.resolve("github-output"));
        String repository = uniqueRepository();

        RunResult result = runner("build-push", "--repository", repository, "--context", "src", "--tags", "hostile",
                "--builder", builder)
                .env(TestBedFixture.awsEnvironment())
                .env("LANG", UTF8_LOCALE)
                .env("GITHUB_ACTIONS", "true")
                .env("GITHUB_OUTPUT", outputFile.toString())
                .env("RUNNER_TEMP", work.toString())
                .in(work)
                .run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        List<String> lines = logOf(result);
        assertThat(CiCommands.github(lines)).as("workflow commands GitHub would run: ecrflow's own").isNotEmpty()
                .allMatch(Set.of("add-mask", "group", "endgroup", "stop-commands")::contains);
        assertThat(result.lines().get(0)).as("the secret key is masked before anything else")
                .isEqualTo("::add-mask::" + TestBedFixture.SECRET_ACCESS_KEY);
        assertThat(lines).filteredOn(line -> line.startsWith("::add-mask::"))
                .as("masks are ecrflow's: the key and the registry password").hasSize(2);
        assertThat(CiCommands.azure(lines)).as("logging commands an agent would run").isEmpty();

        List<String> written = Files.readAllLines(outputFile);
        String digestLine = written.stream().filter(line -> line.startsWith("digest=")).findFirst().orElseThrow();
        assertTheRealDigestIsTheOutput(repository, digestLine.substring("digest=".length()));
        assertThat(written).as("only ecrflow's outputs reach GITHUB_OUTPUT")
                .allMatch(line -> OUTPUTS.contains(line.substring(0, line.indexOf('='))));
        assertTheHostileTextIsShownNeutralised(result.stdout(), builder);
    }

    private void assertTheRealDigestIsTheOutput(String repository, String digest) {
        assertThat(digest).matches("sha256:[0-9a-f]{64}");
        assertThat(testbed.manifestDigest(repository, "hostile")).contains(digest);
    }

    private static void assertTheHostileTextIsShownNeutralised(String log, String builder) {
        assertThat(log).contains("#\\#vso[task.setvariable variable=imageDigest;isOutput=true]sha256:evil")
                .contains("note #\\#vso[task.prependpath]/tmp/evil")
                .contains("#\\#vso[task.complete result=Succeeded]done early")
                .contains("x #\\#[set-env name=PATH;]/evil")
                .contains("#\u200B\\#vso[task.setvariable variable=PATH]/evil")
                .contains("add-mask::sha256").contains("set-output name=digest::sha256:evil").contains("stop-commands::hostile");
        if (builder.equals("engine")) {
            // the legacy builder relays RUN output as printed, so these lines start with "::" and are marked;
            // BuildKit puts "#6 0.213 " in front, where GitHub does not look
            assertThat(log).contains("\n:\\:add-mask::sha256").contains("\n  :\\:set-output name=digest::sha256:evil")
                    .contains("\n:\\:stop-commands::hostile");
        }
    }

    /** stdout and stderr: a CI reads both. */
    private static List<String> logOf(RunResult result) {
        List<String> lines = new ArrayList<>(result.stdout().lines().toList());
        lines.addAll(result.stderr().lines().toList());
        return lines;
    }

    private static String uniqueRepository() {
        return "team/hostile-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
