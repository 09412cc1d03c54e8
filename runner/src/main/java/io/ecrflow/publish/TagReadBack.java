package io.ecrflow.publish;

import io.ecrflow.docker.BuiltImage;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.Manifest;

import java.util.Optional;

/**
 * What a refused write of an immutable tag means, judged by what the tag holds when read back; decided without I/O.
 * ECR refuses every write of an immutable tag that exists, the identical manifest too (aws/containers-roadmap#2179),
 * so a write the registry stored but whose answer was lost (a proxy's 502, a reset connection) is refused when it is
 * tried again; and the engine does not try a manifest write again whose connection broke. When the tag holds what
 * this run writes, the write is done; when it holds anything else, or nothing, the failure stands.
 */
final class TagReadBack {
    private TagReadBack() {
    }

    /**
     * @param written the digest of the manifest this run wrote under {@code tag}
     * @param held    what the tag holds now
     * @return the line for the log when the write is done after all; empty when the refusal stands
     */
    static Optional<String> writeDone(ImageRef tag, Digest written, Optional<Digest> held) {
        return held.filter(written::equals).map(digest -> alreadyHolds(tag, digest, ""));
    }

    /**
     * The engine's push names no digest when it is refused or its answer lost; the tag holds the image it pushed when the manifest
     * there is that image's (its config is the image on the classic store, the manifest itself on containerd's).
     *
     * @param held the manifest the tag holds now
     * @return the line for the log when the push is done after all; empty when the refusal stands
     */
    static Optional<String> pushDone(ImageRef tag, BuiltImage image, Optional<Manifest> held) {
        return held.filter(manifest -> TagPublisher.isManifestOf(manifest, image))
                .map(manifest -> alreadyHolds(tag, manifest.digest(), ", the image " + image.imageId() + " this run pushed"));
    }

    private static String alreadyHolds(ImageRef tag, Digest digest, String what) {
        return "Tag " + tag.tag().value() + " already holds " + digest + what + " (an earlier answer was lost): "
                + "nothing to write.";
    }
}
