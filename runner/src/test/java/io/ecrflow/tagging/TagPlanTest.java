package io.ecrflow.tagging;

import io.ecrflow.UserError;
import io.ecrflow.registry.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
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

    private static Function<String, Optional<String>> variables(Map<String, String> values) {
        return name -> Optional.ofNullable(values.get(name));
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
                .contains("Build.BuildId", "Build.SourceBranchName", "Build.SourceVersion", "'latest'");
    }

    @Test
    void leavesOutDefaultTagsWhoseVariableIsMissing() {
        TagPlan plan = TagPlan.from(List.of(), variables(Map.of("Build.BuildId", "77")));

        assertThat(values(plan)).containsExactly("77");
        assertThat(plan.notes()).singleElement().asString().contains("Build.SourceBranchName", "Build.SourceVersion");
    }

    @Test
    void failsForAnExplicitTemplateWhoseVariableIsMissing() {
        assertThatThrownBy(() -> TagPlan.from(List.of("$(Build.BuildId)"), NO_PIPELINE))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("Tag template '$(Build.BuildId)' uses variable Build.BuildId");
    }
}
