package io.ecrflow.docker;

import java.util.List;
import java.util.Map;

/**
 * What the engine knows about one local image.
 *
 * @param id          the image id, {@code sha256:…}
 * @param repoDigests {@code repository@sha256:…} for every registry the image was pushed to or pulled from
 */
public record ImageInfo(String id, Map<String, String> labels, List<String> repoDigests) {

    public ImageInfo {
        labels = Map.copyOf(labels);
        repoDigests = List.copyOf(repoDigests);
    }
}
