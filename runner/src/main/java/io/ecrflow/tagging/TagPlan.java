package io.ecrflow.tagging;

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
        for (String text : templates) {
            TagTemplate template = TagTemplate.parse(text);
            plan.add(template, template.expand(variables));
        }
        return plan.build();
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
                    || template.variables().stream().anyMatch(BRANCH_VARIABLES::contains)
                    || BRANCH_VARIABLES.stream().map(variables).flatMap(Optional::stream)
                    .anyMatch(branch -> branch.equals(expanded) || branch.endsWith("/" + expanded));
        }

        TagPlan build() {
            return new TagPlan(new ArrayList<>(tags), new ArrayList<>(notes), moving);
        }
    }
}
