package io.ecrflow.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrflow.UserError;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The labels of an image in a registry, read from its manifest and config blob: a few kilobytes instead
 * of a pull. For a multi-arch tag, the labels of its {@code linux/amd64} image (else its first one).
 *
 * @param digest the digest the reference resolved to (the index's, for a multi-arch tag)
 * @param config the digest of the config blob the labels were read from: the image id the engine knows it by
 */
public record ImageLabels(Digest digest, Digest config, Map<String, String> labels) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public ImageLabels {
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    public static ImageLabels read(RegistryClient registry, ImageRef ref) {
        Manifest manifest = registry.manifest(ref);
        Manifest image = manifest;
        if (manifest.isIndex()) {
            Manifest.Entry entry = manifest.preferredEntry().orElseThrow(() -> new UserError(
                    "The image " + ref + " is an index without any image in it."));
            image = registry.manifest(ref.withDigest(entry.digest()));
        }
        byte[] config = registry.configBlob(ref, image.configDigest());
        Map<String, String> labels = new LinkedHashMap<>();
        try {
            JsonNode found = JSON.readTree(config).path("config").path("Labels");
            found.fields().forEachRemaining(field -> labels.put(field.getKey(), field.getValue().asText()));
        } catch (IOException e) {
            throw new UserError("The config of " + ref + " is not JSON; it cannot be an image config.");
        }
        return new ImageLabels(manifest.digest(), image.configDigest(), labels);
    }

    /**
     * Whether this is the engine's image {@code imageId}: with the classic image store an id is the config's
     * digest, with the containerd store the manifest's (or index's) own.
     */
    public boolean isImage(String imageId) {
        return digest.toString().equals(imageId) || config.toString().equals(imageId);
    }
}
