package io.ecrflow.tagging;

import io.ecrflow.UserError;
import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.RunValues;
import io.ecrflow.registry.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The release tag rules, one set of templates for every CI: a git tag vX.Y.Z gives X.Y.Z, X.Y and X; a pull request
 * pr-N; latest only the default branch. Each CI's own variables, as its documentation names them.
 */
class ReleaseTagRulesTest {
    private static final List<String> RULES = List.of("$(semver)", "$(semver.minor)", "$(semver.major)",
            "pr-$(pullRequest)", "$(latest)", "$(commit:8)");
    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b";

    private static Function<String, Optional<String>> on(RunValues ci, Map<String, String> environment) {
        return name -> ci.lookup(name, Environment.of(environment));
    }

    private static List<String> tags(TagPlan plan) {
        return plan.tags().stream().map(Tag::value).toList();
    }

    @Test
    void aReleaseTagGivesTheVersionItsMinorAndItsMajorOnEveryCi() {
        List<Function<String, Optional<String>>> releases = List.of(
                on(RunValues.AZURE, Map.of("BUILD_SOURCEBRANCH", "refs/tags/v1.2.3", "BUILD_SOURCEVERSION", SHA)),
                on(RunValues.GITHUB, Map.of("GITHUB_REF", "refs/tags/v1.2.3", "GITHUB_SHA", SHA)),
                on(RunValues.CIRCLECI, Map.of("CIRCLE_TAG", "v1.2.3", "CIRCLE_SHA1", SHA)),
                on(RunValues.CODEBUILD, Map.of("CODEBUILD_WEBHOOK_TRIGGER", "tag/v1.2.3", "CODEBUILD_RESOLVED_SOURCE_VERSION", SHA)),
                on(RunValues.PLAIN, Map.of("ECRFLOW_GIT_TAG", "1.2.3", "ECRFLOW_COMMIT", SHA)));
        for (Function<String, Optional<String>> release : releases) {
            TagPlan plan = TagPlan.from(RULES, release);

            assertThat(tags(plan)).containsExactly("1.2.3", "1.2", "1", "9f86d081");
            assertThat(plan.inPublishOrder()).extracting(Tag::value).containsExactly("1.2.3", "9f86d081", "1.2", "1");
            assertThat(plan.notes()).contains("Tag template 'pr-$(pullRequest)' is left out: this run does not build a pull request.")
                    .anyMatch(note -> note.startsWith("Tag template '$(latest)' is left out: this run does not build the default branch"));
        }
    }

    @Test
    void aPreReleaseOrA0xReleaseMovesNoMinorOrMajorTag() {
        TagPlan pre = TagPlan.from(RULES, on(RunValues.GITHUB, Map.of("GITHUB_REF", "refs/tags/v2.0.0-rc.1+build.7", "GITHUB_SHA", SHA)));
        assertThat(tags(pre)).containsExactly("2.0.0-rc.1", "9f86d081");
        assertThat(pre.notes()).contains("Tag template '$(semver.minor)' is left out: this run does not build a release's git tag "
                + "(vX.Y.Z), or builds a pre-release or a 0.x release, which moves no minor or major tag.");

        TagPlan zero = TagPlan.from(RULES, on(RunValues.GITHUB, Map.of("GITHUB_REF", "refs/tags/v0.4.1", "GITHUB_SHA", SHA)));
        assertThat(tags(zero)).containsExactly("0.4.1", "0.4", "9f86d081");
    }

    @Test
    void aPullRequestGetsItsNumberOnEveryCi() {
        List<Function<String, Optional<String>>> pulls = List.of(
                on(RunValues.AZURE, Map.of("SYSTEM_PULLREQUEST_PULLREQUESTNUMBER", "42", "BUILD_SOURCEBRANCH", "refs/pull/42/merge",
                        "BUILD_SOURCEVERSION", SHA)),
                on(RunValues.AZURE, Map.of("SYSTEM_PULLREQUEST_PULLREQUESTID", "42", "BUILD_SOURCEBRANCH", "refs/pull/42/merge",
                        "BUILD_SOURCEVERSION", SHA)),
                on(RunValues.GITHUB, Map.of("GITHUB_REF", "refs/pull/42/merge", "GITHUB_SHA", SHA)),
                on(RunValues.CIRCLECI, Map.of("CIRCLE_PULL_REQUEST", "https://github.com/contoso/web/pull/42", "CIRCLE_BRANCH",
                        "main", "CIRCLE_SHA1", SHA)),
                on(RunValues.CODEBUILD, Map.of("CODEBUILD_WEBHOOK_TRIGGER", "pr/42", "CODEBUILD_RESOLVED_SOURCE_VERSION", SHA)));
        for (Function<String, Optional<String>> pull : pulls) {
            TagPlan plan = TagPlan.from(RULES, pull);

            assertThat(tags(plan)).containsExactly("pr-42", "9f86d081");
            assertThat(plan.moving()).extracting(Tag::value).containsExactly("pr-42");
        }
    }

    @Test
    void latestOnlyOnTheDefaultBranch(@TempDir Path work) throws IOException {
        assertThat(tags(TagPlan.from(RULES, on(RunValues.AZURE, Map.of("BUILD_SOURCEBRANCH", "refs/heads/main",
                "BUILD_SOURCEVERSION", SHA))))).containsExactly("latest", "9f86d081");
        // Azure names only the last part of a branch: feature/main is not main
        assertThat(tags(TagPlan.from(RULES, on(RunValues.AZURE, Map.of("BUILD_SOURCEBRANCH", "refs/heads/feature/main",
                "BUILD_SOURCEBRANCHNAME", "main", "BUILD_SOURCEVERSION", SHA))))).containsExactly("9f86d081");
        assertThat(tags(TagPlan.from(RULES, on(RunValues.AZURE, Map.of("BUILD_SOURCEBRANCH", "refs/heads/trunk",
                "ECRFLOW_DEFAULT_BRANCH", "trunk", "BUILD_SOURCEVERSION", SHA))))).containsExactly("latest", "9f86d081");

        Path event = work.resolve("event.json");
        Files.writeString(event, "{\"ref\": \"refs/heads/master\", \"repository\": {\"default_branch\": \"master\"}}");
        assertThat(tags(TagPlan.from(RULES, on(RunValues.GITHUB, Map.of("GITHUB_REF", "refs/heads/master",
                "GITHUB_EVENT_PATH", event.toString(), "GITHUB_SHA", SHA))))).containsExactly("latest", "9f86d081");
        assertThat(tags(TagPlan.from(RULES, on(RunValues.GITHUB, Map.of("GITHUB_REF", "refs/heads/main",
                "GITHUB_EVENT_PATH", event.toString(), "GITHUB_SHA", SHA))))).containsExactly("9f86d081");
        assertThat(tags(TagPlan.from(RULES, on(RunValues.CODEBUILD, Map.of("CODEBUILD_WEBHOOK_TRIGGER", "branch/main",
                "CODEBUILD_RESOLVED_SOURCE_VERSION", SHA))))).containsExactly("latest", "9f86d081");
    }

    @Test
    void templatesWithPrefixesAndSuffixesKeepThem() {
        TagPlan plan = TagPlan.from(List.of("web-$(semver)-alpine", "v$(semver.major)"),
                on(RunValues.GITHUB, Map.of("GITHUB_REF", "refs/tags/v3.1.0")));
        assertThat(tags(plan)).containsExactly("web-3.1.0-alpine", "v3");
    }

    @Test
    void whenNoTemplateFitsTheRunItSaysWhyAndWhatToAdd() {
        assertThatThrownBy(() -> TagPlan.from(List.of("$(semver)", "$(latest)"),
                on(RunValues.AZURE, Map.of("BUILD_SOURCEBRANCH", "refs/heads/feature/login"))))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("No tag fits this run. Tag template '$(semver)' is left out: this run does not build "
                        + "a release's git tag (vX.Y.Z).")
                .hasMessageEndingWith("Add a tag every run gets, e.g. $(commit:8).");
    }
}
