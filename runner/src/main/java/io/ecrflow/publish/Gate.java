package io.ecrflow.publish;

import io.ecrflow.registry.ImageRef;

import java.util.List;

/**
 * A check an image must pass before the tags that move (latest, branches, extra tags) are published: it
 * runs once the digest-bound or version tags exist (a scan needs the image in the registry) and stops the
 * publication by throwing a {@link io.ecrflow.UserError}.
 */
@FunctionalInterface
public interface Gate {
    /** A gate every image passes. */
    Gate OPEN = (image, held) -> { };

    /**
     * @param image the published image, by digest
     * @param held  the moving tags still to be published: what failing withholds
     */
    void check(ImageRef image, List<ImageRef> held);
}
