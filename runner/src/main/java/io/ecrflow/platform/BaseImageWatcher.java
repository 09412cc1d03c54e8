package io.ecrflow.platform;

import io.ecrflow.dockerfile.BaseImage;

import io.ecrflow.UserError;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageLabels;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.RegistryClient;

import java.util.Optional;

/**
 * Tells whether the base image moved since the current platform image was built, by digest: what the
 * base image's tag points to upstream now against the digest recorded in the platform image's labels
 * (read from the registry, no pull). Dates would mislead: a tag can be re-pushed without a change, and
 * an older platform image may be rebuilt later.
 */
public final class BaseImageWatcher {
    private final RegistryClient registry;

    public BaseImageWatcher(RegistryClient registry) {
        this.registry = registry;
    }

    /** The digest the base image's tag points to now (the index digest for a multi-arch tag). */
    public BaseLabels upstream(BaseImage base) {
        Digest digest = registry.manifestDigest(base.ref()).orElseThrow(() -> new UserError("The base image "
                + base.name() + " (" + base.origin() + ") does not exist in its registry. Check the name and tag.",
                BaseImage.INPUT));
        return new BaseLabels(base.name(), digest);
    }

    /** What the platform image {@code current} records about its base, and its own digest. */
    public ImageLabels current(ImageRef current) {
        return ImageLabels.read(registry, current);
    }

    /** The decision itself: a pure comparison. */
    public static UpdateDecision decide(Optional<BaseLabels> builtOn, BaseLabels upstream) {
        if (builtOn.isEmpty()) {
            return new UpdateDecision(true, "the current platform image has no " + BaseLabels.DIGEST
                    + " label to compare with, so a new version records it from now on", upstream, builtOn);
        }
        BaseLabels recorded = builtOn.get();
        if (!recorded.name().equals(upstream.name())) {
            return new UpdateDecision(true, "the base image changed from " + recorded.name() + " to " + upstream.name(),
                    upstream, builtOn);
        }
        if (recorded.digest().equals(upstream.digest())) {
            return new UpdateDecision(false, "the base image has not changed since the current version was built",
                    upstream, builtOn);
        }
        return new UpdateDecision(true, "the base image was updated upstream", upstream, builtOn);
    }
}
