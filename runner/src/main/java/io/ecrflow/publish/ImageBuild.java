package io.ecrflow.publish;

import io.ecrflow.docker.BuildRequest;
import io.ecrflow.docker.BuiltImage;
import io.ecrflow.docker.ImageBuilder;
import io.ecrflow.pipeline.PhaseTimer;
import io.ecrflow.pipeline.Pipeline;

/** Builds an image with the chosen builder, its output inside one collapsible log group. */
public final class ImageBuild {
    private final Pipeline pipeline;

    public ImageBuild(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** @param what what is built, as the group's title says it ("Dockerfile", "6.0-1.2.0 from Dockerfile") */
    public BuiltImage build(String what, ImageBuilder builder, BuildRequest request) {
        pipeline.beginGroup("Build " + what + " (" + builder.name() + ")");
        try {
            BuiltImage image = PhaseTimer.time(pipeline, "Build", () -> builder.build(request, pipeline::relay));
            pipeline.info("Built image " + image.imageId() + ".");
            return image;
        } finally {
            pipeline.endGroup();
        }
    }
}
