package io.ecrflow.promote;

import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.registry.Blob;
import io.ecrflow.registry.BlobTransfer;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.Manifest;
import io.ecrflow.registry.RegistryClient;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Brings what an image's manifest names into another repository, registry to registry, so its manifest
 * can then be written there unchanged: each blob once (skipped when the target has it, else streamed; never
 * mounted, as ECR's mounts are off unless the account enables them), and for an index each image's manifest, by digest, before the index
 * itself. Nothing touches the agent's disk.
 */
final class ImageCopy {
    private final Pipeline pipeline;
    private final RegistryClient registry;
    private final Set<Digest> done = new HashSet<>();
    private final Map<BlobTransfer, Integer> counts = new EnumMap<>(BlobTransfer.class);

    ImageCopy(Pipeline pipeline, RegistryClient registry) {
        this.pipeline = pipeline;
        this.registry = registry;
    }

    /** Copies the content {@code manifest} (read from {@code source}) names into {@code target}'s repository. */
    void copyContent(Manifest manifest, ImageRef source, ImageRef target) {
        copyNamed(manifest, source, target);
        pipeline.info("Blobs in " + target.repositoryUri() + ": " + summary() + ".");
    }

    /**
     * An index's entries go first, each written by digest; an entry may itself be an index (an image of an engine
     * that keeps its images in containerd is an index of the image and its attestation).
     */
    private void copyNamed(Manifest manifest, ImageRef source, ImageRef target) {
        if (!manifest.isIndex()) {
            copyBlobs(manifest, source, target);
            return;
        }
        for (Manifest.Entry entry : manifest.entries()) {
            Manifest child = registry.manifest(source.withDigest(entry.digest()));
            copyNamed(child, source, target);
            registry.putManifest(target.withDigest(child.digest()), child);
            pipeline.info("Copied " + (child.isIndex() ? "index " : "image ") + child.digest() + platform(entry)
                    + " of the index.");
        }
    }

    private void copyBlobs(Manifest manifest, ImageRef source, ImageRef target) {
        for (Blob blob : manifest.blobs()) {
            if (blob.isForeign() || !done.add(blob.digest())) {
                continue;
            }
            BlobTransfer transfer = registry.transferBlob(source, target, blob);
            counts.merge(transfer, 1, Integer::sum);
            pipeline.debug(blob.digest() + " (" + blob.size() + " bytes): " + transfer.name().toLowerCase());
        }
    }

    /** "2 copied, 1 already there", for the log. */
    private String summary() {
        if (counts.isEmpty()) {
            return "none to copy";
        }
        return counts.entrySet().stream().map(e -> e.getValue() + " " + switch (e.getKey()) {
            case PRESENT -> "already there";
            case COPIED -> "copied";
        }).collect(Collectors.joining(", "));
    }

    private static String platform(Manifest.Entry entry) {
        return entry.os().isEmpty() ? "" : " (" + entry.platform() + ")";
    }
}
