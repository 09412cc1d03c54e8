package io.ecrflow.tagging;

import io.ecrflow.UserError;
import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.RunValues;
import io.ecrflow.registry.Tag;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TagPlanTest {

    private static final Function<String, Optional<String>> PIPELINE = variables(Map.of(
            "Build.BuildId", "1234",
            "Build.SourceBranchName", "main",
            "Build.SourceVersion", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b"));
    private static final Function<String, Optional<String>> NO_PIPELINE = name -> Optional.empty();

    /** Azure Pipelines variables as the agent puts them in the environment, read through the Azure adapter's names. */
    private static Function<String, Optional<String>> variables(Map<String, String> values) {
        Map<String, String> agentEnvironment = new HashMap<>();
        values.forEach((name, value) -> agentEnvironment.put(name.replace('.', '_').toUpperCase(Locale.ROOT), value));
        return name -> RunValues.AZURE.lookup(name, Environment.of(agentEnvironment));
    }

    private static Function<String, Optional<String>> on(RunValues ci, Map<String, String> environment) {
        return name -> ci.lookup(name, Environment.of(environment));
    }

    private static List<String> values(TagPlan plan) {
        return plan.tags().stream().map(Tag::value).toList();
    }

    @Test
    void tagsByBuildIdBranchAndShortCommitByDefault() {
        TagPlan plan = TagPlan.from(List.of(), PIPELINE);

        assertThat(values(plan)).containsExactly("1234", "main", "9f86d081");
        assertThat(plan.notes()).isEmpty();
    }

    @Test
    void publishesTagsThatStayWithTheBuildFirstAndLatestAndBranchesLast() {
        TagPlan plan = TagPlan.from(List.of("latest", "$(Build.SourceBranchName)", "v1-$(Build.BuildId)",
                "$(Build.SourceVersion:8)"), PIPELINE);

        assertThat(plan.inPublishOrder()).extracting(Tag::value).containsExactly("v1-1234", "9f86d081", "latest", "main");
    }

    @Test
    void aBranchNameTheAgentExpandedAlreadyStillMovesLast() {
        // Azure Pipelines expands $(Build.SourceBranchName) before the runner sees the template.
        TagPlan plan = TagPlan.from(List.of("main", "1234"), PIPELINE);

        assertThat(plan.inPublishOrder()).extracting(Tag::value).containsExactly("1234", "main");
    }

    @Test
    void usesTheGivenTemplatesInOrder() {
        TagPlan plan = TagPlan.from(List.of("latest", "v1-$(Build.BuildId)", "$(Build.SourceVersion:8)"), PIPELINE);

        assertThat(values(plan)).containsExactly("latest", "v1-1234", "9f86d081");
    }

    @Test
    void pushesATagOnceWhenTwoTemplatesGiveIt() {
        TagPlan plan = TagPlan.from(List.of("main", "$(Build.SourceBranchName)", "Main"), PIPELINE);

        assertThat(values(plan)).containsExactly("main");
    }

    @Test
    void notesEveryTagThatSanitisingChanged() {
        TagPlan plan = TagPlan.from(List.of("$(Build.SourceBranchName)", "latest"),
                variables(Map.of("Build.SourceBranchName", "feature/Login")));

        assertThat(values(plan)).containsExactly("feature-login", "latest");
        assertThat(plan.notes()).containsExactly("Tag 'feature/Login' became 'feature-login'.");
    }

    @Test
    void ignoresBlankTemplates() {
        assertThat(values(TagPlan.from(List.of(" ", "latest", ""), PIPELINE))).containsExactly("latest");
    }

    @Test
    void fallsBackToLatestOutsideAPipeline() {
        TagPlan plan = TagPlan.from(List.of(), NO_PIPELINE);

        assertThat(values(plan)).containsExactly("latest");
        assertThat(plan.notes()).singleElement().asString()
                .contains("buildNumber", "branch", "commit", "'latest'");
    }

    @Test
    void leavesOutDefaultTagsWhoseVariableIsMissing() {
        TagPlan plan = TagPlan.from(List.of(), variables(Map.of("Build.BuildId", "77")));

        assertThat(values(plan)).containsExactly("77");
        assertThat(plan.notes()).singleElement().asString().contains("branch", "commit");
    }

    @Test
    void tagsByRunNumberBranchAndShortCommitOnEveryCi() {
        TagPlan github = TagPlan.from(List.of(), on(RunValues.GITHUB, Map.of("GITHUB_RUN_NUMBER", "31",
                "GITHUB_REF_NAME", "main", "GITHUB_SHA", "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567")));
        TagPlan circleCi = TagPlan.from(List.of(), on(RunValues.CIRCLECI, Map.of("CIRCLE_BUILD_NUM", "77",
                "CIRCLE_BRANCH", "feature/x", "CIRCLE_SHA1", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b")));
        TagPlan codeBuild = TagPlan.from(List.of(), on(RunValues.CODEBUILD, Map.of("CODEBUILD_BUILD_NUMBER", "12",
                "CODEBUILD_RESOLVED_SOURCE_VERSION", "fedcba9876543210")));

        assertThat(values(github)).containsExactly("31", "main", "0a1b2c3d");
        assertThat(github.inPublishOrder()).last().hasToString("main");
        assertThat(values(circleCi)).containsExactly("77", "feature-x", "9f86d081");
        assertThat(circleCi.inPublishOrder()).last().hasToString("feature-x");
        assertThat(values(codeBuild)).containsExactly("12", "fedcba98");
    }

    @Test
    void writesCircleCisPipelineNumberEitherWay() {
        Function<String, Optional<String>> circleCi = on(RunValues.CIRCLECI, Map.of("ECRFLOW_PIPELINE_NUMBER", "42",
                "CIRCLE_SHA1", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b"));

        assertThat(values(TagPlan.from(List.of("0.1.<< pipeline.number >>", "0.1.$(pipelineNumber)-$(shortCommit)"),
                circleCi))).containsExactly("0.1.42", "0.1.42-9f86d081");
    }

    @Test
    void namesTheVariableThatGivesARunValueTheCiLacks() {
        assertThatThrownBy(() -> TagPlan.from(List.of("0.1.<< pipeline.number >>"), on(RunValues.CIRCLECI, Map.of())))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("pipelineNumber")
                .hasMessageContaining("ECRFLOW_PIPELINE_NUMBER");
        assertThatThrownBy(() -> TagPlan.from(List.of("<< pipeline.parameters.tag >>"), on(RunValues.CIRCLECI, Map.of())))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("<< pipeline.number >>");
    }

    @Test
    void failsForAnExplicitTemplateWhoseVariableIsMissing() {
        assertThatThrownBy(() -> TagPlan.from(List.of("$(Build.BuildId)"), NO_PIPELINE))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("Tag template '$(Build.BuildId)' uses variable Build.BuildId");
    }

    @Test
    void aNewVersionTakesOverTheExtraTagsThenLatestAndKeepsItsVersionTag() {
        TagPlan plan = TagPlan.forNewVersions(List.of("latest", "6.0", "$(Build.BuildId)"), true, PIPELINE)
                .withStaying(Tag.of("6.0-1.2.0"));

        assertThat(plan.inPublishOrder()).extracting(Tag::value).containsExactly("6.0-1.2.0", "6.0", "1234", "latest");
        assertThat(plan.movingInPublishOrder()).extracting(Tag::value).containsExactly("6.0", "1234", "latest");
        assertThat(plan.moves(Tag.of("6.0-1.2.0"))).isFalse();
    }

    @Test
    void onlyMovingTagsWrittenAsTheyAreComeBackOnTheNextRunAndNeedToMoveInTheRepository() {
        TagPlan plan = TagPlan.forNewVersions(List.of("6.0", "$(Build.BuildId)"), true, PIPELINE);

        assertThat(plan.rewritten()).extracting(Tag::value).containsExactly("6.0", "latest");
        assertThat(TagPlan.forNewVersions(List.of(), false, PIPELINE).rewritten()).isEmpty();
    }

    @Test
    void latestTurnedOffIsNotMovedEvenWhenListedAmongTheExtraTags() {
        TagPlan plan = TagPlan.forNewVersions(List.of("latest", "6.0"), false, PIPELINE);

        assertThat(values(plan)).containsExactly("6.0");
    }

    @Test
    void aMovingTagAnImmutableRepositoryHoldsAlreadyIsStuckButANewOneIsNot() {
        TagPlan plan = TagPlan.forNewVersions(List.of("6.0", "$(Build.BuildId)"), true, PIPELINE)
                .withStaying(Tag.of("6.0-1.2.0"));
        List<Tag> existing = List.of(Tag.of("6.0-1.1.0"), Tag.of("6.0"), Tag.of("latest"));

        assertThat(plan.stuckIn(existing, tag -> !tag.value().equals("latest"))).extracting(Tag::value)
                .containsExactly("6.0");
        assertThat(plan.stuckIn(existing, tag -> false)).isEmpty();
    }

    @Test
    void aBuildsBranchTagMovesAndRecursItsCommitTagStaysAndIsNew() {
        TagPlan plan = TagPlan.from(List.of("$(Build.SourceBranchName)", "$(Build.SourceVersion:8)", "stable"), PIPELINE);

        assertThat(plan.inPublishOrder()).extracting(Tag::value).containsExactly("9f86d081", "stable", "main");
        assertThat(plan.recurring()).extracting(Tag::value).containsExactly("stable");
    }
}
