package io.ecrflow.buildpush;

import io.ecrflow.docker.PushProgress;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.registry.ImageRef;

/** Shows the push of tag {@code index} of {@code count} as one overall percentage of all tags. */
final class TagProgress implements PushProgress {
    private final Pipeline pipeline;
    private final ImageRef ref;
    private final int index;
    private final int count;

    TagProgress(Pipeline pipeline, ImageRef ref, int index, int count) {
        this.pipeline = pipeline;
        this.ref = ref;
        this.index = index;
        this.count = count;
    }

    @Override
    public void percent(int percent, String description) {
        pipeline.progress((index * 100 + percent) / count, "Pushing " + ref.tag());
    }

    @Override
    public void status(String line) {
        pipeline.info(line);
    }
}
