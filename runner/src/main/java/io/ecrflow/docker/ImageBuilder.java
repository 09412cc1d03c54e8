package io.ecrflow.docker;

import java.util.function.Consumer;

/** One way of building an image: BuildKit through the docker CLI, or the engine's own builder. */
public interface ImageBuilder {

    /** {@code buildkit} or {@code engine}, as the user names it in {@code --builder}. */
    String name();

    /**
     * Builds the image, streaming every output line to {@code output} as it arrives.
     * A failed build throws {@link io.ecrflow.UserError} naming the failing step.
     */
    BuiltImage build(BuildRequest request, Consumer<String> output);
}
