package io.ecrflow.pipeline;

import io.ecrflow.Secret;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parts of a run that work at once: each one's lines together, in the order the parts are opened. */
class SectionPipelineTest {
    @TempDir
    Path agentTemp;
    private final CapturedStream out = new CapturedStream();
    private AzurePipeline pipeline;
    private SectionPipeline first;
    private SectionPipeline second;

    @BeforeEach
    void twoPartsOfOneRun() {
        pipeline = new AzurePipeline(Environment.of(Map.of("AGENT_TEMPDIRECTORY", agentTemp.toString())), out.stream);
        first = new SectionPipeline(pipeline, "net6", "Platform image net6");
        second = new SectionPipeline(pipeline, "net7", "Platform image net7");
    }

    @Test
    void linesWaitForTheirPartsTurnAndComeOutTogetherInItsGroup() {
        second.info("net7 checked");
        first.info("net6 checked");
        second.warning("net7 warned");
        first.setOutput("updated", "false");

        assertThat(out.lines()).isEmpty();
        first.open();
        first.info("net6 said later");
        first.close();
        second.close();

        assertThat(out.lines()).containsExactly(
                "##[group]Platform image net6",
                "net6 checked",
                "##vso[task.setvariable variable=net6_updated;isOutput=true;issecret=false;]false",
                "net6 said later",
                "##[endgroup]",
                "##[group]Platform image net7",
                "net7 checked",
                "##vso[task.logissue type=warning;]net7 warned",
                "##[endgroup]");
    }

    @Test
    void aSecretIsRegisteredAtOnceAndMaskedInHeldLines() {
        first.info("token s3cr3t-value");
        first.registerSecret(Secret.of("s3cr3t-value"));

        assertThat(out.lines()).containsExactly("##vso[task.setsecret]s3cr3t-value");
        first.close();
        assertThat(out.lines()).contains("token ***").noneMatch(line -> line.startsWith("token s3cr3t"));
    }

    @Test
    void aGroupInsideAPartIsAHeadingLineInThePartsGroup() {
        first.open();
        first.beginGroup("Build 1.1.0 from Dockerfile (engine)");
        first.relay("Step 1/2");
        first.endGroup();
        first.close();

        assertThat(out.lines()).containsExactly("##[group]Platform image net6", "--- Build 1.1.0 from Dockerfile (engine)",
                "Step 1/2", "##[endgroup]");
    }

    @Test
    void summaryPartsComeUnderThePartsHeadingAndPhasesUnderItsName() {
        first.summary("| Platform decision | |");
        first.summary("| Image | |");
        first.phaseFinished("Build", Duration.ofSeconds(3));
        first.close();
        pipeline.complete(true, "");

        String text = out.text();
        assertThat(text).containsOnlyOnce("### Platform image net6").contains("| Build \\(net6\\) | 3.0 s |");
        assertThat(text.indexOf("### Platform image net6")).isLessThan(text.indexOf("| Platform decision | |"));
    }

    @Test
    void aPartCannotEndTheStep() {
        assertThatThrownBy(() -> first.complete(true, "")).isInstanceOf(IllegalStateException.class);
    }
}
