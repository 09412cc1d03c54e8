package io.ecrflow.publish;

import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.Manifest;

import java.util.List;

/**
 * A check an image must pass before the tags that move (latest, branches, extra tags) are published: it
 * runs once the digest-bound or version tags exist (a scan needs the image in the registry) and stops the
 * publication by throwing a {@link io.ecrflow.UserError}.
 */
@FunctionalInterface
public interface Gate {
    /** A gate every image passes. */
    Gate OPEN = (image, manifest, held) -> { };

    /**
     * @param image    the published image, by digest
     * @param manifest what the digest holds: one image, or an index of images (one per platform, and BuildKit's
     *                 attestations beside them)
     * @param held     the moving tags still to be published: what failing withholds
     */
    void check(ImageRef image, Manifest manifest, List<ImageRef> held);
}
