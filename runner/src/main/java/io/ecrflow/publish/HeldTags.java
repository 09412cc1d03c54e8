package io.ecrflow.publish;

import io.ecrflow.registry.ImageRef;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The tags a failing {@link Gate} keeps off an image, and how its failure says so: only the tags that move
 * (build-push and platform-image publish the others first, on purpose) or every tag (promote gates before
 * writing any).
 */
public record HeldTags(List<ImageRef> refs, boolean everyTag) {

    public HeldTags {
        refs = List.copyOf(refs);
    }

    /** The moving tags still to be written; the other tags are on the image already. */
    public static HeldTags moving(List<ImageRef> refs) {
        return new HeldTags(refs, false);
    }

    /** Every tag still to be written: the gate comes before the first. */
    public static HeldTags every(List<ImageRef> refs) {
        return new HeldTags(refs, true);
    }

    /** What failing the gate leaves, to close a message: "…; so none of the tags (release, 1.4) were published". */
    public String whenFailed() {
        if (refs.isEmpty()) {
            return "the run fails with the image published under its tags";
        }
        String tags = refs.stream().map(ref -> ref.tag().value()).collect(Collectors.joining(", "));
        return everyTag ? "none of the tags (" + tags + ") were published"
                : "the tags that move (" + tags + ") were not published; the image is in the registry under the other tags";
    }
}
