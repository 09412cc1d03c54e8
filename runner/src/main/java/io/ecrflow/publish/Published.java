package io.ecrflow.publish;

import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.Manifest;

import java.util.List;

/** What a publication left in the registry: one manifest, under every one of these tags. */
public record Published(Manifest manifest, List<ImageRef> refs) {
    public Published {
        refs = List.copyOf(refs);
    }

    public Digest digest() {
        return manifest.digest();
    }
}
