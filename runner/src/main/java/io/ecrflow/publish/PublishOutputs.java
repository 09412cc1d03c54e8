package io.ecrflow.publish;

import io.ecrflow.aws.EnsuredRepository;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.ImageSize;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The outputs every publishing command sets, the same way: registry, image URIs, digest and tags; and the
 * run summary that shows them, with the image's size and the repository.
 */
public final class PublishOutputs {
    private PublishOutputs() {
    }

    /**
     * @param image     the reference the image is known by ({@code imageUri}): the first tag, or the version tag
     * @param published  the tags this run published or found published; empty when nothing was
     * @param size       the image's size in the registry, when the run had its manifest at hand
     * @param repository the repository published to, created by this run or found
     */
    public static void write(Pipeline pipeline, ImageRef image, List<ImageRef> published, Digest digest,
                             Optional<ImageSize> size, EnsuredRepository repository) {
        writeNames(pipeline, image, published, Optional.of(digest));
        size.ifPresent(s -> pipeline.info("The image takes " + s.readable() + " in the registry (" + s.bytes() + " bytes)."));
        pipeline.summary(PublicationSummary.markdown(image, published, digest, size, repository));
    }

    /**
     * The outputs that name the image: its registry, references and tags, and its digest where it has one in a
     * registry (a build that publishes nothing has none).
     */
    public static void writeNames(Pipeline pipeline, ImageRef image, List<ImageRef> refs, Optional<Digest> digest) {
        pipeline.setOutput("registry", image.registry());
        pipeline.setOutput("imageUri", image.toString());
        pipeline.setOutput("imageUris", refs.stream().map(ImageRef::toString).collect(Collectors.joining(",")));
        digest.ifPresent(known -> {
            pipeline.setOutput("imageDigest", image.withDigest(known).toString());
            pipeline.setOutput("digest", known.toString());
        });
        pipeline.setOutput("tags", refs.stream().map(ref -> ref.tag().value()).collect(Collectors.joining(",")));
    }
}
