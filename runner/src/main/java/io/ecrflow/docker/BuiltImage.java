package io.ecrflow.docker;

import io.ecrflow.registry.ImageRef;

import java.util.Optional;

/**
 * An image the engine now holds: its id ({@code sha256:…}) and the local name it was built under.
 *
 * @param publishAsCache where the image itself must also be published, after the user's tags and unreported, for
 *                       the registry cache to reach the registry: an inline cache lives in the image's config.
 *                       Empty when no registry cache was asked for, when the builder exported the cache itself
 *                       (buildx's registry cache), or when the builder could not use one.
 */
public record BuiltImage(String imageId, String localName, Optional<ImageRef> publishAsCache) {

    public BuiltImage(String imageId, String localName) {
        this(imageId, localName, Optional.empty());
    }
}
