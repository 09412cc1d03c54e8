package io.ecrflow.tagging;

import io.ecrflow.UserError;
import io.ecrflow.pipeline.RunValues;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The tags one image gets, in the order the user gave them, each once, with a note for every tag
 * that had to change to be valid (for the caller to show; nothing is printed here), and which of them
 * stay with this image and which move on to a later one ({@code latest}, branch names, a platform image's
 * extra tags). Everything that depends on that split asks the plan: the publish order (the tags that stay
 * first), the scan gate's place (before the first tag that moves), the tags an immutable repository must
 * let move, and the refusal of a moving tag such a repository holds already.
 *
 * @param moving    the tags that move to a later image: published last, after the gate
 * @param recurring the tags with the same name on every run (no variable in them): a tag that moves and
 *                  recurs is written again over an earlier image, so an immutable repository must exempt it
 */
public record TagPlan(List<Tag> tags, List<String> notes, Set<Tag> moving, Set<Tag> recurring) {
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
        recurring = Set.copyOf(recurring);
    }

    /** A plan of tags that stay with this image and tags that move, published in that order. */
    public static TagPlan of(List<Tag> staying, List<Tag> moving) {
        List<Tag> tags = new ArrayList<>(staying);
        moving.stream().filter(tag -> !tags.contains(tag)).forEach(tags::add);
        return new TagPlan(tags, List.of(), Set.copyOf(moving), Set.of());
    }

    /**
     * The tags every new version of an image takes over: the extra tags as the user gave them, then {@code latest}
     * (unless turned off), the last tag a consumer sees move. All of them move; those written as they are
     * ({@code 6.0}, {@code latest}) recur, those made from a variable ({@code $(Build.BuildNumber)}) are new each run.
     */
    public static TagPlan forNewVersions(List<String> extraTemplates, boolean tagLatest,
                                         Function<String, Optional<String>> variables) {
        List<String> given = extraTemplates.stream().map(String::trim).filter(t -> !t.isEmpty()).toList();
        Builder plan = new Builder(variables);
        if (!given.isEmpty()) {
            TagPlan extra = fromExplicit(given, variables);
            plan.notes.addAll(extra.notes);
            extra.tags.stream().filter(tag -> !tag.equals(FALLBACK)).forEach(tag -> {
                plan.tags.add(tag);
                if (extra.recurring.contains(tag)) {
                    plan.recurring.add(tag);
                }
            });
        }
        if (tagLatest) {
            plan.tags.add(FALLBACK);
            plan.recurring.add(FALLBACK);
        }
        plan.moving.addAll(plan.tags);
        return plan.build();
    }

    /** This plan with {@code tag} first, a tag that stays with the image (a platform image's version tag). */
    public TagPlan withStaying(Tag tag) {
        List<Tag> all = new ArrayList<>(List.of(tag));
        tags.stream().filter(t -> !t.equals(tag)).forEach(all::add);
        Set<Tag> stillMoving = new LinkedHashSet<>(moving);
        stillMoving.remove(tag);
        return new TagPlan(all, notes, stillMoving, recurring);
    }

    /** Whether {@code tag} moves to a later image; a tag outside the plan does not. */
    public boolean moves(Tag tag) {
        return moving.contains(tag);
    }

    /** The tags in the order they are published: those that stay with this build first, the moving ones last. */
    public List<Tag> inPublishOrder() {
        List<Tag> ordered = new ArrayList<>(tags.stream().filter(tag -> !moving.contains(tag)).toList());
        tags.stream().filter(moving::contains).forEach(ordered::add);
        return ordered;
    }

    /** The tags in publish order as references in {@code repository} of {@code registry}. */
    public List<ImageRef> refsIn(String registry, RepositoryName repository) {
        return inPublishOrder().stream().map(tag -> ImageRef.tagged(registry, repository, tag)).toList();
    }

    /** The moving tags in publish order: what the gate holds back until it has judged the image. */
    public List<Tag> movingInPublishOrder() {
        return inPublishOrder().stream().filter(moving::contains).toList();
    }

    /**
     * The tags a repository that keeps tags from moving must exempt: those that move and recur, in publish order.
     * A moving tag made from a variable is new on each run and is written once.
     */
    public List<Tag> rewritten() {
        return movingInPublishOrder().stream().filter(recurring::contains).toList();
    }

    /**
     * The moving tags that {@code existing} holds already and the repository keeps from moving ({@code immutable}):
     * they cannot move to this image. Tags new to the repository are written once and need not move.
     */
    public List<Tag> stuckIn(Collection<Tag> existing, Predicate<Tag> immutable) {
        return movingInPublishOrder().stream().filter(existing::contains).filter(immutable).toList();
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
            plan.recurring.add(FALLBACK);
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
        private final Set<Tag> recurring = new LinkedHashSet<>();

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
            if (template.variables().isEmpty()) {
                recurring.add(tag);
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
            return new TagPlan(new ArrayList<>(tags), new ArrayList<>(notes), moving, recurring);
        }
    }
}
