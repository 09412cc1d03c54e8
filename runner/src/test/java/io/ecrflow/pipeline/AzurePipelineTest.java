package io.ecrflow.pipeline;

import io.ecrflow.Secret;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AzurePipelineTest {

    private final CapturedStream out = new CapturedStream();

    private AzurePipeline pipeline(Map<String, String> env) {
        return new AzurePipeline(Environment.of(env), out.stream);
    }

    private final AzurePipeline pipeline = pipeline(Map.of("BUILD_BUILDID", "42"));

    @Test
    void readsPipelineVariablesFromTheAgentEnvironment() {
        assertThat(pipeline.variable("Build.BuildId")).contains("42");
        assertThat(pipeline.variable("Build.SourceBranchName")).isEmpty();
    }

    @Test
    void registersSecretWithTheAgent() {
        pipeline.registerSecret(Secret.of("s3cr3t-password"));

        assertThat(out.lines()).containsExactly("##vso[task.setsecret]s3cr3t-password");
    }

    @Test
    void registersEachLineOfAMultiLineSecretAsWell() {
        pipeline.registerSecret(Secret.of("-----BEGIN KEY-----\nAbCdEf\n-----END KEY-----"));

        assertThat(out.lines()).containsExactly(
                "##vso[task.setsecret]-----BEGIN KEY-----%0AAbCdEf%0A-----END KEY-----",
                "##vso[task.setsecret]-----BEGIN KEY-----",
                "##vso[task.setsecret]AbCdEf",
                "##vso[task.setsecret]-----END KEY-----");
    }

    @Test
    void registersNothingForAnEmptySecret() {
        pipeline.registerSecret(Secret.of(""));
        pipeline.info("plain text");

        assertThat(out.lines()).containsExactly("plain text");
    }

    @Test
    void setsOutputVariables() {
        pipeline.setOutput("imageUri", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:42");

        assertThat(out.lines()).containsExactly("##vso[task.setvariable variable=imageUri;isOutput=true;issecret=false;]"
                + "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:42");
    }

    @Test
    void exportsVariablesForLaterSteps() {
        pipeline.exportVariable("DOCKER_CONFIG", "/agent/_temp/ecrflow-docker");

        assertThat(out.lines()).containsExactly("##vso[task.setvariable variable=DOCKER_CONFIG;]/agent/_temp/ecrflow-docker");
    }

    @Test
    void printsInfoAsItIs() {
        pipeline.info("Pushed app:42");

        assertThat(out.lines()).containsExactly("Pushed app:42");
    }

    @Test
    void reportsWarningsAndErrorsAsIssues() {
        pipeline.warning("Repository has mutable tags");
        pipeline.error("Repository team/app does not exist\nCreate it or set createRepository: true");

        assertThat(out.lines()).containsExactly(
                "##vso[task.logissue type=warning;]Repository has mutable tags",
                "##vso[task.logissue type=error;]Repository team/app does not exist%0ACreate it or set createRepository: true");
        assertThat(AgentLine.parse(out.lines().get(1)).message())
                .isEqualTo("Repository team/app does not exist\nCreate it or set createRepository: true");
    }

    @Test
    void reportsProgressClampedToZeroToHundred() {
        pipeline.progress(40, "Pushing app:42");
        pipeline.progress(130, "Pushed");
        pipeline.progress(-5, "Starting");

        assertThat(out.lines()).containsExactly(
                "##vso[task.setprogress value=40;]Pushing app:42",
                "##vso[task.setprogress value=100;]Pushed",
                "##vso[task.setprogress value=0;]Starting");
    }

    @Test
    void opensAndClosesCollapsibleGroups() {
        pipeline.beginGroup("Build Dockerfile");
        pipeline.info("Step 1/2");
        pipeline.endGroup();

        assertThat(out.lines()).containsExactly("##[group]Build Dockerfile", "Step 1/2", "##[endgroup]");
    }

    @Test
    void hidesDebugLinesUnlessSystemDebugIsOn() {
        pipeline.debug("resolved credentials from the service connection");

        assertThat(pipeline.debugEnabled()).isFalse();
        assertThat(out.lines()).isEmpty();
    }

    @Test
    void printsEveryDebugLineWhenSystemDebugIsOn() {
        AzurePipeline debugging = pipeline(Map.of("SYSTEM_DEBUG", "True"));

        debugging.debug("first\nsecond");

        assertThat(debugging.debugEnabled()).isTrue();
        assertThat(out.lines()).containsExactly("##[debug]first", "##[debug]second");
    }

    @Test
    void completesWithTheResult() {
        pipeline.complete(true, "Pushed 3 tags");
        pipeline.complete(false, "Push refused: tag is immutable");

        assertThat(out.lines()).containsExactly(
                "##vso[task.complete result=Succeeded;]Pushed 3 tags",
                "##vso[task.complete result=Failed;]Push refused: tag is immutable");
    }

    @Test
    void usesTheAgentTempDirectory() {
        assertThat(pipeline(Map.of("AGENT_TEMPDIRECTORY", "/agent/_temp")).tempDirectory()).isEqualTo(Path.of("/agent/_temp"));
    }

    @Test
    void fallsBackToTheJavaTempDirectoryWithoutAgent() {
        assertThat(pipeline.tempDirectory()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
    }

    @Test
    void masksRegisteredSecretsInEveryKindOfLine() {
        String secret = "eyJwYXlsb2FkIjoi";
        pipeline.registerSecret(Secret.of(secret));

        pipeline.info("token " + secret);
        pipeline.warning("token " + secret);
        pipeline.error("token " + secret);
        pipeline.progress(10, "token " + secret);
        pipeline.beginGroup("token " + secret);
        pipeline.setOutput("leak", secret);
        pipeline.exportVariable("LEAK", secret);
        pipeline.complete(false, "token " + secret);

        assertThat(out.lines()).first().isEqualTo("##vso[task.setsecret]" + secret);
        assertThat(out.lines().subList(1, out.lines().size())).hasSize(8).allSatisfy(line -> assertThat(line).doesNotContain(secret).contains("***"));
    }

    @Test
    void masksSecretsContainingEscapedCharactersBeforeEscaping() {
        String secret = "p%a;s]s\nsecond-line";
        pipeline.registerSecret(Secret.of(secret));

        pipeline.error("login failed with " + secret + " as password");

        String last = out.lines().get(out.lines().size() - 1);
        assertThat(last).isEqualTo("##vso[task.logissue type=error;]login failed with *** as password");
    }

    @Test
    void masksSecretsRegisteredLaterInLaterLines() {
        pipeline.info("before: abc-token-123");
        pipeline.registerSecret(Secret.of("abc-token-123"));
        pipeline.info("after: abc-token-123");

        assertThat(out.lines()).containsExactly(
                "before: abc-token-123",
                "##vso[task.setsecret]abc-token-123",
                "after: ***");
    }

    @Test
    void masksEachLineOfAMultiLineSecretWhereverItAppears() {
        pipeline.registerSecret(Secret.of("first-half\nsecond-half"));

        pipeline.info("only the second-half leaked");

        assertThat(out.lines()).last().isEqualTo("only the *** leaked");
    }

    @Test
    void relayedOutputCarriesNoCommandTheAgentWouldRun() {
        pipeline.relay("#5 0.250 ##vso[task.setvariable variable=imageDigest;isOutput=true]sha256:evil\n"
                + "##vso[task.prependpath]/tmp/evil");

        assertThat(out.lines()).containsExactly(
                "#5 0.250 #\\#vso[task.setvariable variable=imageDigest;isOutput=true]sha256:evil",
                "#\\#vso[task.prependpath]/tmp/evil");
    }

    @Test
    void messagesQuotingForeignTextAreNeutralisedInsideTheRunnersOwnCommands() {
        pipeline.info("Pushed feature/##vso[task.complete]");
        pipeline.error("The build failed:\n#6 ##vso[task.setvariable variable=PATH]/evil");
        pipeline.beginGroup("Build ##vso[task.complete]");
        pipeline.complete(false, "##vso[task.complete result=Succeeded]");

        List<String> lines = out.lines();
        assertThat(lines).allSatisfy(line -> assertThat(line.indexOf("##vso", 1)).as(line).isNegative());
        assertThat(lines).filteredOn(line -> line.startsWith("##vso[")).extracting(line -> AgentLine.parse(line).command())
                .containsExactly("task.logissue", "task.complete");
        assertThat(AgentLine.parse(lines.get(1)).message()).isEqualTo("The build failed:\n#6 #\\#vso[task.setvariable variable=PATH]/evil");
        assertThat(AgentLine.parse(lines.get(3)).properties()).containsEntry("result", "Failed");
    }

    @Test
    void aSecretIsMaskedBeforeItsTextIsNeutralised() {
        pipeline.registerSecret(Secret.of("pa##vso[ss"));
        pipeline.relay("token pa##vso[ss end");

        assertThat(out.lines()).containsExactly("##vso[task.setsecret]pa##vso[ss", "token *** end");
    }
}
