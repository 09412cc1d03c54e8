package io.ecrflow.platform;

import io.ecrflow.registry.Digest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a platform image records about its base, in the OCI annotations meant for it
 * (https://github.com/opencontainers/image-spec/blob/main/annotations.md): the base image's name and
 * the digest its tag had when the platform image was built.
 */
public record BaseLabels(String name, Digest digest) {
    public static final String NAME = "org.opencontainers.image.base.name";
    public static final String DIGEST = "org.opencontainers.image.base.digest";

    public Map<String, String> asLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(NAME, name);
        labels.put(DIGEST, digest.toString());
        return labels;
    }

    /** The base recorded in an image's labels; empty when they are missing or not a digest. */
    public static Optional<BaseLabels> from(Map<String, String> labels) {
        String name = labels.get(NAME);
        String digest = labels.get(DIGEST);
        if (name == null || name.isBlank() || digest == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new BaseLabels(name.trim(), Digest.parse(digest.trim())));
        } catch (IllegalArgumentException notADigest) {
            return Optional.empty();
        }
    }
}
