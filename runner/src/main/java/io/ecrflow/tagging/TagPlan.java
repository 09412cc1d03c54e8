package io.ecrflow.tagging;

import io.ecrflow.UserError;
import io.ecrflow.pipeline.RunValues;
import io.ecrflow.registry.Tag;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The tags one image gets, in the order the user gave them, each once, with a note for every tag
 * that had to change to be valid (for the caller to show; nothing is printed here), and which of them
 * move from run to run ({@code latest}, branch names): those are published last.
 */
public record TagPlan(List<Tag> tags, List<String> notes, Set<Tag> moving) {
    /**
     * Build number, branch and short commit, what pipelines tag by hand today, in the names every CI adapter
     * fills ({@link io.ecrflow.pipeline.RunValues}): {@code Build.BuildId} or {@code GITHUB_RUN_NUMBER}, ...
     */
    public static final List<String> DEFAULT_TEMPLATES = List.of("$(buildNumber)", "$(branch)", "$(commit:8)");
    static final Tag FALLBACK = Tag.of("latest");
    /** Variables naming a branch: a tag made of one points at whatever that branch built last. */
    private static final Set<String> BRANCH_VARIABLES = Set.of("branch", "Build.SourceBranchName", "Build.SourceBranch",
            "System.PullRequest.SourceBranch", "System.PullRequest.TargetBranch", "GITHUB_REF_NAME", "GITHUB_HEAD_REF",
            "CIRCLE_BRANCH", "CODEBUILD_WEBHOOK_HEAD_REF");
    /** Variables whose tag moves to the next run it fits: a release line's newest, a pull request's last push, latest. */
    private static final Set<String> MOVING_VARIABLES = Set.of(RunValues.SEMVER_MINOR, RunValues.SEMVER_MAJOR,
            RunValues.PULL_REQUEST, RunValues.LATEST);

    public TagPlan {
        tags = List.copyOf(tags);
        notes = List.copyOf(notes);
        moving = Set.copyOf(moving);
    }

    /** The tags in the order they are published: those that stay with this build first, the moving ones last. */
    public List<Tag> inPublishOrder() {
        List<Tag> ordered = new ArrayList<>(tags.stream().filter(tag -> !moving.contains(tag)).toList());
        tags.stream().filter(moving::contains).forEach(ordered::add);
        return ordered;
    }

    /**
     * Expands and sanitises the user's templates. With none given, the defaults are used; those that
     * need a variable this pipeline does not have are left out, and with none left the tag is
     * {@code latest}. Explicit templates must all expand.
     *
     * @throws io.ecrflow.UserError for a malformed template, an unset variable in an explicit
     *                              template, or a template that leaves no valid tag
     */
    public static TagPlan from(List<String> templates, Function<String, Optional<String>> variables) {
        List<String> given = templates.stream().map(String::trim).filter(t -> !t.isEmpty()).toList();
        return given.isEmpty() ? fromDefaults(variables) : fromExplicit(given, variables);
    }

    private static TagPlan fromExplicit(List<String> templates, Function<String, Optional<String>> variables) {
        Builder plan = new Builder(variables);
        List<String> leftOut = new ArrayList<>();
        for (String text : templates) {
            TagTemplate template = TagTemplate.parse(text);
            Optional<String> notThisRun = template.variables().stream().filter(RunValues.CONDITIONAL::contains)
                    .filter(name -> variables.apply(name).filter(v -> !v.isEmpty()).isEmpty()).findFirst();
            if (notThisRun.isPresent()) {
                String note = "Tag template '" + text + "' is left out: " + whyNot(notThisRun.get()) + ".";
                leftOut.add(note);
                plan.notes.add(note);
                continue;
            }
            plan.add(template, template.expand(variables));
        }
        if (plan.tags.isEmpty()) {
            throw new UserError("No tag fits this run. " + String.join(" ", leftOut)
                    + " Add a tag every run gets, e.g. $(commit:8).", TagTemplate.INPUT);
        }
        return plan.build();
    }

    /** Why a release, pull-request or default-branch tag is not this run's. */
    private static String whyNot(String conditional) {
        return switch (conditional) {
            case RunValues.SEMVER -> "this run does not build a release's git tag (vX.Y.Z)";
            case RunValues.SEMVER_MINOR, RunValues.SEMVER_MAJOR ->
                    "this run does not build a release's git tag (vX.Y.Z), or builds a pre-release or a 0.x release, "
                            + "which moves no minor or major tag";
            case RunValues.PULL_REQUEST -> "this run does not build a pull request";
            default -> "this run does not build the default branch (gitTag, pullRequest or another branch; "
                    + RunValues.fallbackVariable(RunValues.DEFAULT_BRANCH) + " names the default branch where the CI does not)";
        };
    }

    private static TagPlan fromDefaults(Function<String, Optional<String>> variables) {
        Builder plan = new Builder(variables);
        List<String> missing = new ArrayList<>();
        for (String text : DEFAULT_TEMPLATES) {
            TagTemplate template = TagTemplate.parse(text);
            List<String> unset = template.variables().stream()
                    .filter(name -> variables.apply(name).filter(v -> !v.isEmpty()).isEmpty())
                    .toList();
            if (unset.isEmpty()) {
                plan.add(template, template.expand(variables));
            } else {
                missing.addAll(unset);
            }
        }
        if (plan.tags.isEmpty()) {
            plan.notes.add("No tags given and none of " + String.join(", ", missing)
                    + " is set (not running in a CI ecrflow knows?), so the image is tagged '" + FALLBACK + "'.");
            plan.tags.add(FALLBACK);
            plan.moving.add(FALLBACK);
        } else if (!missing.isEmpty()) {
            plan.notes.add("No tags given; default tags from " + String.join(", ", missing)
                    + " are left out because those variables are not set.");
        }
        return plan.build();
    }

    private static final class Builder {
        private final Function<String, Optional<String>> variables;
        private final Set<Tag> tags = new LinkedHashSet<>();
        private final Set<String> notes = new LinkedHashSet<>();
        private final Set<Tag> moving = new LinkedHashSet<>();

        Builder(Function<String, Optional<String>> variables) {
            this.variables = variables;
        }

        void add(TagTemplate template, String expanded) {
            Tag tag = TagSanitizer.sanitize(expanded, template);
            if (!tag.value().equals(expanded)) {
                notes.add("Tag '" + expanded + "' became '" + tag + "'.");
            }
            tags.add(tag);
            if (moves(template, expanded)) {
                moving.add(tag);
            }
        }

        /**
         * The agent expands {@code $(Build.SourceBranchName)} before the runner starts, so a tag that is
         * exactly a branch variable's value counts as a branch tag too.
         */
        private boolean moves(TagTemplate template, String expanded) {
            return expanded.equals(FALLBACK.value())
                    || template.variables().stream().anyMatch(name -> BRANCH_VARIABLES.contains(name)
                    || MOVING_VARIABLES.contains(name))
                    || BRANCH_VARIABLES.stream().map(variables).flatMap(Optional::stream)
                    .anyMatch(branch -> branch.equals(expanded) || branch.endsWith("/" + expanded));
        }

        TagPlan build() {
            return new TagPlan(new ArrayList<>(tags), new ArrayList<>(notes), moving);
        }
    }
}
