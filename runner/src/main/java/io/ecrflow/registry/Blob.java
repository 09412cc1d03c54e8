package io.ecrflow.registry;

/** A blob a manifest names (its config or a layer), as its descriptor gives it: digest, size and media type. */
public record Blob(Digest digest, long size, String mediaType) {

    /**
     * Foreign (non-distributable) layers, such as Windows base layers, live outside the registry: a copy
     * of the image leaves them where they are, as registries and the engine do.
     */
    public boolean isForeign() {
        return mediaType.contains("foreign") || mediaType.contains("nondistributable");
    }
}
