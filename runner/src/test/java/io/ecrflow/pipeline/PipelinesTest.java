package io.ecrflow.pipeline;

import io.ecrflow.UserError;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PipelinesTest {

    private final CapturedStream out = new CapturedStream();
    private final CapturedStream err = new CapturedStream();

    private Pipeline detect(Map<String, String> env) {
        return Pipelines.detect(Environment.of(env), out.stream, err.stream);
    }

    @Test
    void detectsAzurePipelinesByTfBuild() {
        assertThat(detect(Map.of("TF_BUILD", "True"))).isInstanceOf(AzurePipeline.class);
        assertThat(detect(Map.of("TF_BUILD", "true"))).isInstanceOf(AzurePipeline.class);
    }

    @Test
    void detectsAzurePipelinesByTheCollectionUri() {
        assertThat(detect(Map.of("SYSTEM_TEAMFOUNDATIONCOLLECTIONURI", "https://dev.azure.com/example/")))
                .isInstanceOf(AzurePipeline.class);
    }

    @Test
    void detectsGitHubActionsCircleCiAndCodeBuildByTheirMarkers() {
        assertThat(detect(Map.of("GITHUB_ACTIONS", "true"))).isInstanceOf(GitHubPipeline.class);
        assertThat(detect(Map.of("CIRCLECI", "true", "CIRCLE_SHA1", "abc")).variable("commit")).contains("abc");
        assertThat(detect(Map.of("CODEBUILD_BUILD_ID", "web:1", "CODEBUILD_RESOLVED_SOURCE_VERSION", "def"))
                .variable("commit")).contains("def");
        assertThat(detect(Map.of("CIRCLE_SHA1", "abc")).variable("commit")).as("no marker, no CircleCI").isEmpty();
    }

    @Test
    void usesPlainOutputEverywhereElse() {
        assertThat(detect(Map.of())).isInstanceOf(PlainPipeline.class);
        assertThat(detect(Map.of("TF_BUILD", "False"))).isInstanceOf(PlainPipeline.class);
        assertThat(detect(Map.of("GITHUB_ACTIONS", "false"))).isInstanceOf(PlainPipeline.class);
    }

    @Test
    void letsAnExplicitChoiceWin() {
        assertThat(detect(Map.of("TF_BUILD", "True", "ECRFLOW_CI", "plain"))).isInstanceOf(PlainPipeline.class);
        assertThat(detect(Map.of("ECRFLOW_CI", "Azure"))).isInstanceOf(AzurePipeline.class);
        assertThat(detect(Map.of("ECRFLOW_CI", "github"))).isInstanceOf(GitHubPipeline.class);
    }

    @Test
    void rejectsAnUnknownChoice() {
        assertThatThrownBy(() -> detect(Map.of("ECRFLOW_CI", "jenkins")))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("ECRFLOW_CI is 'jenkins'")
                .hasMessageContaining("'azure', 'github', 'circleci', 'codebuild' or 'plain'");
    }

    @Test
    void theDetectedAdapterWritesToTheGivenStreams() {
        detect(Map.of("TF_BUILD", "True")).setOutput("registry", "r");
        detect(Map.of()).warning("careful");

        assertThat(out.lines()).containsExactly("##vso[task.setvariable variable=registry;isOutput=true;issecret=false;]r");
        assertThat(err.lines()).containsExactly("warning: careful");
    }
}
