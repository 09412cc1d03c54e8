package io.ecrflow.publish;

import io.ecrflow.UserError;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageLabels;
import io.ecrflow.registry.Tag;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What an immutable repository already holds of this run's tags, decided without I/O: nothing (publish
 * as usual), this run's own earlier attempt (finish it: no rebuild, the missing tags get its manifest), or
 * another run's image (refuse: an immutable tag cannot move). An image built by this step is told by its run
 * labels; an image an earlier step built lacks them and is told by being that very image.
 *
 * @param digest the earlier attempt's digest, when the tags taken are this run's
 */
public record EarlierPublication(List<Tag> taken, Optional<Digest> digest) {

    public static final EarlierPublication NONE = new EarlierPublication(List.of(), Optional.empty());

    /**
     * @param taken      the tags of this run that exist, with the labels of the image each holds
     * @param run        this run's identity, which the images it builds carry as labels
     * @param localImage for an image an earlier step built (push-only), its id: that image is this run's whatever
     *                   its labels, and no other is unless it carries this run's identity
     * @throws UserError when a taken tag holds an image of another run, or the tags disagree on the digest
     */
    public static EarlierPublication assess(String repository, Map<Tag, ImageLabels> taken, Optional<RunIdentity> run,
                                            Optional<String> localImage) {
        if (taken.isEmpty()) {
            return NONE;
        }
        List<Tag> foreign = taken.entrySet().stream()
                .filter(entry -> !localImage.map(entry.getValue()::isImage).orElse(false)
                        && !run.map(identity -> identity.built(entry.getValue().labels())).orElse(false))
                .map(Map.Entry::getKey).toList();
        if (!foreign.isEmpty()) {
            String whose = localImage.map(id -> " with another image than the local one (" + id + ")")
                    .orElse(run.isPresent() ? " with an image of another run" : "");
            throw new UserError("Repository " + repository + " has immutable tags and already holds " + quoted(foreign)
                    + whose + "; an immutable tag cannot be moved, so nothing was pushed. Use tags unique to each run, "
                    + "such as $(Build.BuildId) or $(Build.SourceVersion:8).", "tags");
        }
        List<Digest> digests = taken.values().stream().map(ImageLabels::digest).distinct().toList();
        if (digests.size() > 1) {
            throw new UserError("Repository " + repository + " holds " + quoted(List.copyOf(taken.keySet()))
                    + " from an earlier attempt of this run, but on different digests (" + digests.stream()
                    .map(Digest::toString).collect(Collectors.joining(", ")) + "), and immutable tags cannot move. "
                    + "Run the pipeline anew (a new run id) to publish under new tags.", "tags");
        }
        return new EarlierPublication(List.copyOf(taken.keySet()), Optional.of(digests.get(0)));
    }

    /** Whether an earlier attempt of this run published some of the tags. */
    public boolean resumes() {
        return digest.isPresent();
    }

    private static String quoted(List<Tag> tags) {
        return tags.stream().map(Tag::value).collect(Collectors.joining("', '", "'", "'"));
    }
}
