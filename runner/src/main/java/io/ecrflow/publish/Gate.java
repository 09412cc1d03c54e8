package io.ecrflow.publish;

import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.Manifest;

/**
 * A check an image must pass before tags are published: in build-push and platform-image before the tags
 * that move (latest, branches, extra tags), once the digest-bound or version tags exist; in promote before
 * any tag. The image is in the registry by then (a scan needs it there). A failure is a
 * {@link io.ecrflow.UserError} that stops the publication.
 */
@FunctionalInterface
public interface Gate {
    /** A gate every image passes. */
    Gate OPEN = (image, manifest, held) -> { };

    /**
     * @param image    the published image, by digest
     * @param manifest what the digest holds: one image, or an index of images (one per platform, and BuildKit's
     *                 attestations beside them)
     * @param held     the tags still to be published: what failing withholds
     */
    void check(ImageRef image, Manifest manifest, HeldTags held);
}
