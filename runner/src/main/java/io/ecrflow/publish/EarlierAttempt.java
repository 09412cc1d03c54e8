package io.ecrflow.publish;

import io.ecrflow.aws.Ecr;
import io.ecrflow.aws.RepositoryInfo;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageLabels;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.Manifest;
import io.ecrflow.registry.RegistryClient;
import io.ecrflow.registry.Tag;
import io.ecrflow.tagging.TagPlan;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The step that finds what an earlier attempt of this run published ({@link EarlierPublication} decides from the
 * images the taken immutable tags hold) and finishes it: the tags it did not get are given its manifest, through
 * the gate, and nothing is rebuilt.
 */
public final class EarlierAttempt {
    private final Pipeline pipeline;
    private final Ecr ecr;
    private final RegistryClient registry;

    /** @param registry a client that holds the credential for the repository's registry */
    public EarlierAttempt(Pipeline pipeline, Ecr ecr, RegistryClient registry) {
        this.pipeline = pipeline;
        this.ecr = ecr;
        this.registry = registry;
    }

    /**
     * @param refs       every tag of this run, in publish order
     * @param localImage for an image an earlier step built, its id (see {@link EarlierPublication#assess})
     */
    public EarlierPublication find(Optional<RepositoryInfo> repository, List<ImageRef> refs, Optional<String> localImage) {
        Map<Tag, Digest> taken = TakenImmutableTags.in(ecr, repository, refs.stream().map(ImageRef::tag).toList());
        if (taken.isEmpty()) {
            return EarlierPublication.NONE;
        }
        Map<Digest, ImageLabels> labelsByDigest = new HashMap<>();
        Map<Tag, ImageLabels> labels = new LinkedHashMap<>();
        taken.forEach((tag, digest) -> labels.put(tag, labelsByDigest.computeIfAbsent(digest,
                d -> ImageLabels.read(registry, refs.get(0).withDigest(d)))));
        return EarlierPublication.assess(repository.orElseThrow().name().value(), labels,
                RunIdentity.of(pipeline::variable), localImage);
    }

    /**
     * Gives the tags of {@code tags} the earlier attempt did not get the manifest it published.
     *
     * @param repository any reference in the repository; its tag is not used
     */
    public Published finish(EarlierPublication earlier, ImageRef repository, TagPlan tags, Gate gate) {
        Digest digest = earlier.digest().orElseThrow();
        List<Tag> ordered = tags.inPublishOrder();
        List<Tag> missing = ordered.stream().filter(tag -> !earlier.taken().contains(tag)).toList();
        pipeline.info(ordered.stream().filter(earlier.taken()::contains).map(Tag::value).collect(Collectors.joining(", "))
                + " already hold " + digest + ", published by an earlier attempt of this run; "
                + (missing.isEmpty() ? "nothing is left to publish." : "adding " + missing.stream()
                .map(Tag::value).collect(Collectors.joining(", ")) + " without rebuilding."));
        Manifest manifest = registry.manifest(repository.withDigest(digest));
        return TagPublisher.ofManifests(pipeline, registry).addTags(manifest, repository, tags,
                Set.copyOf(earlier.taken()), gate);
    }
}
