package io.ecrflow.platform;

import io.ecrflow.UserError;
import io.ecrflow.aws.TagMutability;
import io.ecrflow.registry.CacheRef;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;
import io.ecrflow.tagging.TagPlan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The platform image's rules for the tags every new version takes over ({@code latest}, the extra tags): which
 * tags they are (a {@link TagPlan}, asked for everything about them), what they may not be (a version tag), and
 * what a repository that keeps version tags fixed must let move.
 */
public final class NewVersionTags {
    private static final Tag LATEST = Tag.of("latest");

    private NewVersionTags() {
    }

    /**
     * The extra tags as the user gave them, then {@code latest} unless turned off.
     *
     * @throws UserError for an extra tag that looks like a version tag: version tags never move
     */
    public static TagPlan plan(List<String> extraTemplates, boolean tagLatest, VersionTags versions,
                               Function<String, Optional<String>> variables) {
        TagPlan plan = TagPlan.forNewVersions(extraTemplates, tagLatest, variables);
        for (Tag tag : plan.tags()) {
            if (versions.versionOf(tag).isPresent()) {
                throw new UserError("Extra tag '" + tag + "' looks like a version tag (" + versions.pattern() + "); "
                        + "version tags are never moved, so it cannot be an extra tag.", "extraTags");
            }
        }
        return plan;
    }

    /** Whether {@code plan} moves {@code latest} to every new version. */
    public static boolean movesLatest(TagPlan plan) {
        return plan.moves(LATEST);
    }

    /**
     * The tags of the repository written again on every new version: latest, the extra tags written as they are
     * (6.0), the registry cache's tag when it lives in the repository. An extra tag made from a pipeline variable
     * ($(Build.BuildNumber)) is new on each run, so it never moves. These are the repository's exceptions to
     * immutable tags, and the images keepVersions never expires.
     */
    public static List<Tag> rewritten(TagPlan plan, RepositoryName repository, Optional<CacheRef> registryCache) {
        List<Tag> tags = new ArrayList<>(plan.rewritten());
        // latest comes first, as the exclusions list it
        if (tags.remove(LATEST)) {
            tags.add(0, LATEST);
        }
        registryCache.filter(cache -> cache.repository().equals(repository)).map(CacheRef::tag)
                .filter(tag -> !tags.contains(tag)).ifPresent(tags::add);
        return tags;
    }

    /**
     * A new platform-image repository keeps its version tags from ever moving, so a version once tested is what its
     * tag holds for good; the tags every version takes over are the exceptions. ECR takes five exceptions at most:
     * more tags than that leave the repository mutable.
     */
    public static TagMutability immutableExcept(List<Tag> rewritten, Consumer<String> warning) {
        if (rewritten.isEmpty()) {
            return TagMutability.IMMUTABLE;
        }
        if (rewritten.size() > TagMutability.MAX_EXCLUSIONS) {
            warning.accept("A new repository's version tags would be immutable with " + rewritten.size()
                    + " moving tags as the exceptions, but ECR takes at most " + TagMutability.MAX_EXCLUSIONS
                    + "; its tags are left mutable. Set tagMutability and mutabilityExclusions (wildcards) to choose.");
            return TagMutability.MUTABLE;
        }
        return new TagMutability(TagMutability.Mode.IMMUTABLE_WITH_EXCLUSION, rewritten.stream().map(Tag::value).toList());
    }

    /** The registry cache's place: never a version tag, which it would count as. */
    public static void refuseVersionLikeCache(CacheRef cache, RepositoryName repository, VersionTags versions) {
        if (cache.repository().equals(repository) && versions.versionOf(cache.tag()).isPresent()) {
            throw new UserError("cacheRef " + cache + " looks like a version tag (" + versions.pattern() + "); the "
                    + "registry cache moves on every run and must never count as a version. Use another tag, e.g. "
                    + CacheRef.DEFAULT_TAG + ".", "cacheRef");
        }
    }
}
